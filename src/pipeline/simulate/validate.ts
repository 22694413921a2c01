/**
 * Validation: the simulator against measured series. `simulateMeasured` simulates exactly the points a
 * study measured (its accelerator, model, input, precision, stack and device count); `validate`
 * compares them and reports MAPE and the worst point per series. Points used for calibration are
 * marked and never counted as validation error.
 */
import { groupBy } from "../group.ts";
import type { Accelerator, CanonicalRow } from "../schema.ts";
import { calibrate, mathPrecisionOf, resolveStack, type CalibrationResult } from "./calibrate.ts";
import { deviceFor, isDevice } from "./hardware.ts";
import { DEFAULT_FUSION_POLICY, type FusionPolicy } from "./liveness.ts";
import { resolveModelId } from "./models/index.ts";
import type { SimulatorParams } from "./params.ts";
import { isFeasible, simulateBatch, type BatchPerf } from "./performance.ts";
import { modelProfile } from "./profile.ts";
import { round, simulatedRow } from "./sweep.ts";

/** Token in `derived` of a simulated row whose measured twin is a calibration point. */
export const CALIBRATION_MARK = "calibration=fit-point";

/** The stack of a measured row: the first stack in stacks.yaml with a matching expression, else `default`. */
export function matchStack(params: SimulatorParams, framework: string, execution: string): string {
  const text = `${framework} ${execution}`;
  return params.stacks.find((s) => s.match.some((re) => new RegExp(re, "i").test(text)))?.id ?? "default";
}

/** Relative tolerance for recognising a measured point as one of the calibration points. */
const SAME_POINT = 0.005;

const near = (a: number | null, b: number): boolean => a !== null && Math.abs(a - b) <= SAME_POINT * b;

/** Simulated twins of measured rows (series `sim-<measured series>`), for `validate`. */
export function simulateMeasured(
  measured: readonly CanonicalRow[],
  accelerators: readonly Accelerator[],
  params: SimulatorParams,
  options: { calibration?: CalibrationResult; policy?: FusionPolicy } = {},
): CanonicalRow[] {
  const cal = options.calibration ?? calibrate(accelerators, params);
  const policy = options.policy ?? DEFAULT_FUSION_POLICY;
  const bySeries = new Map<
    string,
    {
      row: CanonicalRow;
      perf: BatchPerf;
      calibration: boolean;
      note: string;
      stack: string;
      powerW: number | null;
      price: number | null;
    }[]
  >();
  // Looked up by id once: a search per measured row grew with rows × accelerators (scripts/bench.ts).
  const accById = new Map(accelerators.map((a) => [a.id, a]));
  const simById = new Map(params.accelerators.map((a) => [a.id, a]));
  for (const m of measured) {
    if (m.kind !== "measured" || m.batch_size === null) continue;
    // 1. What to simulate: every field must map onto the simulator's, or the row is left out.
    const model = resolveModelId(m.model);
    const precision = mathPrecisionOf(m.precision);
    const acc = accById.get(m.accelerator);
    if (!model || !precision || !acc) continue;
    const device = deviceFor(acc, simById.get(acc.id));
    if (!isDevice(device) || !device.peak[precision]) continue;
    const stack = matchStack(params, m.framework, m.execution);
    const stackParams = resolveStack(cal, params, acc.id, stack, precision);
    // 2. Simulate the point with the study's device count (data parallel).
    const profile = modelProfile(model, m.input_width, m.input_height);
    const perf = simulateBatch(profile.perf(policy), device, precision, stackParams, m.batch_size, m.devices);
    if (!isFeasible(perf)) continue;
    // 3. Is this one of the two points a fit was made on?
    const calibration = params.calibration.tables.some(
      (t) =>
        t.accelerator === m.accelerator &&
        resolveModelId(t.model) === model &&
        t.precision === m.precision &&
        t.stack === stack &&
        t.input.width === m.input_width &&
        t.input.height === m.input_height &&
        (t.devices ?? 1) === m.devices &&
        t.points.some(
          (p) =>
            p.batch === m.batch_size &&
            (near(m.latency_ms, p.latency_ms) ||
              (m.latency_ms === null && near(m.throughput_img_s, p.throughput_img_s))),
        ),
    );
    const note = `Simulated twin of measured series ${m.series} (stack ${stack}: η=${round(stackParams.efficiency, 3)}, overhead ${round(stackParams.overheadMs, 3)} ms, ${stackParams.source}).${calibration ? " Calibration point: used to fit η and overhead, not counted as validation error." : ""}`;
    const list = bySeries.get(m.series) ?? [];
    list.push({
      row: m,
      perf,
      calibration,
      note,
      stack,
      powerW: device.powerW,
      price: device.priceUsdPerHour,
    });
    bySeries.set(m.series, list);
  }
  // 4. Rows per series, with fraction_of_peak relative to the series' best simulated point.
  return [...bySeries.entries()].flatMap(([series, points]) => {
    const best = Math.max(...points.map((p) => p.perf.throughputImgS));
    return points.map((p) =>
      simulatedRow(p.perf, {
        series: `sim-${series}`,
        accelerator: p.row.accelerator,
        model: p.row.model,
        size: { width: p.row.input_width, height: p.row.input_height },
        precision: p.row.precision,
        stack: p.stack,
        policy,
        best,
        powerW: p.powerW,
        price: p.price,
        note: p.note,
        devices: p.row.devices,
        derivedExtra: p.calibration ? CALIBRATION_MARK : undefined,
      }),
    );
  });
}

