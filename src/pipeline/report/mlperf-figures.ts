/** The MLPerf figures of the report: per accelerator with MLPerf results, and the three finding figures. */
import type { AtlasData } from "../atlas.ts";
import { collectFigures, type FigureSpec } from "../figures/spec.ts";
import {
  mlperfBatchingFigure,
  mlperfEfficiencyFigure,
  mlperfPowerFigure,
  mlperfRetinanetAcceleratorFigure,
  mlperfRetinanetFigure,
  mlperfRoundsFigure,
  mlperfScalingFigure,
  mlperfScenariosFigure,
} from "../figures/mlperf.ts";
import { MLPERF_MACS } from "../mlperf/macs.ts";
import { groupBy } from "../group.ts";

const MAC_RATIO = MLPERF_MACS.retinanet / MLPERF_MACS.resnet50;

export function mlperfFigures(atlas: AtlasData): FigureSpec[] {
  if (atlas.mlperf.length === 0) return [];
  const makers: (() => FigureSpec)[] = [];
  const names = new Map(atlas.accelerators.map((a) => [a.id, a.name]));
  const { gains, efficiency, retinanet: pairs } = atlas.mlperfAnalysis;
  // Each accelerator's figures get its own results: scanning every result for each of them grew with
  // the square of the data (docs/build.md, "Choices that keep it linear").
  const resultsOf = groupBy(atlas.mlperf, (r) => r.accelerator ?? "");
  const pairsOf = groupBy(pairs, (p) => p.accelerator);
  for (const acc of atlas.accelerators) {
    const results = resultsOf.get(acc.id);
    if (!results) continue;
    const accPairs = pairsOf.get(acc.id) ?? [];
    makers.push(
      () => mlperfRoundsFigure(results, acc),
      () => mlperfScenariosFigure(results, acc),
      () => mlperfScalingFigure(results, acc),
      () => mlperfRetinanetAcceleratorFigure(accPairs, acc, MAC_RATIO),
      () => mlperfPowerFigure(results, acc),
    );
  }
  makers.push(
    () =>
      mlperfBatchingFigure(gains, names, {
        id: "fig-mlperf-batching-gain",
        title: "How much batching buys, accelerator by accelerator (ResNet-50)",
      }),
    () =>
      mlperfEfficiencyFigure(efficiency, names, {
        id: "fig-mlperf-efficiency",
        title:
          "Images per joule against throughput, every MLPerf ResNet-50 Offline power run on an identified accelerator",
      }),
    () =>
      mlperfRetinanetFigure(pairs, names, {
        id: "fig-mlperf-retinanet-vs-resnet50",
        title: "RetinaNet at 800×800 against ResNet-50 at 224×224 on the same systems",
        macRatio: MAC_RATIO,
      }),
  );
  return collectFigures(makers);
}
