/**
 * The layer roofline's calibration, for accelerators without a published tile structure (IPU,
 * MN-Core 2, InferX X1; docs/simulator.md, "Layer roofline"): efficiency η and the stack's fixed cost
 * (an overhead per batch, or a floor per layer, by the stack's `fixed_cost`), fitted on the two or three
 * rows a `roofline` entry of data/simulator/calibration.yaml names. For a trial η the fixed cost is set
 * so the model meets the first point exactly (closed form for the overhead, bisection for the floor); η
 * is then found by bisection so the model meets the last. Fixed iteration counts keep it deterministic.
 * GPUs use the kernel model instead (fit.ts).
 */
import { median } from "../stats.ts";
import type { Accelerator, CanonicalRow } from "../schema.ts";
import type { MathPrecision } from "./accounting.ts";
import { mathPrecisionOf, rowsOfTable } from "./fit.ts";
import { deviceFor, isDevice, type Device } from "./hardware.ts";
import { resolveModelId } from "./models/index.ts";
import type { RooflineFit, RooflineStack, SimulatorParams } from "./params.ts";
import { isFeasible, simulateBatch, type PerfProfile, type StackParams } from "./performance.ts";
import { modelProfile } from "./profile.ts";

type FixedCost = RooflineStack["fixed_cost"];

export interface Fit extends StackParams {
  /** Roofline fit id (calibration.yaml). */
  table: string;
  accelerator: string;
  stack: string;
  precision: MathPrecision;
  fixedCost: FixedCost;
  /** Set when a value hit a bound (η at its limits, fixed cost at 0): the two points disagree with the model. */
  note: string | null;
}

export interface CalibrationResult {
  dataset: string;
  fits: Fit[];
  /** Tables that could not be fitted, with the reason (e.g. the accelerator file is missing). */
  skipped: { table: string; reason: string }[];
}

const BISECTION_STEPS = 60;
const MIN_EFFICIENCY = 1e-4;

type Point = { batch: number; latency_ms: number };

/** Points each fixed-cost form needs: one per unknown (η plus one or two fixed costs). */
const POINTS_NEEDED: Readonly<Record<FixedCost, number>> = { "per-batch": 2, "per-layer": 2, both: 3 };

