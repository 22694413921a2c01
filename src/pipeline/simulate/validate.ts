/**
 * Validation: the simulator against every measured series. `simulateMeasured` simulates exactly the
 * points a study measured (its accelerator, model, input, precision, stack and device count) with the
 * full fit, as twin rows for the pages; `validate` compares them and, for GPU points, reports what
 * fits that never saw the point's accelerator (leave-one-accelerator-out) or its model
 * (leave-one-model-out) predict: the accuracy the atlas states. Points a fit was made on are marked
 * and never counted as held-out error.
 */
import { groupBy } from "../group.ts";
import type { CanonicalRow } from "../schema.ts";
import { stackModel, type SimulatorContext } from "./context.ts";
import { mathPrecisionOf, matchStack, rowsOfTable } from "./fit.ts";
import { precisionClassOf } from "./gpu-model.ts";
import { DEFAULT_FUSION_POLICY } from "./liveness.ts";
import { resolveModelId } from "./models/index.ts";
import { modelProfile } from "./profile.ts";
import { isBatchResult, simulateWith, smallestBatchAtFraction, type BatchResult } from "./simulate.ts";
import { round, simulatedRow, TWIN_NOTE } from "./sweep.ts";
import { errorStats, type ErrorStats } from "./error-stats.ts";
import { validateMlperf, type MlperfValidation } from "./validate-mlperf.ts";
import type { MlperfResult } from "../mlperf/normalize.ts";

/** Token in `derived` of a simulated twin whose measured point the fit was made on. */
export const CALIBRATION_MARK = "calibration=fit-point";

export { matchStack };

/** Simulated twins of measured rows (series `sim-<measured series>`), with the full fit. */
export function simulateMeasured(measured: readonly CanonicalRow[], ctx: SimulatorContext): CanonicalRow[] {
  const training = new Set(ctx.points.filter((p) => p.training).map((p) => p.row));
  const rooflineRows = new Set(
    ctx.params.calibration.roofline.flatMap((t) =>
      rowsOfTable(measured, t.rows).filter((r) => r.accelerator === t.accelerator),
    ),
  );
  const bySeries = new Map<
    string,
    { row: CanonicalRow; perf: BatchResult; fitted: boolean; note: string; stack: string }[]
  >();
  for (const m of measured) {
    if (m.kind !== "measured" || m.batch_size === null) continue;
    // 1. What to simulate: every field must map onto the simulator's, or the row is left out.
    const model = resolveModelId(m.model);
    const precision = mathPrecisionOf(m.precision);
    const device = ctx.devices.get(m.accelerator);
    if (!model || !precision || !device?.peak[precision]) continue;
    const stack = matchStack(ctx.params, m.framework, m.execution);
    const sm = stackModel(ctx, m.accelerator, stack, precision);
    if ("error" in sm) continue;
    // 2. Simulate the point with the study's device count (data parallel).
    const perf = simulateWith(
      modelProfile(model, m.input_width, m.input_height),
      device,
      precision,
      sm,
      m.batch_size,
      {
        devices: m.devices,
        mixed: m.precision === "mixed-fp16",
      },
    );
    if (!isBatchResult(perf)) continue;
    const fitted = training.has(m) || rooflineRows.has(m);
    const note = `${TWIN_NOTE} ${m.series}: stack ${stack}, ${sm.source}.${fitted ? " The fit was made on this point; it is not counted as validation error." : ""}`;
    const list = bySeries.get(m.series) ?? [];
    list.push({ row: m, perf, fitted, note, stack });
    bySeries.set(m.series, list);
  }
  // 3. Rows per series, with fraction_of_peak relative to the series' best simulated point.
  return [...bySeries.entries()].flatMap(([series, points]) => {
    const best = Math.max(...points.map((p) => p.perf.throughputImgS));
    return points.map((p) => {
      const device = ctx.devices.get(p.row.accelerator)!;
      return simulatedRow(p.perf, {
        series: `sim-${series}`,
        accelerator: p.row.accelerator,
        model: p.row.model,
        size: { width: p.row.input_width, height: p.row.input_height },
        precision: p.row.precision,
        stack: p.stack,
        policy: DEFAULT_FUSION_POLICY,
        best,
        powerW: device.powerW,
        price: device.priceUsdPerHour,
        note: p.note,
        devices: p.row.devices,
        derivedExtra: p.fitted ? CALIBRATION_MARK : undefined,
      });
    });
  });
}

