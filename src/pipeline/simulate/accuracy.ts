/**
 * What the what-if page says about how far to trust a forecast: the cross-validated errors of the
 * simulator-validation finding, cut to what one view needs (its stack, its accelerator, its engine).
 * Every number is one the validation report states, or a point-weighted mean of its series' errors.
 */
import type { CanonicalRow } from "../schema.ts";
import type { ErrorStats } from "./error-stats.ts";
import { mathPrecisionOf } from "./fit.ts";
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
  outOfScope: { accelerator: string; stack: string; study: string }[];
}

export function simulatorAccuracy(v: Omit<ValidationReport, "points">): SimulatorAccuracy {
  const s = v.summary;
  const roofline = new Map<string, { n: number; abs: number; signed: number }>();
  for (const x of v.series) {
    const heldOut = x.points - x.training_points;
    if (x.engine !== "roofline" || !x.in_scope || x.mape_pct === null || heldOut <= 0) continue;
    const r = roofline.get(x.accelerator) ?? { n: 0, abs: 0, signed: 0 };
    // MAPE and bias are means over points: a series' share is its held-out point count.
    roofline.set(x.accelerator, {
      n: r.n + heldOut,
      abs: r.abs + x.mape_pct * heldOut,
      signed: r.signed + (x.bias_pct ?? 0) * heldOut,
    });
  }
  const round4 = (x: number) => Number(x.toPrecision(4));
  // Published precisions merge into the one the simulator computes in; means over points merge by count.
  const byMath = new Map<string, { n: number; abs: number; signed: number }>();
  for (const e of v.breakdown.precision.loao) {
    const math = mathPrecisionOf(e.key as CanonicalRow["precision"]);
    if (!math || e.mape_pct === null || e.points === 0) continue;
    const m = byMath.get(math) ?? { n: 0, abs: 0, signed: 0 };
    byMath.set(math, {
      n: m.n + e.points,
      abs: m.abs + e.mape_pct * e.points,
      signed: m.signed + (e.bias_pct ?? 0) * e.points,
    });
  }
  return {
    gpu: { key: "gpu", points: s.gpu_points, mape_pct: s.loao_mape_pct, bias_pct: s.loao_bias_pct },
    gpuByAccelerator: v.breakdown.accelerator.loao,
    gpuByStack: v.breakdown.stack.loao,
    gpuByRegime: v.breakdown.regime.loao,
    gpuByPrecision: [...byMath].map(([key, m]) => ({
      key,
      points: m.n,
      mape_pct: round4(m.abs / m.n),
      bias_pct: round4(m.signed / m.n),
    })),
    rooflineByAccelerator: [...roofline].map(([key, r]) => ({
      key,
      points: r.n,
      mape_pct: round4(r.abs / r.n),
      bias_pct: round4(r.signed / r.n),
    })),
    mlperf: v.mlperf.byAccelerator.map((a) => ({
      accelerator: a.accelerator,
      scenario: a.scenario as MlperfAccuracy["scenario"],
      engine: a.engine,
      stats: { key: a.accelerator, points: a.points, mape_pct: a.mape_pct, bias_pct: a.bias_pct },
    })),
    outOfScope: v.series
      .filter((x) => !x.in_scope)
      .map((x) => ({ accelerator: x.accelerator, stack: x.stack, study: x.study })),
  };
}
