/**
 * What the what-if page says about how far to trust a forecast: the cross-validated errors of the
 * simulator-validation finding, cut to what one view needs (the model, the stack, the accelerator).
 * Every number is one the validation report already states; nothing is recomputed here.
 */
import type { ErrorStats } from "./error-stats.ts";
import type { ValidationReport } from "./validate.ts";

export interface SimulatorAccuracy {
  /** GPU kernel model over every in-scope measured GPU point, each predicted by a fit that left its accelerator out. */
  gpu: ErrorStats;
  /** The same, per accelerator (key: accelerator id) and per stack (key: stack id). */
  gpuByAccelerator: ErrorStats[];
  gpuByStack: ErrorStats[];
  /** MLPerf Offline results (TensorRT, INT8) against the kernel model, per accelerator: results no fit sees. */
  mlperfOffline: ErrorStats[];
  /** Layer roofline: the held-out points of the accelerators it is fitted on (no signed bias is reported). */
  roofline: ErrorStats;
}

export function simulatorAccuracy(v: Omit<ValidationReport, "points">): SimulatorAccuracy {
  const s = v.summary;
  return {
    gpu: { key: "gpu", points: s.gpu_points, mape_pct: s.loao_mape_pct, bias_pct: s.loao_bias_pct },
    gpuByAccelerator: v.breakdown.accelerator.loao,
    gpuByStack: v.breakdown.stack.loao,
    mlperfOffline: v.mlperf.byAccelerator
      .filter((a) => a.scenario === "Offline" && a.engine === "kernels")
      .map((a) => ({ key: a.accelerator, points: a.points, mape_pct: a.mape_pct, bias_pct: a.bias_pct })),
    roofline: { key: "roofline", points: s.roofline_points, mape_pct: s.roofline_mape_pct, bias_pct: null },
  };
}
