/**
 * `npm run simulate`: argument parsing and output formatting, kept apart from the process so tests
 * can call it directly. Bad arguments give a usage error (exit 2); bad data files exit 1.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SourceError } from "../errors.ts";
import { loadAccelerators } from "../ingest/accelerators.ts";
import { loadData } from "../ingest/index.ts";
import { normalizeStudy } from "../normalize/normalize.ts";
import { PRECISIONS, layerTable, type Precision } from "./accounting.ts";
import { calibrate, resolveStack } from "./calibrate.ts";
import { formatShape, ShapeError } from "./graph.ts";
import { graphToJson } from "./graph-json.ts";
import { deviceFor, isDevice } from "./hardware.ts";
import { DEFAULT_FUSION_POLICY, FUSION_POLICIES, type FusionPolicy } from "./liveness.ts";
import { memoryReport } from "./memory.ts";
import { MODEL_ALIASES, MODEL_IDS, resolveModelId, type ModelId } from "./models/index.ts";
import { loadSimulatorParams } from "./params.ts";
import { isFeasible, simulateBatch, smallestBatchAtFraction } from "./performance.ts";
import { modelProfile } from "./profile.ts";
import { SWEEP_BATCHES } from "./sweep.ts";
import { validateMeasured } from "./validate.ts";

export const USAGE = `usage: npm run -s simulate -- --model MODEL --width W --height H --precision int8|fp16|fp32
                            [--batch N] [--accelerator ID] [--policy ${FUSION_POLICIES.join("|")}]
                            [--json] [--layers] [--graph-json] [--data-dir DIR]
       npm run -s simulate -- --calibration [--json] [--data-dir DIR]
       npm run -s simulate -- --validate [--json] [--data-dir DIR]

  --model        ${[...MODEL_IDS, ...Object.keys(MODEL_ALIASES)].join(", ")}
  --width/--height  input size in pixels (YOLOv3 is letterboxed up to multiples of 32)
  --batch        images per batch (default 1)
  --accelerator  an id with a file in DIR/accelerators/ (adds latency and throughput)
  --policy       fusion policy for the liveness peak (default ${DEFAULT_FUSION_POLICY})
  --json         one JSON object instead of a table
  --layers       also print the per-layer table
  --graph-json   print the layer graph as JSON (for the PyTorch harness) and nothing else
  --calibration  print the efficiency and fixed costs fitted on the calibration dataset
  --validate     compare the simulator with every measured series under DIR/studies/
  --data-dir     folder holding accelerators/ (default data); simulator parameters always come
                 from the repository's data/simulator/`;

/** The repository's data/ folder, where the simulator's own parameters live. */
const REPO_DATA = join(fileURLToPath(new URL("../../../", import.meta.url)), "data");

