/**
 * Simulator parameters: data/simulator/*.yaml as validated objects. These files hold everything the
 * cost model needs beyond the accelerator files: software stacks, per-accelerator assumptions (each
 * with a source, or `assumed: true` and a note), and the named calibration dataset.
 */
import { join } from "node:path";
import { z } from "zod";
import { SourceError, type SourceProblem } from "../errors.ts";
import { parseYaml } from "../ingest/yaml.ts";
import { readUtf8 } from "../ingest/text.ts";
import { FUSION_STYLES } from "./kernels.ts";
import { idSchema, SPEC_KEYS, specSchema, type Spec, type SpecKey } from "../schema.ts";

const text = (max = 2000) => z.string().min(1).max(max);

/**
 * A stack's `match` expression is data, so it must not slow the build: any quantifier can backtrack
 * (`.*.*.*.*#` takes minutes on one framework string, `(a+)+` longer). So a pattern is a word or
 * phrase matched as plain text, case-insensitively, optionally with `\b` (word boundary) at either
 * end: no other regular-expression syntax, and a regular-expression engine runs it in time linear
 * in the text (a literal with anchors has nothing to backtrack into).
 */
const LINEAR_PATTERN = /^(?:\\b)?[^\\.*+?()[\]{}|^$]+(?:\\b)?$/;
function safePattern(pattern: string): boolean {
  return LINEAR_PATTERN.test(pattern);
}

const matchSchema = z
  .array(
    z
      .string()
      .min(1)
      .max(200)
      .refine(
        safePattern,
        "a word or phrase matched as text, optionally with \\b at either end (no other regular-expression syntax: . * + ? ( ) [ ] { } | ^ $ \\)",
      ),
  )
  .max(20);

/** What every stack has: an id, a name, and the words that recognise its measured rows. */
const stackBase = {
  id: idSchema,
  name: text(300),
  /** Words or phrases (`\b` allowed at either end) tried case-insensitively on a measured row's `framework execution`; first stack wins. */
  match: matchSchema,
};

/**
 * A GPU stack for the kernel model (docs/simulator.md, "GPU kernel model"): which kernels a pass launches and
 * how the host issues them. Its costs are its launch family's (eager or replay) times factors of its own,
 * fitted where published tables of the stack exist (calibration.yaml).
 */
const kernelStackSchema = z
  .object({
    ...stackBase,
    engine: z.literal("kernels"),
    /** `unfused`: batch norm, activation and add run as kernels of their own; `fused-elementwise`: one element-wise kernel after each convolution; `fused-epilogue`: all of it in the convolution. */
    fusion: z.enum(FUSION_STYLES),
    /** `eager`: the host dispatches kernel after kernel; `replay`: a captured graph or engine is launched once per batch. */
    launch: z.enum(["eager", "replay"]),
    /** Mixed precision casts every FP32 weight to FP16 on each pass (PyTorch autocast). */
    amp_weight_casts: z.boolean(),
    /** A stack that launches the same kernels (e.g. CUDA graphs replaying eager PyTorch): its device speed applies. */
    same_kernels_as: idSchema.optional(),
    /** Why this fusion, launch and casting describe the stack. */
    reason: text(),
  })
  .strict();

/**
 * A stack of an accelerator without a published tile structure (IPU, MN-Core 2, InferX X1): the layer
 * roofline with one efficiency and one fixed-cost form, fitted on two or three named points.
 */
const rooflineStackSchema = z
  .object({
    ...stackBase,
    engine: z.literal("roofline"),
    /**
     * The form of the fixed cost: `per-batch` (one overhead per batch: a compiled graph launched once),
     * `per-layer` (a minimum time per layer: one kernel launch per op from the host), or `both`.
     * The calibration fits efficiency and these costs: 2 points for one cost, 3 for both.
     */
    fixed_cost: z.enum(["per-batch", "per-layer", "both"]),
    fixed_cost_reason: text(),
    /** Values for stacks without a fit; omitted: the median of the calibration fits (docs/simulator.md). */
    overhead_ms: specSchema.optional(),
    layer_floor_ms: specSchema.optional(),
    efficiency: specSchema
      .refine((s) => s.value <= 1, "an efficiency is a fraction of peak, at most 1")
      .optional(),
  })
  .strict();