export interface ValidationPoint {
  series: string;
  accelerator: string;
  model: string;
  precision: string;
  batch_size: number;
  measured_throughput_img_s: number | null;
  simulated_throughput_img_s: number | null;
  /** (simulated − measured) / measured, in percent; null when either side is missing. */
  throughput_error_pct: number | null;
  measured_latency_ms: number | null;
  simulated_latency_ms: number | null;
  latency_error_pct: number | null;
  /** A calibration point: excluded from every error statistic. */
  calibration: boolean;
}

export interface ValidationSeries {
  series: string;
  study: string;
  accelerator: string;
  model: string;
  input_width: number;
  input_height: number;
  precision: string;
  framework: string;
  execution: string;
  /** `validated`: held-out points compared; `calibration-only`: every point was used for fitting; `not-simulated`: see reason. */
  status: "validated" | "calibration-only" | "not-simulated";
  reason: string;
  /** `calibration-series`: some of its points were fitted on (the rest interpolate); `held-out-series`: none were. */
  split: "calibration-series" | "held-out-series";
  held_out_points: number;
  calibration_points: number;
  throughput_mape_pct: number | null;
  latency_mape_pct: number | null;
  worst_throughput_error_pct: number | null;
  worst_throughput_batch: number | null;
  worst_latency_error_pct: number | null;
  worst_latency_batch: number | null;
}

export interface ValidationSummary {
  series_validated: number;
  held_out_points: number;
  throughput_mape_pct: number | null;
  latency_mape_pct: number | null;
  /** The same, restricted to series none of whose points were used for fitting. */
  held_out_series_throughput_mape_pct: number | null;
  held_out_series_latency_mape_pct: number | null;
}

export interface ValidationReport {
  series: ValidationSeries[];
  points: ValidationPoint[];
  summary: ValidationSummary;
  /** The same summary per study (one study's odd measurements should not hide another's fit). */
  byStudy: ({ study: string } & ValidationSummary)[];
}

const pct = (sim: number | null, meas: number | null): number | null =>
  sim === null || meas === null || meas === 0 ? null : round(((sim - meas) / meas) * 100, 4);
const mape = (errors: (number | null)[]): number | null => {
  const xs = errors.filter((e): e is number => e !== null).map(Math.abs);
  return xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 4) : null;
};
const worst = (
  points: ValidationPoint[],
  key: "throughput_error_pct" | "latency_error_pct",
): ValidationPoint | undefined =>
  points
    .filter((p) => p[key] !== null)
    .sort((a, b) => Math.abs(b[key]!) - Math.abs(a[key]!) || a.batch_size - b.batch_size)[0];

/** Why a measured series has no simulated twin, read from its own fields. */
function notSimulatedReason(m: CanonicalRow): string {
  if (m.precision === "unknown")
    return "precision unknown: the simulator needs bytes per element and a peak rate";
  if (!resolveModelId(m.model)) return `model ${m.model} is not one of the simulator's models`;
  if (m.batch_size === null) return "no batch size";
  return "no simulated row (accelerator file missing, no peak for this precision, or the batch does not fit in device memory)";
}

/**
 * Compares simulated with measured throughput and latency per measured series. A simulated row
 * matches a measured one when its series is `sim-<measured series>` and the batch agrees; otherwise a
 * row of the same accelerator, model, input, precision and batch (e.g. from the sweep) is used.
 */