export interface SimulateArgs {
  mode: "simulate" | "calibration" | "validate";
  model: ModelId;
  width: number;
  height: number;
  precision: Precision;
  batch: number;
  accelerator: string | null;
  policy: FusionPolicy;
  json: boolean;
  layers: boolean;
  graphJson: boolean;
  dataDir: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const FLAGS = new Set(["--json", "--layers", "--graph-json", "--calibration", "--validate"]);
const OPTIONS = new Set([
  "--model",
  "--width",
  "--height",
  "--precision",
  "--batch",
  "--accelerator",
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
  if (flags.has("--calibration") || flags.has("--validate")) {
    return {
      ...base,
      mode: flags.has("--validate") ? "validate" : "calibration",
      model: "resnet50_v1.5",
      width: 224,
      height: 224,
      precision: "fp16",
      batch: 1,
      accelerator: null,
      policy: DEFAULT_FUSION_POLICY,
    };
  }
  for (const required of ["--model", "--width", "--height", "--precision"]) {
    if (!values.has(required)) throw new UsageError(`missing ${required}`);
  }
  const model = resolveModelId(values.get("--model")!);
  if (!model)
    throw new UsageError(
      `unknown model ${JSON.stringify(values.get("--model"))}; one of ${[...MODEL_IDS, ...Object.keys(MODEL_ALIASES)].join(", ")}`,
    );
  const precision = values.get("--precision")!;
  if (!(PRECISIONS as readonly string[]).includes(precision))
    throw new UsageError(
      `--precision must be one of ${PRECISIONS.join(", ")}, got ${JSON.stringify(precision)}`,
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
  return {
    ...base,
    mode: "simulate",
    model,
    width: positiveInt("--width", values.get("--width")!, 16384),
    height: positiveInt("--height", values.get("--height")!, 16384),
    precision: precision as Precision,
    batch: values.has("--batch") ? positiveInt("--batch", values.get("--batch")!, 4096) : 1,
    accelerator,
    policy: policy as FusionPolicy,
  };
}

export interface CliResult {
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
export function runSimulate(args: SimulateArgs): CliResult {
  if (args.mode === "calibration") return runCalibration(args);
  if (args.mode === "validate") return runValidation(args);
  const profile = modelProfile(args.model, args.width, args.height);
  if (args.graphJson)
    return { code: 0, stdout: `${JSON.stringify(graphToJson(profile.graph), null, 2)}\n`, stderr: "" };
  const mem = memoryReport(profile.graph, profile.activations, args.precision, args.batch, args.policy);
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
  if (args.accelerator !== null) {
    const perf = acceleratorPerf(args);
    if ("error" in perf) return perf.error;
    Object.assign(result, perf.fields);
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
        `${args.accelerator}, ${String(r.stack)} (η=${Number(r.efficiency).toFixed(3)}, overhead ${Number(r.overheadMs).toFixed(3)} ms, layer floor ${Number(r.layerFloorMs).toFixed(4)} ms)`,
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
      mb(l.weightBytes[args.precision]),
      mb(l.activationBytes[args.precision]),
    ]);
    out += `\n${table([["layer", "op", "output", "MACs", "params", "weights", "activation"], ...layerRows], [0, 1])}\n`;
  }
  return { code: 0, stdout: out, stderr: warnings.map((w) => `note: ${w}\n`).join("") };
}

function loadInputs(dataDir: string) {
  return { accelerators: loadAccelerators(dataDir, dataDir), params: loadSimulatorParams(REPO_DATA) };
}

function acceleratorPerf(args: SimulateArgs): { fields: Record<string, unknown> } | { error: CliResult } {
  const { accelerators, params } = loadInputs(args.dataDir);
  const acc = accelerators.find((a) => a.id === args.accelerator);
  if (!acc)
    return {
      error: usage(
        `unknown accelerator ${JSON.stringify(args.accelerator)}; one of ${accelerators.map((a) => a.id).join(", ") || `(none in ${args.dataDir}/accelerators)`}`,
      ),
    };
  const device = deviceFor(
    acc,
    params.accelerators.find((a) => a.id === acc.id),
  );
  if (!isDevice(device))
    return { error: { code: 1, stdout: "", stderr: `${acc.id} cannot be simulated: ${device.reason}\n` } };
  if (!device.peak[args.precision])
    return {
      error: usage(
        `${acc.id} has no ${args.precision} peak (no spec for it or for a fallback precision); try another --precision`,
      ),
    };
  const stack = resolveStack(calibrate(accelerators, params), params, acc.id, device.stack, args.precision);
  const perf = modelProfile(args.model, args.width, args.height).perf(args.policy);
  const r = simulateBatch(perf, device, args.precision, stack, args.batch);
  const sweep = SWEEP_BATCHES.map((n) => simulateBatch(perf, device, args.precision, stack, n)).filter(
    isFeasible,
  );
  const feasible = isFeasible(r);
  const fields = {
    accelerator: acc.id,
    stack: device.stack,
    efficiency: stack.efficiency,
    overheadMs: stack.overheadMs,
    layerFloorMs: stack.layerFloorMs,
    stackSource: stack.source,
    peakSpec: device.peak[args.precision]!.spec,
    latencyMs: feasible ? r.latencyMs : null,
    throughputImgS: feasible ? r.throughputImgS : null,
    computeMs: feasible ? r.computeMs : null,
    memoryMs: feasible ? r.memoryMs : null,
    weightDramBytes: feasible ? r.weightDramBytes : null,
    activationDramBytes: feasible ? r.activationDramBytes : null,
    spilledTensors: feasible ? r.spilledTensors : null,
    wholeNetworkLatencyMs: feasible ? r.wholeNetworkLatencyMs : null,
    infeasible: feasible ? null : r.reason,
    batchAt90PctPeak: smallestBatchAtFraction(sweep, 0.9),
  };
  return { fields };
}

function runCalibration(args: SimulateArgs): CliResult {
  const { accelerators, params } = loadInputs(args.dataDir);
  const cal = calibrate(accelerators, params);
  if (args.json) return { code: 0, stdout: `${JSON.stringify(cal)}\n`, stderr: "" };
  const rows = [
    ["table", "accelerator", "stack", "precision", "efficiency", "overhead ms", "layer floor ms", "note"],
    ...cal.fits.map((f) => [
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
  const skipped = cal.skipped.map((s) => `skipped ${s.table}: ${s.reason}`).join("\n");
  return {
    code: 0,
    stdout: `calibration dataset: ${cal.dataset}\n${table(rows, [0, 1, 2, 3, 7])}\n${skipped ? `${skipped}\n` : ""}`,
    stderr: "",
  };
}

function runValidation(args: SimulateArgs): CliResult {
  const data = loadData(args.dataDir, args.dataDir);
  const report = validateMeasured(
    data.studies.flatMap(normalizeStudy),
    data.accelerators,
    loadSimulatorParams(REPO_DATA),
  );
  if (args.json) return { code: 0, stdout: `${JSON.stringify(report)}\n`, stderr: "" };
  const pctOf = (x: number | null): string => (x === null ? "-" : `${x.toFixed(1)}%`);
  const rows = [
    [
      "series",
      "status",
      "split",
      "held-out",
      "calibration",
      "throughput MAPE",
      "latency MAPE",
      "worst throughput (batch)",
    ],
    ...report.series.map((s) => [
      s.series,
      s.status,
      s.split,
      String(s.held_out_points),
      String(s.calibration_points),
      pctOf(s.throughput_mape_pct),
      pctOf(s.latency_mape_pct),
      s.worst_throughput_batch === null
        ? s.reason
        : `${pctOf(s.worst_throughput_error_pct)} (${s.worst_throughput_batch})`,
    ]),
  ];
  const studies = [
    ["study", "series", "held-out points", "throughput MAPE", "latency MAPE"],
    ...report.byStudy.map((s) => [
      s.study,
      String(s.series_validated),
      String(s.held_out_points),
      pctOf(s.throughput_mape_pct),
      pctOf(s.latency_mape_pct),
    ]),
  ];
  return { code: 0, stdout: `${table(rows, [0, 1, 2, 7])}\n\n${table(studies, [0])}\n`, stderr: "" };
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
