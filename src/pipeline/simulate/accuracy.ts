/**
 * What the what-if page says about how far to trust a forecast: the cross-validated errors of the
 * simulator-validation finding, cut to what one view needs (its stack, its accelerator, its engine).
 * Every number is one the validation report states, or a point-weighted mean of its series' errors.
 */
import type { CanonicalRow } from "../schema.ts";
import type { ErrorStats } from "./error-stats.ts";
import { mathPrecisionOf } from "./fit.ts";
import { round } from "./sweep.ts";
import type { ValidationReport } from "./validate.ts";

export interface MlperfAccuracy {
  accelerator: string;
  scenario: "Offline" | "SingleStream";
  engine: "kernels" | "roofline";
  stats: ErrorStats;
}

export interface SimulatorAccuracy {
  /** GPU kernel model over every in-scope measured GPU point, each predicted by a fit that left its accelerator out. */
  gpu: ErrorStats;
  /** The same per accelerator, stack and batch regime (keys: accelerator id, stack id, "batch < 16" / "batch ≥ 16"). */
  gpuByAccelerator: ErrorStats[];
  gpuByStack: ErrorStats[];
  gpuByRegime: ErrorStats[];
  /** The same per precision the simulator computes in (key: fp32, tf32, fp16, bf16, int8; mixed FP16 counts as FP16). */
  gpuByPrecision: ErrorStats[];
  /** Layer roofline, per accelerator fitted on its own points: the error on the points its fit left out. */
  rooflineByAccelerator: ErrorStats[];
  /** MLPerf ResNet-50 results (TensorRT, INT8) against the simulator: results no fit sees. */
  mlperf: MlperfAccuracy[];
  /** Measured series the validation does not count (their study is declared out of the model's scope). */
  outOfScope: { accelerator: string; stack: string; study: string; reason: string }[];
  /**
   * The kernel model's batch at 90 % of peak against the measured one, over the in-scope GPU series
   * with at least four batch sizes (each predicted by the fit without its accelerator, at the series'
   * own batches): how many there are, how many it got exactly, how many it missed by 2× or more.
   */
  batchAt90: { series: number; same: number; offBy2: number };
}

/**
 * Groups of errors pooled into one per key: MAPE and bias are means over points, so each group counts
 * by its points. Groups without an error or points are left out.
 */
function pooled(groups: readonly { key: string; stats: ErrorStats }[]): ErrorStats[] {
  const sums = new Map<string, { n: number; abs: number; signed: number }>();
  for (const { key, stats: e } of groups) {
    if (e.mape_pct === null || e.points <= 0) continue;
    const m = sums.get(key) ?? { n: 0, abs: 0, signed: 0 };
    sums.set(key, {
      n: m.n + e.points,
      abs: m.abs + e.mape_pct * e.points,
      signed: m.signed + (e.bias_pct ?? 0) * e.points,
    });
  }
  return [...sums].map(([key, m]) => ({
    key,
    points: m.n,
    mape_pct: round(m.abs / m.n, 4),
    bias_pct: round(m.signed / m.n, 4),
  }));
}

export function simulatorAccuracy(v: Omit<ValidationReport, "points">): SimulatorAccuracy {
  const s = v.summary;
  // A roofline series' error is over the points its fit left out.
  const roofline = pooled(
    v.series
      .filter((x) => x.engine === "roofline" && x.in_scope)
      .map((x) => ({
        key: x.accelerator,
        stats: {
          key: x.series,
          points: x.points - x.training_points,
          mape_pct: x.mape_pct,
          bias_pct: x.bias_pct,
        },
      })),
  );
  // Published precisions merge into the one the simulator computes in.
  const byMath = pooled(
    v.breakdown.precision.loao.flatMap((e) => {
      const math = mathPrecisionOf(e.key as CanonicalRow["precision"]);
      return math ? [{ key: math, stats: e }] : [];
    }),
  );
  return {
    gpu: { key: "gpu", points: s.gpu_points, mape_pct: s.loao_mape_pct, bias_pct: s.loao_bias_pct },
    gpuByAccelerator: v.breakdown.accelerator.loao,
    gpuByStack: v.breakdown.stack.loao,
    gpuByRegime: v.breakdown.regime.loao,
    gpuByPrecision: byMath,
    rooflineByAccelerator: roofline,
    mlperf: v.mlperf.byAccelerator.map((a) => ({
      accelerator: a.accelerator,
      scenario: a.scenario as MlperfAccuracy["scenario"],
      engine: a.engine,
      stats: { key: a.accelerator, points: a.points, mape_pct: a.mape_pct, bias_pct: a.bias_pct },
    })),
    outOfScope: v.series
      .filter((x) => !x.in_scope)
      .map((x) => ({
        accelerator: x.accelerator,
        stack: x.stack,
        study: x.study,
        reason: v.byStudy.find((s) => s.key === x.study)?.reason ?? "",
      })),
    batchAt90: batchAt90Agreement(v.series),
  };
}

function batchAt90Agreement(series: ValidationReport["series"]): SimulatorAccuracy["batchAt90"] {
  const pairs = series.flatMap((x) =>
    x.engine === "kernels" &&
    x.in_scope &&
    x.batch_at_90_measured !== null &&
    x.batch_at_90_predicted !== null
      ? [[x.batch_at_90_measured, x.batch_at_90_predicted] as const]
      : [],
  );
  return {
    series: pairs.length,
    same: pairs.filter(([m, p]) => m === p).length,
    offBy2: pairs.filter(([m, p]) => Math.max(m / p, p / m) >= 2).length,
  };
}
