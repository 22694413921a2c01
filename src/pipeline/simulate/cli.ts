/**
 * `npm run simulate`: argument parsing and output formatting, kept apart from the process so tests
 * can call it directly. Bad arguments give a usage error (exit 2); bad data files exit 1.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SourceError } from "../errors.ts";
import { loadAccelerators } from "../ingest/accelerators.ts";
import { loadData } from "../ingest/index.ts";
import { measuredData } from "../measured.ts";
import type { MlperfResult } from "../mlperf/normalize.ts";
import type { Accelerator, CanonicalRow } from "../schema.ts";
import { layerTable, type MathPrecision } from "./accounting.ts";
import { defaultStack, prepareSimulator, stackModel, type SimulatorContext } from "./context.ts";
import { formatShape, ShapeError } from "./graph.ts";
import { graphToJson } from "./graph-json.ts";
import { DEFAULT_FUSION_POLICY, FUSION_POLICIES, type FusionPolicy } from "./liveness.ts";
import { memoryReport } from "./memory.ts";
import { MODEL_ALIASES, resolveModelId, SIMULATED_MODEL_IDS, type ModelId } from "./models/index.ts";
import { loadSimulatorParams } from "./params.ts";
import { modelProfile } from "./profile.ts";
import { isBatchResult, kernelBreakdown, simulateWith, smallestBatchAtFraction } from "./simulate.ts";
import { SWEEP_BATCHES } from "./sweep.ts";
import { validateMeasured } from "./validate.ts";

/** Precisions the CLI takes: storage and math (TF32 and BF16 store as FP32 and FP16). */
const CLI_PRECISIONS = ["fp32", "tf32", "fp16", "bf16", "int8"] as const satisfies readonly MathPrecision[];

const USAGE = `usage: npm run -s simulate -- --model MODEL --width W --height H --precision ${CLI_PRECISIONS.join("|")}
                            [--batch N] [--accelerator ID [--stack ID]] [--policy ${FUSION_POLICIES.join("|")}]
                            [--json] [--layers] [--graph-json] [--data-dir DIR]
       npm run -s simulate -- --stacks [--json]
       npm run -s simulate -- --calibration [--json] [--data-dir DIR]
       npm run -s simulate -- --validate [--json] [--data-dir DIR]

  --model        ${[...SIMULATED_MODEL_IDS, ...Object.keys(MODEL_ALIASES)].join(", ")}
  --width/--height  input size in pixels (YOLOv3 is letterboxed up to multiples of 32)
  --batch        images per batch (default 1)
  --accelerator  an id with a file in DIR/accelerators/ (adds latency, throughput and the batch at
                 90 % of peak throughput)
  --stack        software stack and execution mode (see --stacks); default: the accelerator's own
  --policy       fusion policy for the liveness peak (default ${DEFAULT_FUSION_POLICY})
  --json         one JSON object instead of a table
  --layers       also print the per-layer table, and with --accelerator each kernel's time and bound
  --graph-json   print the layer graph as JSON (for the PyTorch harness) and nothing else
  --stacks       list the software stacks (ids, model, launch mode)
  --calibration  print the fitted parameters of the GPU kernel model and the roofline fits
  --validate     compare the simulator with every measured series of the repository (cross-validated
                 for GPUs) and with the MLPerf Inference results
  --data-dir     folder holding accelerators/ (default data); simulator parameters always come
                 from the repository's data/simulator/`;

/** The repository's data/ folder, where the simulator's own parameters live. */
const REPO_DATA = join(fileURLToPath(new URL("../../../", import.meta.url)), "data");

interface SimulateArgs {
  mode: "simulate" | "calibration" | "validate" | "stacks";
  model: ModelId;
  width: number;
  height: number;
  precision: MathPrecision;
  batch: number;
  accelerator: string | null;
  stack: string | null;
  policy: FusionPolicy;
  json: boolean;
  layers: boolean;
  graphJson: boolean;
  dataDir: string;
}

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const FLAGS = new Set(["--json", "--layers", "--graph-json", "--calibration", "--validate", "--stacks"]);
const OPTIONS = new Set([
  "--model",
  "--width",
  "--height",
  "--precision",
  "--batch",
  "--accelerator",
  "--stack",
  "--policy",
  "--data-dir",
]);