const stackSchema = z.discriminatedUnion("engine", [kernelStackSchema, rooflineStackSchema]);
export type KernelStack = z.infer<typeof kernelStackSchema>;
export type RooflineStack = z.infer<typeof rooflineStackSchema>;
export type Stack = KernelStack | RooflineStack;

const stacksFileSchema = z.object({ stacks: z.array(stackSchema).min(1).max(50) }).strict();

const simAcceleratorSchema = z
  .object({
    id: idSchema,
    /** Stack the sweep simulates this accelerator with. */
    stack: idSchema,
    /** Where the weights live between batches: streamed from DRAM once per batch (default) or kept on chip. */
    weights: z.enum(["stream", "resident"]).optional(),
    weights_reason: text().optional(),
    /** Accelerator whose fits stand in when this one has no calibration data, and why. */
    calibration_from: idSchema.optional(),
    calibration_reason: text().optional(),
    /** Off-chip bandwidth the simulator uses instead of the `memory_bandwidth_gb_s` spec. */
    dram_bandwidth_gb_s: specSchema.optional(),
    /** Spec values missing from data/accelerators/<id>.yaml; a value there always wins. */
    specs: z
      .object(Object.fromEntries(SPEC_KEYS.map((k) => [k, specSchema.optional()])))
      .strict()
      .optional(),
  })
  .strict()
  .refine((a) => a.weights === undefined || a.weights_reason !== undefined, {
    message: "say why the weights policy differs",
    path: ["weights_reason"],
  })
  .refine((a) => a.calibration_from === undefined || a.calibration_reason !== undefined, {
    message: "say why another accelerator's fit applies",
    path: ["calibration_reason"],
  });
export type SimAccelerator = Omit<z.infer<typeof simAcceleratorSchema>, "specs"> & {
  specs?: Partial<Record<SpecKey, Spec>>;
};

const simAcceleratorsFileSchema = z.object({ accelerators: z.array(simAcceleratorSchema).max(100) }).strict();

/** Rows of a study table, named instead of copied: the study stays the one source of the numbers. */
const tableRefSchema = z
  .object({
    study: idSchema,
    /** A CSV file of the study. */
    table: z.string().min(1).max(200),
    /** Batch sizes used; omitted: every row of the table. */
    batches: z.array(z.number().int().positive()).min(1).max(64).optional(),
  })
  .strict();
export type TableRef = z.infer<typeof tableRefSchema>;

/** A fitted parameter of the GPU kernel model, with the prior the fit is pulled towards and why. */
const parameterSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9.-]+$/)
      .max(80),
    /** `fraction`: fitted on the logit scale, in (0, 1); `positive`: fitted on the log scale. */
    scale: z.enum(["fraction", "positive"]),
    prior: specSchema,
  })
  .strict();

/** Two or three named points that fit a roofline stack's efficiency and fixed cost (non-GPU accelerators). */
const rooflineFitSchema = z
  .object({
    id: idSchema,
    accelerator: idSchema,
    /** Devices the study ran (data parallel), e.g. the two IPUs of a C2 card. */
    devices: z.number().int().positive().max(64).optional(),
    stack: idSchema,
    rows: tableRefSchema,
  })
  .strict();
export type RooflineFit = z.infer<typeof rooflineFitSchema>;

const calibrationFileSchema = z
  .object({
    /** The calibration dataset's name, quoted wherever a fitted value is shown. */
    name: idSchema,
    title: text(500),
    description: text(4000),
    /** The GPU stack whose device speed is 1 by definition (the others' speeds are relative to it). */
    reference_stack: idSchema,
    /** Weight of the pull towards the priors, per parameter on its fitting scale (ridge). */
    prior_weight: z.number().positive().max(10),
    /** The GPU kernel model's parameters: shared kernel parameters, then host costs per stack. */
    parameters: z.array(parameterSchema).min(1).max(100),
    /** Published GPU tables the kernel model is fitted on. */
    training: z.array(tableRefSchema).max(500),
    /** Tables left out of the fit, with the reason (they are still validated). */
    excluded: z
      .array(z.object({ study: idSchema, table: z.string().min(1).max(200), reason: text() }).strict())
      .max(200),
    /** Studies whose measurements the model does not describe: still simulated and shown, reported apart. */
    out_of_scope: z.array(z.object({ study: idSchema, reason: text() }).strict()).max(50),
    roofline: z.array(rooflineFitSchema).max(50),
  })
  .strict();
