/**
 * What the what-if page says about how far to trust a forecast: the cross-validated errors of the
 * simulator-validation finding, cut to what one view needs (its stack, its accelerator, its engine).
 * Every number is one the validation report states, or a point-weighted mean of its series' errors.
 */
import type { ErrorStats } from "./error-stats.ts";
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
  return {
    gpu: { key: "gpu", points: s.gpu_points, mape_pct: s.loao_mape_pct, bias_pct: s.loao_bias_pct },
    gpuByAccelerator: v.breakdown.accelerator.loao,
    gpuByStack: v.breakdown.stack.loao,
    gpuByRegime: v.breakdown.regime.loao,
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