export interface ValidationPoint {
  series: string;
  study: string;
  accelerator: string;
  model: string;
  precision: string;
  stack: string;
  batch_size: number;
  measured_throughput_img_s: number;
  /** The full fit's prediction (in-sample for training points). */
  simulated_throughput_img_s: number;
  /** GPU points: predictions of fits without the point's accelerator / model; null for roofline points. */
  loao_throughput_img_s: number | null;
  lomo_throughput_img_s: number | null;
  /** The point is in the fit's training set (or a roofline fit point). */
  training: boolean;
  /**
   * GPU points: whether the fold without the point's accelerator (LOAO) / model (LOMO) still trained on
   * the point's stack at its precision class; when not, that prediction rests on the priors and the
   * stack's launch family only.
   */
  loao_covered: boolean | null;
  lomo_covered: boolean | null;
  /** False for studies the calibration dataset declares out of the model's scope. */
  in_scope: boolean;
  engine: "kernels" | "roofline";
}

export interface ValidationSummary {
  /** GPU kernel model: training points and parameters the fit moved. */
  training_points: number;
  fitted_parameters: number;
  /** In-sample MAPE on the training points (for comparison; never the accuracy claim). */
  in_sample_mape_pct: number | null;
  /** Over every in-scope GPU point (training tables and held-out tables). */
  gpu_points: number;
  loao_mape_pct: number | null;
  loao_bias_pct: number | null;
  lomo_mape_pct: number | null;
  lomo_bias_pct: number | null;
  /** The same, over the points whose stack and precision class the fold still trained on. */
  loao_covered_points: number;
  loao_covered_mape_pct: number | null;
  lomo_covered_points: number;
  lomo_covered_mape_pct: number | null;
  /** Roofline accelerators (no tile structure): held-out points of their series. */
  roofline_points: number;
  roofline_mape_pct: number | null;
  /**
   * The tables' own disagreement (`indistinguishable`): in-scope GPU points that share their full-fit
   * prediction with a point of another series, the widest spread among such points at one batch, and
   * the least error any one prediction per group can have, over those points and over all GPU points.
   */
  lookalike_points: number;
  lookalike_series: number;
  lookalike_max_spread_pct: number | null;
  lookalike_floor_mape_pct: number | null;
  lookalike_floor_of_all_pct: number | null;
}

export interface SeriesValidation {
  series: string;
  study: string;
  accelerator: string;
  model: string;
  precision: string;
  stack: string;
  engine: "kernels" | "roofline";
  in_scope: boolean;
  points: number;
  training_points: number;
  /** LOAO for GPU series, held-out full-fit error for roofline series. */
  mape_pct: number | null;
  bias_pct: number | null;
  /** Smallest batch reaching 90 % of the series' best throughput: measured, and predicted over the same batches. */
  batch_at_90_measured: number | null;
  batch_at_90_predicted: number | null;
}

export interface ValidationReport {
  dataset: string;
  summary: ValidationSummary;
  /** LOAO and LOMO error per accelerator, model, precision, batch regime and stack (in-scope GPU points). */
  breakdown: Record<
    "accelerator" | "model" | "precision" | "regime" | "stack",
    { loao: ErrorStats[]; lomo: ErrorStats[] }
  >;
  series: SeriesValidation[];
  /** Per study: the same error as the series (LOAO for GPUs). */
  byStudy: (ErrorStats & { in_scope: boolean; reason: string })[];
  /** Fitted parameters with their priors. */
  parameters: { id: string; value: number; prior: number; fitted: boolean }[];
  points: ValidationPoint[];
  /** MLPerf Inference results the fit never sees, against the kernel model (validate-mlperf.ts). */
  mlperf: MlperfValidation;
}