function positiveInt(flag: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Parses argv (without node and script); throws UsageError with a message for the user. */
export function parseSimulateArgs(argv: readonly string[]): SimulateArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    if (FLAGS.has(name) && inline === undefined) flags.add(name);
    else if (OPTIONS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--")))
        throw new UsageError(`${name} needs a value`);
      if (values.has(name)) throw new UsageError(`${name} given twice`);
      values.set(name, value);
    } else throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
  }
  const dataDir = values.get("--data-dir") ?? "data";
  const base = {
    json: flags.has("--json"),
    layers: flags.has("--layers"),
    graphJson: flags.has("--graph-json"),
    dataDir,
  };
  if (flags.has("--calibration") || flags.has("--validate") || flags.has("--stacks")) {
    return {
      ...base,
      mode: flags.has("--validate") ? "validate" : flags.has("--stacks") ? "stacks" : "calibration",
      model: "resnet50_v1.5",
      width: 224,
      height: 224,
      precision: "fp16",
      batch: 1,
      accelerator: null,
      stack: null,
      policy: DEFAULT_FUSION_POLICY,
    };
  }
  for (const required of ["--model", "--width", "--height", "--precision"]) {
    if (!values.has(required)) throw new UsageError(`missing ${required}`);
  }
  const model = resolveModelId(values.get("--model")!);
  if (!model)
    throw new UsageError(
      `unknown model ${JSON.stringify(values.get("--model"))}; one of ${[...SIMULATED_MODEL_IDS, ...Object.keys(MODEL_ALIASES)].join(", ")}`,
    );
  const precision = values.get("--precision")!;
  if (!(CLI_PRECISIONS as readonly string[]).includes(precision))
    throw new UsageError(
      `--precision must be one of ${CLI_PRECISIONS.join(", ")}, got ${JSON.stringify(precision)}`,
    );
  const policy = values.get("--policy") ?? DEFAULT_FUSION_POLICY;
  if (!(FUSION_POLICIES as readonly string[]).includes(policy))
    throw new UsageError(
      `--policy must be one of ${FUSION_POLICIES.join(", ")}, got ${JSON.stringify(policy)}`,
    );
  const accelerator = values.get("--accelerator") ?? null;
  if (accelerator !== null && !/^[a-z0-9][a-z0-9-]*$/.test(accelerator))
    throw new UsageError(
      `--accelerator must be an accelerator id such as t4, got ${JSON.stringify(accelerator)}`,
    );
  const stack = values.get("--stack") ?? null;
  if (stack !== null && accelerator === null) throw new UsageError("--stack needs --accelerator");
  if (stack !== null && !/^[a-z0-9][a-z0-9-]*$/.test(stack))
    throw new UsageError(`--stack must be a stack id such as pytorch-eager, got ${JSON.stringify(stack)}`);
  return {
    ...base,
    mode: "simulate",
    model,
    width: positiveInt("--width", values.get("--width")!, 16384),
    height: positiveInt("--height", values.get("--height")!, 16384),
    precision: precision as MathPrecision,
    batch: values.has("--batch") ? positiveInt("--batch", values.get("--batch")!, 4096) : 1,
    accelerator,
    stack,
    policy: policy as FusionPolicy,
  };
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
/** Plain-text table; columns listed in `left` are left-aligned, the others (numbers) right-aligned. */
const table = (rows: string[][], left: readonly number[] = [0]): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (left.includes(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
};

/** Runs the CLI on parsed arguments. */
function runSimulate(args: SimulateArgs): CliResult {
  if (args.mode === "calibration") return runCalibration(args);
  if (args.mode === "validate") return runValidation(args);
  if (args.mode === "stacks") return runStacks(args);
  const profile = modelProfile(args.model, args.width, args.height);
  if (args.graphJson)
    return { code: 0, stdout: `${JSON.stringify(graphToJson(profile.graph), null, 2)}\n`, stderr: "" };
  const storage = storageOf(args.precision);
  const mem = memoryReport(profile.graph, profile.activations, storage, args.batch, args.policy);
  const result: Record<string, unknown> = {
    model: args.model,
    input: profile.input,
    precision: args.precision,
    batch: args.batch,
    policy: args.policy,
    params: profile.totals.params,
    deployParams: profile.totals.deployParams,
    macs: profile.totals.macs,
    weightBytes: mem.weightBytes,
    flexLogixWeightBytes: mem.flexLogixWeightBytes,
    largestActivationBytes: mem.largestActivationBytes,
    nextLargestActivationBytes: mem.nextLargestActivationBytes,
    layerIoPeakBytes: mem.layerIoPeakBytes,
    peakActivationBytes: mem.peakActivationBytes,
    peakActivationBytesByPolicy: mem.peakActivationBytesByPolicy,
    totalActivationBytes: mem.totalActivationBytes,
    flexLogixActivationBytes: mem.flexLogixActivationBytes,
  };
  const warnings: string[] = profile.input.letterboxed
    ? [
        `input letterboxed from ${args.width}×${args.height} to ${profile.input.usedWidth}×${profile.input.usedHeight} (YOLOv3 needs multiples of 32)`,
      ]
    : [];
  let kernels: ReturnType<typeof kernelBreakdown> = null;
  if (args.accelerator !== null) {
    const perf = acceleratorPerf(args);
    if ("error" in perf) return perf.error;
    Object.assign(result, perf.fields);
    kernels = perf.kernels;
  }
  if (args.json)
    return {
      code: 0,
      stdout: `${JSON.stringify(result)}\n`,
      stderr: warnings.map((w) => `note: ${w}\n`).join(""),
    };
  const rows: string[][] = [
    ["quantity", "value"],
    [
      "model",
      `${args.model} @ ${profile.input.usedWidth}×${profile.input.usedHeight}${profile.input.letterboxed ? ` (letterboxed from ${args.width}×${args.height})` : ""}`,
    ],
    ["precision, batch, policy", `${args.precision}, ${args.batch}, ${args.policy}`],
    ["params (torch)", profile.totals.params.toLocaleString("en-US")],
    [
      "MACs per image",
      `${profile.totals.macs.toLocaleString("en-US")} (${((2 * profile.totals.macs) / 1e9).toFixed(3)} GFLOP)`,
    ],
    ["weights (BN folded)", mb(mem.weightBytes)],
    ["weights (Flex Logix: main-path conv + FC)", mb(mem.flexLogixWeightBytes)],
    ["largest activation", mb(mem.largestActivationBytes)],
    ["layer I/O peak (Flex Logix storage)", mb(mem.layerIoPeakBytes)],
    [`peak working set (${args.policy})`, mb(mem.peakActivationBytes)],
    [
      "all activations (main-path conv outputs)",
      `${mb(mem.totalActivationBytes)} (${mb(mem.flexLogixActivationBytes)})`,
    ],
  ];
  if (args.accelerator !== null) {
    const r = result as Record<string, unknown>;
    rows.push(
      [
        "accelerator, stack",
        `${args.accelerator}, ${String(r.stack)} (${r.engine === "kernels" ? "GPU kernel model" : "layer roofline"}: ${String(r.stackSource)})`,
      ],
      [
        "latency per batch",
        r.latencyMs === null
          ? `not feasible: ${String(r.infeasible)}`
          : `${Number(r.latencyMs).toFixed(3)} ms`,
      ],
      ["throughput", r.throughputImgS === null ? "-" : `${Number(r.throughputImgS).toFixed(1)} img/s`],
      ["smallest batch at 90% of peak throughput", String(r.batchAt90PctPeak ?? "-")],
    );
  }
  let out = `${table(rows, [0, 1])}\n`;
  if (args.layers) {
    const layerRows = layerTable(profile.graph).map((l) => [
      l.name,
      l.kind,
      formatShape(l.out),
      l.macs.toLocaleString("en-US"),
      l.params.toLocaleString("en-US"),
      mb(l.weightBytes[storage]),
      mb(l.activationBytes[storage]),
    ]);
    out += `\n${table([["layer", "op", "output", "MACs", "params", "weights", "activation"], ...layerRows], [0, 1])}\n`;
    if (kernels)
      out += `\n${table(
        [
          ["kernel", "time ms", "compute ms", "memory ms", "bound"],
          ...kernels.map((k) => [
            k.name,
            k.ms.toFixed(4),
            k.computeMs.toFixed(4),
            k.memoryMs.toFixed(4),
            k.bound,
          ]),
        ],
        [0, 4],
      )}\n`;
  }
  return { code: 0, stdout: out, stderr: warnings.map((w) => `note: ${w}\n`).join("") };
}

/** Memory figures use the stored width: TF32 stores FP32, BF16 stores 16 bits like FP16. */
const storageOf = (p: MathPrecision): "int8" | "fp16" | "fp32" =>
  p === "tf32" ? "fp32" : p === "bf16" ? "fp16" : p;

/**
 * The prepared simulator: its parameters and training data always come from the repository's data/
 * (the fit is cached in .build/sim-cache); accelerators from DIR/accelerators override the repository's.
 */
function context(dataDir: string): {
  ctx: SimulatorContext;
  measured: CanonicalRow[];
  mlperf: MlperfResult[];
} {
  const data = loadData(REPO_DATA, "data");
  const own = loadAccelerators(dataDir, dataDir);
  const byId = new Map<string, Accelerator>(data.accelerators.map((a) => [a.id, a]));
  for (const a of own) byId.set(a.id, a);
  // The rows and MLPerf results the build prepares the simulator from (measured.ts), so the fit and its
  // cache entry are the build's.
  const { batched, mlperf } = measuredData(data);
  const ctx = prepareSimulator(loadSimulatorParams(REPO_DATA), [...byId.values()], batched, {
    cacheDir: join(REPO_DATA, "..", ".build", "sim-cache"),
  });
  return { ctx, measured: batched, mlperf };
}

function acceleratorPerf(
  args: SimulateArgs,
): { fields: Record<string, unknown>; kernels: ReturnType<typeof kernelBreakdown> } | { error: CliResult } {
  const own = loadAccelerators(args.dataDir, args.dataDir);
  const acc = own.find((a) => a.id === args.accelerator);
  if (!acc)
    return {
      error: usage(
        `unknown accelerator ${JSON.stringify(args.accelerator)}; one of ${own.map((a) => a.id).join(", ") || `(none in ${args.dataDir}/accelerators)`}`,
      ),
    };
  const { ctx } = context(args.dataDir);
  const device = ctx.devices.get(acc.id);
  if (!device)
    return {
      error: {
        code: 1,
        stdout: "",
        stderr: `${acc.id} cannot be simulated (no bandwidth or no peak in its file)\n`,
      },
    };
  if (!device.peak[args.precision])
    return {
      error: usage(
        `${acc.id} has no ${args.precision} peak (no spec for it or for a fallback precision); try another --precision`,
      ),
    };
  const stackId = args.stack ?? defaultStack(ctx, acc.id);
  if (!ctx.params.stacks.some((s) => s.id === stackId))
    return {
      error: usage(
        `unknown stack ${JSON.stringify(stackId)}; one of ${ctx.params.stacks.map((s) => s.id).join(", ")}`,
      ),
    };
  const stack = stackModel(ctx, acc.id, stackId, args.precision);
  if ("error" in stack) return { error: usage(stack.error) };
  const profile = modelProfile(args.model, args.width, args.height);
  const options = { policy: args.policy };
  const r = simulateWith(profile, device, args.precision, stack, args.batch, options);
  const sweep = SWEEP_BATCHES.map((n) =>
    simulateWith(profile, device, args.precision, stack, n, options),
  ).filter(isBatchResult);
  const feasible = isBatchResult(r);
  const fields = {
    accelerator: acc.id,
    stack: stackId,
    engine: stack.engine,
    stackSource: stack.source,
    stackParameters:
      stack.engine === "kernels"
        ? { ...stack.costs, kernel: stack.kernel, fusion: stack.fusion }
        : stack.params,
    peakSpec: device.peak[args.precision]!.spec,
    latencyMs: feasible ? r.latencyMs : null,
    throughputImgS: feasible ? r.throughputImgS : null,
    computeMs: feasible ? r.computeMs : null,
    memoryMs: feasible ? r.memoryMs : null,
    hostMs: feasible ? r.hostMs : null,
    deviceMs: feasible ? r.deviceMs : null,
    bound: feasible ? r.bound : null,
    infeasible: feasible ? null : r.reason,
    batchAt90PctPeak: smallestBatchAtFraction(sweep, 0.9),
  };
  const kernels = args.layers
    ? kernelBreakdown(profile, device, args.precision, stack, args.batch, options)
    : null;
  return { fields, kernels };
}

function runStacks(args: SimulateArgs): CliResult {
  const params = loadSimulatorParams(REPO_DATA);
  const list = params.stacks.map((s) => ({
    id: s.id,
    name: s.name,
    model: s.engine === "kernels" ? "GPU kernel model" : "layer roofline",
    launch: s.engine === "kernels" ? s.launch : "per batch",
    fusion: s.engine === "kernels" ? s.fusion : "-",
  }));
  if (args.json) return { code: 0, stdout: `${JSON.stringify(list)}\n`, stderr: "" };
  const rows = [
    ["stack", "model", "launch", "fusion", "name"],
    ...list.map((s) => [s.id, s.model, s.launch, s.fusion, s.name]),
  ];
  return { code: 0, stdout: `${table(rows, [0, 1, 2, 3, 4])}\n`, stderr: "" };
}

function runCalibration(args: SimulateArgs): CliResult {
  const { ctx } = context(args.dataDir);
  const fit = ctx.gpu.fit;
  if (args.json)
    return { code: 0, stdout: `${JSON.stringify({ gpu: fit, roofline: ctx.roofline })}\n`, stderr: "" };
  const rows = [
    ["parameter", "value", "prior", "fitted"],
    ...fit.parameters.map((p) => [
      p.id,
      p.value.toPrecision(4),
      String(p.prior),
      p.fitted ? "yes" : "no (prior)",
    ]),
  ];
  const fitted = fit.parameters.filter((p) => p.fitted).length;
  const roof = [
    [
      "roofline fit",
      "accelerator",
      "stack",
      "precision",
      "efficiency",
      "overhead ms",
      "layer floor ms",
      "note",
    ],
    ...ctx.roofline.fits.map((f) => [
      f.table,
      f.accelerator,
      f.stack,
      f.precision,
      f.efficiency.toFixed(4),
      f.overheadMs.toFixed(3),
      f.layerFloorMs.toFixed(4),
      f.note ?? "",
    ]),
  ];
  const skipped = ctx.roofline.skipped.map((s) => `skipped ${s.table}: ${s.reason}`).join("\n");
  return {
    code: 0,
    stdout:
      `calibration dataset: ${ctx.params.calibration.name}\n` +
      `GPU kernel model: ${fitted} fitted parameters on ${fit.trainingPoints} training points (1 : ${(fit.trainingPoints / fitted).toFixed(1)})\n` +
      `${table(rows, [0, 3])}\n\n${table(roof, [0, 1, 2, 3, 7])}\n${skipped ? `${skipped}\n` : ""}`,
    stderr: "",
  };
}

/** The repository's measured series against the simulator (DIR only adds accelerators, as everywhere). */
function runValidation(args: SimulateArgs): CliResult {
  const { ctx, measured, mlperf } = context(args.dataDir);
  const report = validateMeasured(measured, ctx, mlperf);
  if (args.json) return { code: 0, stdout: `${JSON.stringify(report)}\n`, stderr: "" };
  const pctOf = (x: number | null): string => (x === null ? "-" : `${x.toFixed(1)}%`);
  const sum = report.summary;
  const head =
    `GPU kernel model (${sum.fitted_parameters} parameters, ${sum.training_points} training points): ` +
    `leave-one-accelerator-out MAPE ${pctOf(sum.loao_mape_pct)} (bias ${pctOf(sum.loao_bias_pct)}), ` +
    `leave-one-model-out ${pctOf(sum.lomo_mape_pct)} (bias ${pctOf(sum.lomo_bias_pct)}) over ${sum.gpu_points} points; ` +
    `in-sample ${pctOf(sum.in_sample_mape_pct)}. Roofline accelerators: ${pctOf(sum.roofline_mape_pct)} over ${sum.roofline_points} held-out points.`;
  // MLPerf: closed-division, one-node TensorRT ResNet-50 results against the model at INT8 (validate-mlperf.ts).
  const mlperfLines = report.mlperf.summary
    .filter((m) => m.points > 0)
    .map(
      (m) =>
        `MLPerf ResNet-50 ${m.scenario} (INT8, ` +
        (m.engine === "kernels"
          ? `GPU kernel model): MAPE ${pctOf(m.mape_pct)} (bias ${pctOf(m.bias_pct)}) over ${m.points} results; ` +
            `${pctOf(m.unseen_mape_pct)} over the ${m.unseen_points} on GPUs the fit never saw.`
          : `layer roofline, GPUs without an SM count): MAPE ${pctOf(m.mape_pct)} (bias ${pctOf(m.bias_pct)}) over ${m.points} results.`),
    );
  if (mlperfLines.length > 0)
    mlperfLines.push(
      `MLPerf results counted: closed division, one node, TensorRT, on GPUs with an INT8 peak. Left out: ` +
        `${report.mlperf.left_out.map((l) => `${l.results}, ${l.reason}`).join("; ")}. ` +
        `A negative bias: the model predicts less throughput than was measured.`,
    );
  const groups = (Object.keys(report.breakdown) as (keyof typeof report.breakdown)[]).flatMap((g) =>
    report.breakdown[g].loao.map((s, i) => {
      const m = report.breakdown[g].lomo[i]!;
      return [
        g,
        s.key,
        String(s.points),
        pctOf(s.mape_pct),
        pctOf(s.bias_pct),
        pctOf(m.mape_pct),
        pctOf(m.bias_pct),
      ];
    }),
  );
  const rows = [
    ["series", "model", "stack", "points", "fitted", "MAPE", "bias", "batch at 90 % (measured / predicted)"],
    ...report.series.map((s) => [
      s.series,
      s.engine,
      s.stack,
      String(s.points),
      String(s.training_points),
      pctOf(s.mape_pct),
      pctOf(s.bias_pct),
      `${s.batch_at_90_measured ?? "-"} / ${s.batch_at_90_predicted ?? "-"}${s.in_scope ? "" : " (out of scope)"}`,
    ]),
  ];
  return {
    code: 0,
    stdout: `${[head, ...mlperfLines].join("\n")}\n\n${table([["group", "key", "points", "LOAO MAPE", "LOAO bias", "LOMO MAPE", "LOMO bias"], ...groups], [0, 1])}\n\n${table(rows, [0, 1, 2, 7])}\n`,
    stderr: "",
  };
}

const usage = (message: string): CliResult => ({
  code: 2,
  stdout: "",
  stderr: `simulate: ${message}\n\n${USAGE}\n`,
});

/** The whole CLI: argv in, exit code and output out. */
export function simulateCli(argv: readonly string[]): CliResult {
  if (argv.includes("--help") || argv.includes("-h")) return { code: 0, stdout: `${USAGE}\n`, stderr: "" };
  try {
    return runSimulate(parseSimulateArgs(argv));
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    if (e instanceof ShapeError) return usage(`the network cannot be built at this input size: ${e.message}`);
    if (e instanceof SourceError)
      return { code: 1, stdout: "", stderr: `simulate: the data files have problems:\n\n${e.message}\n` };
    throw e;
  }
}