export function validate(
  simulatedRows: readonly CanonicalRow[],
  measuredRows: readonly CanonicalRow[],
): ValidationReport {
  const sims = simulatedRows.filter((r) => r.kind === "simulated");
  const simSeries = groupBy(sims, (r) => r.series);
  const key = (r: CanonicalRow) =>
    [r.accelerator, r.model, r.input_width, r.input_height, mathPrecisionOf(r.precision), r.batch_size].join(
      "|",
    );
  // The fallback index over every simulated row (the whole sweep) is built only when a twin is missing.
  let byKey: Map<string, CanonicalRow> | null = null;
  const fallback = (m: CanonicalRow): CanonicalRow | undefined => {
    if (!byKey) {
      byKey = new Map();
      for (const r of sims) if (!byKey.has(key(r))) byKey.set(key(r), r);
    }
    return byKey.get(key(m));
  };

  const groups = groupBy(
    measuredRows.filter((m) => m.kind === "measured"),
    (m) => m.series,
  );

  const series: ValidationSeries[] = [];
  const allPoints: ValidationPoint[] = [];
  for (const [id, rows] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const first = rows[0]!;
    const points: ValidationPoint[] = [];
    for (const m of [...rows].sort((a, b) => (a.batch_size ?? 0) - (b.batch_size ?? 0))) {
      if (m.batch_size === null) continue;
      const s = simSeries.get(`sim-${m.series}`)?.find((r) => r.batch_size === m.batch_size) ?? fallback(m);
      if (!s) continue;
      points.push({
        series: id,
        accelerator: m.accelerator,
        model: m.model,
        precision: m.precision,
        batch_size: m.batch_size,
        measured_throughput_img_s: m.throughput_img_s,
        simulated_throughput_img_s: s.throughput_img_s,
        throughput_error_pct: pct(s.throughput_img_s, m.throughput_img_s),
        measured_latency_ms: m.latency_ms,
        simulated_latency_ms: s.latency_ms,
        latency_error_pct: pct(s.latency_ms, m.latency_ms),
        calibration: s.derived.includes(CALIBRATION_MARK),
      });
    }
    const held = points.filter((p) => !p.calibration);
    const wt = worst(held, "throughput_error_pct");
    const wl = worst(held, "latency_error_pct");
    const status =
      points.length === 0 ? "not-simulated" : held.length === 0 ? "calibration-only" : "validated";
    series.push({
      series: id,
      study: first.study,
      accelerator: first.accelerator,
      model: first.model,
      input_width: first.input_width,
      input_height: first.input_height,
      precision: first.precision,
      framework: first.framework,
      execution: first.execution,
      status,
      reason:
        status === "not-simulated"
          ? notSimulatedReason(first)
          : status === "calibration-only"
            ? "every point was used for fitting"
            : "",
      split: points.some((p) => p.calibration) ? "calibration-series" : "held-out-series",
      held_out_points: held.length,
      calibration_points: points.length - held.length,
      throughput_mape_pct: mape(held.map((p) => p.throughput_error_pct)),
      latency_mape_pct: mape(held.map((p) => p.latency_error_pct)),
      worst_throughput_error_pct: wt?.throughput_error_pct ?? null,
      worst_throughput_batch: wt?.batch_size ?? null,
      worst_latency_error_pct: wl?.latency_error_pct ?? null,
      worst_latency_batch: wl?.batch_size ?? null,
    });
    allPoints.push(...points);
  }
  const studies = [...new Set(series.map((s) => s.study))].sort();
  return {
    series,
    points: allPoints,
    summary: summarize(series, allPoints),
    byStudy: studies.map((study) => {
      const ids = new Set(series.filter((s) => s.study === study).map((s) => s.series));
      return {
        study,
        ...summarize(
          series.filter((s) => ids.has(s.series)),
          allPoints.filter((p) => ids.has(p.series)),
        ),
      };
    }),
  };
}

function summarize(series: ValidationSeries[], points: ValidationPoint[]): ValidationSummary {
  const held = points.filter((p) => !p.calibration);
  const heldOutSeries = new Set(series.filter((s) => s.split === "held-out-series").map((s) => s.series));
  const transfer = held.filter((p) => heldOutSeries.has(p.series));
  return {
    series_validated: series.filter((s) => s.status === "validated").length,
    held_out_points: held.length,
    throughput_mape_pct: mape(held.map((p) => p.throughput_error_pct)),
    latency_mape_pct: mape(held.map((p) => p.latency_error_pct)),
    held_out_series_throughput_mape_pct: mape(transfer.map((p) => p.throughput_error_pct)),
    held_out_series_latency_mape_pct: mape(transfer.map((p) => p.latency_error_pct)),
  };
}

/** Simulates every measured point and compares: `validate(simulateMeasured(...), measured)`. */
export function validateMeasured(
  measured: readonly CanonicalRow[],
  accelerators: readonly Accelerator[],
  params: SimulatorParams,
  options: { policy?: FusionPolicy } = {},
): ValidationReport {
  return validate(simulateMeasured(measured, accelerators, params, options), measured);
}