const rel = (sim: number, meas: number) => (sim - meas) / meas;
const groupStats = (
  points: readonly ValidationPoint[],
  key: (p: ValidationPoint) => string,
  err: (p: ValidationPoint) => number | null,
) => {
  const errors = points.flatMap((p) => {
    const e = err(p);
    return e === null ? [] : [{ key: key(p), e }];
  });
  return [...groupBy(errors, (x) => x.key)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, xs]) =>
      errorStats(
        k,
        xs.map((x) => x.e),
      ),
    );
};

/**
 * How far the measurements disagree where the model cannot tell them apart. Points whose model,
 * precision, stack, batch and full-fit prediction are equal look the same to the model (the V100 in
 * its 16 GB and 32 GB versions, one stack's tables from two container releases), so it predicts them
 * with one number. For each such group with points of two or more series, the least sum of relative
 * errors one number can have (it lies at one of the measured values) is a floor no model that sees
 * only specs and stack can go under. Returned over those points and over all `points`.
 */
export function indistinguishable(points: readonly ValidationPoint[]): {
  points: number;
  series: number;
  maxSpreadPct: number | null;
  floorMapePct: number | null;
  floorOfAllPct: number | null;
} {
  const groups = groupBy(
    points,
    (p) => `${p.model}|${p.precision}|${p.stack}|${p.batch_size}|${p.simulated_throughput_img_s}`,
  );
  let floorSum = 0;
  let count = 0;
  let maxSpread: number | null = null;
  const series = new Set<string>();
  for (const group of groups.values()) {
    if (new Set(group.map((p) => p.series)).size < 2) continue;
    const measured = group.map((p) => p.measured_throughput_img_s);
    floorSum += Math.min(...measured.map((f) => measured.reduce((sum, m) => sum + Math.abs(f - m) / m, 0)));
    count += group.length;
    for (const p of group) series.add(p.series);
    const spread = Math.max(...measured) / Math.min(...measured) - 1;
    maxSpread = Math.max(maxSpread ?? 0, spread);
  }
  const pct = (x: number) => round(100 * x, 4);
  return {
    points: count,
    series: series.size,
    maxSpreadPct: maxSpread === null ? null : pct(maxSpread),
    floorMapePct: count ? pct(floorSum / count) : null,
    floorOfAllPct: points.length ? pct(floorSum / points.length) : null,
  };
}

/** Batch regimes the issue of simulator accuracy cares about: small batches are host- and latency-bound. */
const regimeOf = (batch: number): string => (batch < 16 ? "batch < 16" : "batch ≥ 16");