export type Calibration = z.infer<typeof calibrationFileSchema>;

export interface SimulatorParams {
  stacks: Stack[];
  accelerators: SimAccelerator[];
  calibration: Calibration;
  /** Files the values came from, for `source_file` of simulated rows. */
  files: string[];
}

const PARAM_FILES = {
  stacks: "stacks.yaml",
  accelerators: "accelerators.yaml",
  calibration: "calibration.yaml",
} as const;

/** Reads and validates `<dataDir>/simulator/*.yaml`; every problem of every file is reported at once. */
export function loadSimulatorParams(dataDir: string, display = "data"): SimulatorParams {
  const problems: SourceProblem[] = [];
  const read = <T>(name: string, schema: z.ZodType<T>): T | undefined => {
    const file = `${display}/simulator/${name}`;
    try {
      return parseYaml(file, readUtf8(join(dataDir, "simulator", name), file), schema);
    } catch (e) {
      // Every problem of a file's contents or presence is a located SourceError (missing, a link, too
      // large, not UTF-8, not YAML, invalid); anything else (a bug, a file-system error) stops the build.
      if (!(e instanceof SourceError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const stacks = read(PARAM_FILES.stacks, stacksFileSchema);
  const accelerators = read(PARAM_FILES.accelerators, simAcceleratorsFileSchema);
  const calibration = read(PARAM_FILES.calibration, calibrationFileSchema);
  if (!stacks || !accelerators || !calibration) throw new SourceError(problems);
  const params: SimulatorParams = {
    stacks: stacks.stacks,
    accelerators: accelerators.accelerators as SimAccelerator[],
    calibration,
    files: Object.values(PARAM_FILES).map((f) => `${display}/simulator/${f}`),
  };
  const stackIds = new Set(params.stacks.map((s) => s.id));
  const unknownStacks = [
    ...params.accelerators.map((a) => ({ file: PARAM_FILES.accelerators, id: a.stack })),
    ...params.calibration.roofline.map((t) => ({ file: PARAM_FILES.calibration, id: t.stack })),
  ].filter((x) => !stackIds.has(x.id));
  for (const x of unknownStacks) {
    problems.push({
      file: `${display}/simulator/${x.file}`,
      line: 0,
      column: 0,
      message: "unknown stack id",
      expected: `one of ${[...stackIds].join(", ")}`,
      found: JSON.stringify(x.id),
    });
  }
  // A roofline fit has one unknown per point: efficiency plus one fixed cost, or plus both.
  for (const t of params.calibration.roofline) {
    const stack = params.stacks.find((x) => x.id === t.stack);
    if (stack && stack.engine !== "roofline")
      problems.push({
        file: `${display}/simulator/${PARAM_FILES.calibration}`,
        line: 0,
        column: 0,
        message: `roofline fit ${t.id} names stack ${t.stack}, which is a GPU kernel stack`,
        expected: "a stack with engine: roofline",
        found: JSON.stringify(t.stack),
      });
    const needed = stack?.engine === "roofline" && stack.fixed_cost === "both" ? 3 : 2;
    if (stack && t.rows.batches && t.rows.batches.length !== needed)
      problems.push({
        file: `${display}/simulator/${PARAM_FILES.calibration}`,
        line: 0,
        column: 0,
        message: `roofline fit ${t.id} has the wrong number of batches for stack ${t.stack}`,
        expected: `${needed} batches`,
        found: `${t.rows.batches.length} batches`,
      });
  }
  if (problems.length) throw new SourceError(problems);
  return params;
}
