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
import {
  httpUrlSchema,
  idSchema,
  PRECISIONS,
  SPEC_KEYS,
  specSchema,
  type Spec,
  type SpecKey,
} from "../schema.ts";

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

export const stackSchema = z
  .object({
    id: idSchema,
    name: text(300),
    /** Words or phrases (`\b` allowed at either end) tried case-insensitively on a measured row's `framework execution`; first stack wins. */
    match: z
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
      .max(20),
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
export type Stack = z.infer<typeof stackSchema>;

export const stacksFileSchema = z.object({ stacks: z.array(stackSchema).min(1).max(50) }).strict();

export const simAcceleratorSchema = z
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

export const simAcceleratorsFileSchema = z
  .object({ accelerators: z.array(simAcceleratorSchema).max(100) })
  .strict();

const pointSchema = z
  .object({
    batch: z.number().int().positive(),
    latency_ms: z.number().positive().finite(),
    throughput_img_s: z.number().positive().finite(),
    /** Line of the source file the numbers were copied from. */
    line: z.number().int().positive().optional(),
  })
  .strict();

export const calibrationTableSchema = z
  .object({
    id: idSchema,
    source: text(1000),
    url: httpUrlSchema,
    accelerator: idSchema,
    devices: z.number().int().positive().max(64).optional(),
    model: z.string().min(1).max(64),
    input: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).strict(),
    precision: z.enum(PRECISIONS),
    stack: idSchema,
    /** One point per unknown: 2 (efficiency + one fixed cost) or 3 (efficiency + both), see stacks.yaml. */
    points: z.array(pointSchema).min(2).max(3),
  })
  .strict();
export type CalibrationTable = z.infer<typeof calibrationTableSchema>;

export const calibrationFileSchema = z
  .object({
    /** The calibration dataset's name, quoted wherever a fitted value is shown. */
    name: idSchema,
    title: text(500),
    description: text(4000),
    tables: z.array(calibrationTableSchema).max(200),
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

export const PARAM_FILES = {
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
      if (e instanceof SourceError) problems.push(...e.problems);
      else
        problems.push({
          file,
          line: 0,
          column: 0,
          message: "cannot read simulator parameters",
          expected: "a readable YAML file",
          found: (e as Error).message,
        });
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
    ...params.calibration.tables.map((t) => ({ file: PARAM_FILES.calibration, id: t.stack })),
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
  // A fit has one unknown per point: efficiency plus one fixed cost, or plus both.
  for (const t of params.calibration.tables) {
    const form = params.stacks.find((s) => s.id === t.stack)?.fixed_cost;
    const needed = form === "both" ? 3 : 2;
    if (form && t.points.length !== needed) {
      problems.push({
        file: `${display}/simulator/${PARAM_FILES.calibration}`,
        line: 0,
        column: 0,
        message: `calibration table ${t.id} has the wrong number of points for stack ${t.stack} (fixed_cost: ${form})`,
        expected: `${needed} points`,
        found: `${t.points.length} points`,
      });
    }
  }
  if (problems.length) throw new SourceError(problems);
  return params;
}