/** The validation report from the context (its cross-validated predictions) and the twin rows. */
export function validate(
  ctx: SimulatorContext,
  twins: readonly CanonicalRow[],
  measured: readonly CanonicalRow[],
  mlperf: readonly MlperfResult[] = [],
): ValidationReport {
  const outOfScope = new Map(ctx.params.calibration.out_of_scope.map((o) => [o.study, o.reason]));
  const points: ValidationPoint[] = [];
  // GPU points: the context's fit points with their cross-validated predictions.
  // Per (stack, precision class), the accelerators and models its training points cover: a point is
  // covered by a fold when its slot trained on some other accelerator (model). Sets, not a scan of the
  // training points per point, which grew with the square of the data.
  const slot = (p: (typeof ctx.points)[number]) => `${p.stack}|${precisionClassOf(p.precision)}`;
  const trainingBySlot = groupBy(
    ctx.points.filter((q) => q.training),
    slot,
  );
  const trainedOn = new Map(
    [...trainingBySlot].map(([k, qs]) => [
      k,
      { accelerators: new Set(qs.map((q) => q.row.accelerator)), models: new Set(qs.map((q) => q.model)) },
    ]),
  );
  const coveredApart = (seen: ReadonlySet<string> | undefined, own: string) =>
    seen !== undefined && (seen.size > 1 || !seen.has(own));
  ctx.points.forEach((p, i) => {
    const pred = ctx.gpu.predictions[i]!;
    points.push({
      series: p.row.series,
      study: p.row.study,
      accelerator: p.row.accelerator,
      model: p.row.model,
      precision: p.row.precision,
      stack: p.stack,
      batch_size: p.row.batch_size!,
      measured_throughput_img_s: p.row.throughput_img_s!,
      simulated_throughput_img_s: round(pred.full),
      loao_throughput_img_s: round(pred.leaveAcceleratorOut),
      lomo_throughput_img_s: round(pred.leaveModelOut),
      training: p.training,
      loao_covered: coveredApart(trainedOn.get(slot(p))?.accelerators, p.row.accelerator),
      lomo_covered: coveredApart(trainedOn.get(slot(p))?.models, p.model),
      in_scope: !outOfScope.has(p.row.study),
      engine: "kernels",
    });
  });
  // Roofline points: twins of measured rows on accelerators the kernel model does not run.
  const gpuRows = new Set(ctx.points.map((p) => p.row));
  const twinOf = new Map(twins.map((t) => [`${t.series}|${t.batch_size}`, t]));
  for (const m of measured) {
    if (m.kind !== "measured" || gpuRows.has(m) || m.batch_size === null || m.throughput_img_s === null)
      continue;
    const t = twinOf.get(`sim-${m.series}|${m.batch_size}`);
    if (!t || t.throughput_img_s === null) continue;
    points.push({
      series: m.series,
      study: m.study,
      accelerator: m.accelerator,
      model: m.model,
      precision: m.precision,
      stack: matchStack(ctx.params, m.framework, m.execution),
      batch_size: m.batch_size,
      measured_throughput_img_s: m.throughput_img_s,
      simulated_throughput_img_s: t.throughput_img_s,
      loao_throughput_img_s: null,
      lomo_throughput_img_s: null,
      training: t.derived.includes(CALIBRATION_MARK),
      loao_covered: null,
      lomo_covered: null,
      in_scope: !outOfScope.has(m.study),
      engine: "roofline",
    });
  }
  const gpu = points.filter((p) => p.engine === "kernels" && p.in_scope);
  const loaoErr = (p: ValidationPoint) =>
    p.loao_throughput_img_s === null ? null : rel(p.loao_throughput_img_s, p.measured_throughput_img_s);
  const lomoErr = (p: ValidationPoint) =>
    p.lomo_throughput_img_s === null ? null : rel(p.lomo_throughput_img_s, p.measured_throughput_img_s);
  // The error a point's series reports: cross-validated for GPUs, held-out full fit for the roofline.
  const seriesErr = (p: ValidationPoint) =>
    p.engine === "kernels"
      ? loaoErr(p)
      : p.training
        ? null
        : rel(p.simulated_throughput_img_s, p.measured_throughput_img_s);
  const loao = errorStats(
    "all",
    gpu.map(loaoErr).filter((e): e is number => e !== null),
  );
  const lomo = errorStats(
    "all",
    gpu.map(lomoErr).filter((e): e is number => e !== null),
  );
  const loaoCovered = errorStats(
    "covered",
    gpu
      .filter((p) => p.loao_covered)
      .map(loaoErr)
      .filter((e): e is number => e !== null),
  );
  const lomoCovered = errorStats(
    "covered",
    gpu
      .filter((p) => p.lomo_covered)
      .map(lomoErr)
      .filter((e): e is number => e !== null),
  );
  const inSample = errorStats(
    "training",
    gpu.filter((p) => p.training).map((p) => rel(p.simulated_throughput_img_s, p.measured_throughput_img_s)),
  );
  const roofline = errorStats(
    "roofline",
    points
      .filter((p) => p.engine === "roofline" && p.in_scope)
      .map(seriesErr)
      .filter((e): e is number => e !== null),
  );
  const keys = {
    accelerator: (p: ValidationPoint) => p.accelerator,
    model: (p: ValidationPoint) => p.model,
    precision: (p: ValidationPoint) => p.precision,
    regime: (p: ValidationPoint) => regimeOf(p.batch_size),
    stack: (p: ValidationPoint) => p.stack,
  };
  const breakdown = Object.fromEntries(
    Object.entries(keys).map(([name, key]) => [
      name,
      { loao: groupStats(gpu, key, loaoErr), lomo: groupStats(gpu, key, lomoErr) },
    ]),
  ) as ValidationReport["breakdown"];
  const bySeriesPoints = groupBy(points, (p) => p.series);
  const series: SeriesValidation[] = [...bySeriesPoints.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, ps]) => {
      const first = ps[0]!;
      const s = errorStats(
        id,
        ps.map(seriesErr).filter((e): e is number => e !== null),
      );
      const predicted = ps.map((p) => ({
        batch: p.batch_size,
        throughputImgS: p.loao_throughput_img_s ?? p.simulated_throughput_img_s,
      }));
      const measuredPts = ps.map((p) => ({
        batch: p.batch_size,
        throughputImgS: p.measured_throughput_img_s,
      }));
      const enough = ps.length >= 4;
      return {
        series: id,
        study: first.study,
        accelerator: first.accelerator,
        model: first.model,
        precision: first.precision,
        stack: first.stack,
        engine: first.engine,
        in_scope: first.in_scope,
        points: ps.length,
        training_points: ps.filter((p) => p.training).length,
        mape_pct: s.mape_pct,
        bias_pct: s.bias_pct,
        batch_at_90_measured: enough ? smallestBatchAtFraction(measuredPts) : null,
        batch_at_90_predicted: enough ? smallestBatchAtFraction(predicted) : null,
      };
    });
  const studies = [...new Set(points.map((p) => p.study))].sort();
  const lookAlike = indistinguishable(gpu);
  const fit = ctx.gpu.fit;
  return {
    dataset: ctx.params.calibration.name,
    summary: {
      training_points: fit.trainingPoints,
      fitted_parameters: fit.parameters.filter((p) => p.fitted).length,
      in_sample_mape_pct: inSample.mape_pct,
      gpu_points: gpu.length,
      loao_mape_pct: loao.mape_pct,
      loao_bias_pct: loao.bias_pct,
      lomo_mape_pct: lomo.mape_pct,
      lomo_bias_pct: lomo.bias_pct,
      loao_covered_points: loaoCovered.points,
      loao_covered_mape_pct: loaoCovered.mape_pct,
      lomo_covered_points: lomoCovered.points,
      lomo_covered_mape_pct: lomoCovered.mape_pct,
      roofline_points: roofline.points,
      roofline_mape_pct: roofline.mape_pct,
      lookalike_points: lookAlike.points,
      lookalike_series: lookAlike.series,
      lookalike_max_spread_pct: lookAlike.maxSpreadPct,
      lookalike_floor_mape_pct: lookAlike.floorMapePct,
      lookalike_floor_of_all_pct: lookAlike.floorOfAllPct,
    },
    breakdown,
    series,
    byStudy: studies.map((study) => ({
      ...errorStats(
        study,
        points
          .filter((p) => p.study === study)
          .map(seriesErr)
          .filter((e): e is number => e !== null),
      ),
      in_scope: !outOfScope.has(study),
      reason: outOfScope.get(study) ?? "",
    })),
    parameters: fit.parameters.map((p) => ({
      id: p.id,
      value: round(p.value),
      prior: p.prior,
      fitted: p.fitted,
    })),
    points,
    mlperf: validateMlperf(mlperf, ctx),
  };
}

/** Simulates every measured point and validates: the stage's two calls in one. */
export function validateMeasured(
  measured: readonly CanonicalRow[],
  ctx: SimulatorContext,
  mlperf: readonly MlperfResult[],
): ValidationReport {
  return validate(ctx, simulateMeasured(measured, ctx), measured, mlperf);
}