/** Bisection for a decreasing function: the x in [lo, hi] where f(x) crosses 0. */
function bisectDecreasing(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < BISECTION_STEPS; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A roofline fit its points cannot make (too few of them, or one the device cannot run). */
export class FitError extends Error {}

/**
 * Solves for η and the stack's fixed costs from two or three (batch, latency) points: the fixed costs
 * make the model meet the smaller batches exactly, η makes it meet the largest. Throws if a point
 * cannot be simulated (FitError).
 */
export function fitRooflinePoints(
  profile: PerfProfile,
  device: Device,
  precision: MathPrecision,
  points: readonly Point[],
  fixedCost: FixedCost,
  devices = 1,
): StackParams & { note: string | null } {
  if (points.length !== POINTS_NEEDED[fixedCost])
    throw new FitError(`a ${fixedCost} fit needs ${POINTS_NEEDED[fixedCost]} points, got ${points.length}`);
  const sorted = [...points].sort((a, b) => a.batch - b.batch);
  const [p1, last] = [sorted[0]!, sorted[sorted.length - 1]!];
  const latency = (batch: number, s: StackParams): number => {
    const r = simulateBatch(profile, device, precision, s, batch, devices);
    if (!isFeasible(r)) throw new FitError(r.reason);
    return r.latencyMs;
  };
  // For a trial η: the layer floor (per-layer, both) and then the overhead (per-batch, both).
  const withFixedCosts = (efficiency: number): StackParams => {
    const bare = { efficiency, overheadMs: 0, layerFloorMs: 0 };
    let layerFloorMs = 0;
    if (fixedCost === "per-layer") {
      // Floor such that the first point is met: its latency rises with the floor.
      if (latency(p1.batch, bare) < p1.latency_ms)
        layerFloorMs = bisectDecreasing(
          (f) => p1.latency_ms - latency(p1.batch, { ...bare, layerFloorMs: f }),
          0,
          p1.latency_ms,
        );
    } else if (fixedCost === "both") {
      // Floor such that the rise from the first to the middle point is met: a larger floor flattens it.
      const p2 = sorted[1]!;
      const rise = (f: number): number =>
        latency(p2.batch, { ...bare, layerFloorMs: f }) - latency(p1.batch, { ...bare, layerFloorMs: f });
      if (rise(0) > p2.latency_ms - p1.latency_ms)
        layerFloorMs = bisectDecreasing((f) => rise(f) - (p2.latency_ms - p1.latency_ms), 0, p1.latency_ms);
    }
    const overheadMs =
      fixedCost === "per-layer"
        ? 0
        : Math.max(0, p1.latency_ms - latency(p1.batch, { ...bare, layerFloorMs }));
    return { efficiency, overheadMs, layerFloorMs };
  };
  // The largest batch's residual falls as η rises.
  const residual = (efficiency: number): number =>
    latency(last.batch, withFixedCosts(efficiency)) - last.latency_ms;
  const notes: string[] = [];
  let efficiency: number;
  if (residual(1) >= 0) {
    efficiency = 1;
    notes.push("efficiency clamped at 1: latency grows more slowly than the peak rate allows");
  } else if (residual(MIN_EFFICIENCY) <= 0) {
    efficiency = MIN_EFFICIENCY;
    notes.push(`efficiency clamped at ${MIN_EFFICIENCY}`);
  } else {
    efficiency = Math.exp(bisectDecreasing((x) => residual(Math.exp(x)), Math.log(MIN_EFFICIENCY), 0));
  }
  const fitted = withFixedCosts(efficiency);
  const misses = sorted.map((p) => Math.abs(latency(p.batch, fitted) - p.latency_ms) / p.latency_ms);
  if (Math.max(...misses) > 1e-3)
    notes.push(
      `the fit misses a calibration point by ${(100 * Math.max(...misses)).toFixed(1)}% (a fixed cost hit 0)`,
    );
  return { ...fitted, note: notes.length ? notes.join("; ") : null };
}

/** Fits every roofline entry of the calibration dataset whose accelerator and rows are present. */
export function calibrateRoofline(
  accelerators: readonly Accelerator[],
  params: SimulatorParams,
  measured: readonly CanonicalRow[],
): CalibrationResult {
  const fits: Fit[] = [];
  const skipped: CalibrationResult["skipped"] = [];
  for (const t of params.calibration.roofline) {
    const problem = fitProblem(t, accelerators, params, measured);
    if (typeof problem === "string") {
      skipped.push({ table: t.id, reason: problem });
      continue;
    }
    const { device, precision, profile, points } = problem;
    const stack = params.stacks.find((s) => s.id === t.stack);
    const fixedCost = stack?.engine === "roofline" ? stack.fixed_cost : "per-batch";
    try {
      fits.push({
        table: t.id,
        accelerator: t.accelerator,
        stack: t.stack,
        precision,
        fixedCost,
        ...fitRooflinePoints(profile, device, precision, points, fixedCost, t.devices ?? 1),
      });
    } catch (e) {
      // A fit the points cannot make is reported; anything else is a bug and stops the build.
      if (!(e instanceof FitError)) throw e;
      skipped.push({ table: t.id, reason: e.message });
    }
  }
  return { dataset: params.calibration.name, fits, skipped };
}

function fitProblem(
  t: RooflineFit,
  accelerators: readonly Accelerator[],
  params: SimulatorParams,
  measured: readonly CanonicalRow[],
) {
  const acc = accelerators.find((a) => a.id === t.accelerator);
  if (!acc) return `no data/accelerators/${t.accelerator}.yaml`;
  const device = deviceFor(
    acc,
    params.accelerators.find((a) => a.id === t.accelerator),
  );
  if (!isDevice(device)) return device.reason;
  const rows = rowsOfTable(measured, t.rows).filter((r) => r.accelerator === t.accelerator);
  if (rows.length === 0) return `no measured rows in ${t.rows.study}/${t.rows.table}`;
  const first = rows[0]!;
  const model = resolveModelId(first.model);
  if (!model) return `unknown model ${first.model}`;
  const precision = mathPrecisionOf(first.precision);
  if (!precision || !device.peak[precision]) return `no ${first.precision} peak for ${t.accelerator}`;
  const points = rows.flatMap((r) =>
    r.batch_size !== null && r.latency_ms !== null ? [{ batch: r.batch_size, latency_ms: r.latency_ms }] : [],
  );
  return {
    device,
    precision,
    points,
    profile: modelProfile(model, first.input_width, first.input_height).perf(),
  };
}

/** Precisions whose fits stand in for a precision without its own (INT8 behaves like the FP16 tensor path). */
const RELATED: Readonly<Record<MathPrecision, readonly MathPrecision[]>> = {
  int8: ["int8", "fp16"],
  fp16: ["fp16"],
  bf16: ["bf16", "fp16"],
  tf32: ["tf32"],
  fp32: ["fp32"],
};

interface ResolvedStack extends StackParams {
  /** Where the values came from, in words (shown in rows and in the CLI). */
  source: string;
}

const paramsOf = (f: StackParams): StackParams => ({
  efficiency: f.efficiency,
  overheadMs: f.overheadMs,
  layerFloorMs: f.layerFloorMs,
});

/**
 * Stack parameters for (accelerator, stack, precision), first match wins:
 * 1. a fit for this accelerator and stack (same or related precision);
 * 2. a fit for the accelerator named in its `calibration_from`;
 * 3. values given for the stack in data/simulator/stacks.yaml;
 * 4. medians of fits: of this stack; of stacks with the same fixed-cost form and precision; of that
 *    form at any precision; of all fits.
 */
export function resolveRooflineStack(
  cal: CalibrationResult,
  params: SimulatorParams,
  accelerator: string,
  stack: string,
  precision: MathPrecision,
): ResolvedStack {
  const precisions = RELATED[precision];
  const fitFor = (acc: string): Fit | undefined =>
    precisions
      .map((p) => cal.fits.find((f) => f.accelerator === acc && f.stack === stack && f.precision === p))
      .find((f) => f !== undefined);
  const own = fitFor(accelerator);
  if (own) return { ...paramsOf(own), source: `fitted on ${cal.dataset} (${own.table})` };
  const from = params.accelerators.find((a) => a.id === accelerator)?.calibration_from;
  const borrowed = from ? fitFor(from) : undefined;
  if (borrowed)
    return {
      ...paramsOf(borrowed),
      source: `fit of ${from} on ${cal.dataset} (${borrowed.table}), via calibration_from`,
    };
  const given = params.stacks.find((s): s is RooflineStack => s.id === stack && s.engine === "roofline");
  if (given?.efficiency && (given.overhead_ms || given.layer_floor_ms)) {
    const assumed = [given.efficiency, given.overhead_ms, given.layer_floor_ms].some((v) => v?.assumed);
    return {
      efficiency: given.efficiency.value,
      overheadMs: given.overhead_ms?.value ?? 0,
      layerFloorMs: given.layer_floor_ms?.value ?? 0,
      source: `data/simulator/stacks.yaml (${stack}${assumed ? ", assumed" : ""})`,
    };
  }
  const form = given?.fixed_cost ?? "per-batch";
  const pools: [string, Fit[]][] = [
    [
      `median of the ${stack} fits`,
      cal.fits.filter((f) => f.stack === stack && precisions.includes(f.precision)),
    ],
    [
      `median of the ${precisions.join("/")} fits of ${form} stacks`,
      cal.fits.filter((f) => f.fixedCost === form && precisions.includes(f.precision)),
    ],
    [`median of the fits of ${form} stacks`, cal.fits.filter((f) => f.fixedCost === form)],
    ["median of all fits", cal.fits],
  ];
  const [label, pool] = pools.find(([, fs]) => fs.length > 0) ?? ["no fits: efficiency 1, no fixed cost", []];
  if (pool.length === 0) return { efficiency: 1, overheadMs: 0, layerFloorMs: 0, source: label };
  return {
    efficiency: median(pool.map((f) => f.efficiency)),
    overheadMs: median(pool.map((f) => f.overheadMs)),
    layerFloorMs: median(pool.map((f) => f.layerFloorMs)),
    // The tables by name: a "median" of one fit is that one table's fit, which may be another chip's.
    source: `${label} on ${cal.dataset} (${pool.length === 1 ? "one table: " : `${pool.length} tables: `}${pool.map((f) => f.table).join(", ")})`,
  };
}
