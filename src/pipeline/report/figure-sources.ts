/** Figure families beyond the measured-data ones (the simulator's), registered once for the pipeline, the build and the site. */
import type { FigureSource } from "./figures.ts";
import { groupBy } from "../group.ts";
import { count } from "../labels.ts";
import { num } from "../figures/common.ts";
import type { FigureSpec } from "../figures/spec.ts";
import { collectFigures } from "../figures/spec.ts";
import { memoryFigure } from "../figures/memory.ts";
import { sramFigure } from "../figures/sram.ts";
import { validationFigure } from "../figures/validation.ts";
import { batchAt90Figure } from "../figures/batch90.ts";
import { simulatorMlperfFigure } from "../figures/sim-mlperf.ts";
import { mlperfGpus } from "../simulate/validate-mlperf.ts";
import { simulatedScalingFigure } from "../figures/sim-scaling.ts";
import { SUMMARY_PRECISIONS } from "../simulate/sweep.ts";
import { assumedSpecs, PERFORMANCE_SPECS } from "./specs.ts";

/** The GPUs of the MLPerf validation whose other tables the fit trained on, by name. */
function inFit(atlas: Parameters<FigureSource>[0]): string {
  const ids = atlas.validation ? mlperfGpus(atlas.validation.mlperf, "seen") : new Set<string>();
  const names = atlas.accelerators.filter((a) => ids.has(a.id)).map((a) => a.name);
  return names.length ? names.join(", ") : "none of these GPUs";
}

/** The model the sweep simulates an accelerator with (its default stack's engine). */
function sweepEngine(atlas: Parameters<FigureSource>[0], accelerator: string): "kernels" | "roofline" {
  const acc = atlas.explore?.accelerators.find((a) => a.id === accelerator);
  const models = Object.values(acc?.stacks[acc.defaultStack] ?? {});
  return models.some((m) => m?.engine === "kernels") ? "kernels" : "roofline";
}

/** The MLPerf comparison of this accelerator, in words, or undefined when it has none. */
function mlperfCheck(atlas: Parameters<FigureSource>[0], accelerator: string): string | undefined {
  const rows = atlas.validation?.mlperf.byAccelerator.filter((a) => a.accelerator === accelerator) ?? [];
  if (rows.length === 0) return undefined;
  const pct = (x: number) => `${num(x, 3)} %`;
  const parts = rows.map(
    (a) =>
      `${a.scenario === "Offline" ? "Offline throughput" : "SingleStream (batch 1)"}: off by ${pct(a.mape_pct)} on average over ${count(a.points, "result")} (${a.bias_pct < 0 ? "too slow" : "too fast"} by ${pct(Math.abs(a.bias_pct))} on balance)`,
  );
  // The comparison runs MLPerf's setup, which is not always the curve drawn: the kernel model as
  // TensorRT at INT8, or (a GPU without an SM count) the drawn roofline stack at INT8.
  const setup =
    sweepEngine(atlas, accelerator) === "kernels"
      ? "The same simulator run as TensorRT at INT8, not the stack and precision drawn here,"
      : "The same simulator and stack at INT8 (MLPerf's precision, not the one drawn here)";
  return `${setup} was checked against MLPerf Inference ResNet-50 results on this accelerator (never fitted on): ${parts.join("; ")}.`;
}

const simulatorFigures: FigureSource = (atlas) => {
  const makers: (() => FigureSpec)[] = [];
  const when = (make: () => FigureSpec) => makers.push(make);
  when(() =>
    memoryFigure(atlas.memory, {
      id: "fig-memory-resnet50",
      model: "resnet50_v1.5",
      precision: "int8",
      title: "ResNet-50 memory at INT8 as the input grows: weights vs activations (simulated)",
      caption:
        "Computed by the atlas simulator from the ResNet-50 v1.5 layer graph (batch 1, INT8, 1 byte per value; MB = 10⁶ bytes). Weights do not depend on the input; every activation grows with the pixel count. " +
        "The working set assumes layer-by-layer execution with residual adds fused into the preceding convolution. Flex Logix's figures use other definitions, explained on the megapixel finding page.",
      // Computed from the layer graph: Flex Logix's articles give definitions the caption names, not data.
      sources: [],
    }),
  );
  when(() =>
    memoryFigure(atlas.memory, {
      id: "fig-memory-yolov3",
      model: "yolov3",
      precision: "int8",
      title: "YOLOv3 memory at INT8 as the input grows: weights vs activations (simulated)",
      caption:
        "Computed by the atlas simulator from the YOLOv3 layer graph (Darknet-53 and three detection heads; batch 1, INT8). Inputs that are not multiples of 32 are letterboxed up (1920×1080 runs at 1920×1088). " +
        "The working set keeps route tensors alive until their last use.",
      sources: [],
    }),
  );
  when(() =>
    sramFigure(atlas.memory, atlas.accelerators, {
      id: "fig-sram-batch-resnet50",
      model: "resnet50_v1.5",
      precision: "int8",
      sizes: [
        { width: 224, height: 224 },
        { width: 2048, height: 1024 },
      ],
      batches: [1, 2, 4, 8, 16, 32, 64],
      title:
        "On-chip memory ResNet-50 needs per batch at 224 px and 2 MP, against each accelerator's SRAM (INT8)",
      caption:
        "Weights plus the peak working set times the batch size, from the atlas simulator (INT8). Horizontal lines: on-chip SRAM totals from the accelerator files, most of them derived (L2 + register files + shared memory for GPUs; see each accelerator page). " +
        "A line above an accelerator's SRAM means that batch cannot run without DRAM traffic for activations or weights.",
      sources: [],
    }),
  );
  const studyOf = new Map(atlas.rows.filter((r) => r.kind === "measured").map((r) => [r.series, r.study]));
  const validated = atlas.validation
    ? [...new Set(atlas.validation.points.filter((p) => p.in_scope).map((p) => p.study))].sort()
    : [];
  when(() =>
    validationFigure(atlas.validation, studyOf, {
      id: "fig-simulator-validation",
      title: "Predicted vs measured throughput, each GPU predicted by a fit that never saw it",
      caption:
        `Each point is one measured batch size, from the published tables and the atlas's own runs named below. GPU points are predicted by the kernel model fitted on ${atlas.validation?.dataset ?? "the calibration dataset"} without any table of their own accelerator (leave-one-accelerator-out); other accelerators' points by their roofline fit, on points it was not made on. ` +
        "The diagonal is a perfect prediction; points below it ran faster than predicted, points above it slower. Studies the calibration dataset declares out of the model's scope are left out.",
      sources: validated,
    }),
  );
  when(() =>
    batchAt90Figure(atlas.validation, studyOf, {
      id: "fig-simulator-batch90",
      title: "Batch size reaching 90 % of peak throughput: predicted vs measured",
      caption:
        "One point per measured GPU series (published tables and the atlas's own runs, sources below) with at least four batch sizes: the smallest batch whose throughput reaches 90 % of the series' best, measured and as predicted at the same batch sizes by the fit without the series' accelerator. " +
        "Both axes double per step; the diagonal is a perfect prediction, and points that coincide are spread slightly to the right.",
    }),
  );
  when(() =>
    simulatorMlperfFigure(
      atlas.validation?.mlperf ?? null,
      new Map(atlas.accelerators.map((a) => [a.id, a.name])),
      {
        id: "fig-simulator-mlperf",
        title: "The GPU kernel model against MLPerf Inference ResNet-50 results it was never fitted on",
        caption:
          "Each dot is one closed-division MLPerf Inference ResNet-50 result run with TensorRT on one node, against the kernel model at INT8 (the precision NVIDIA's MLPerf code builds; the result files do not state it). " +
          "Offline (filled): the system's throughput divided by its accelerators (derived) against the model's best throughput over batches 1 to 2,048, because submitters do not report their batch. " +
          "SingleStream (hollow): one image per query, read as 1000 ÷ the 90th-percentile latency in ms, against the model's batch-1 throughput. Above zero the model is faster than measured. " +
          `The fit never sees MLPerf results; it did see other published tables of ${inFit(atlas)}.`,
      },
    ),
  );
  // Every accelerator gets the simulator's view; for those without measurements it is the only one.
  const byAccelerator = groupBy(atlas.rows, (r) => r.accelerator);
  for (const acc of atlas.accelerators) {
    when(() =>
      simulatedScalingFigure(byAccelerator.get(acc.id) ?? [], {
        accelerator: acc,
        precisions: SUMMARY_PRECISIONS,
        assumed: assumedSpecs(
          acc,
          atlas.simulatorSpecs.find((s) => s.accelerator === acc.id),
          PERFORMANCE_SPECS,
        ),
        engine: sweepEngine(atlas, acc.id),
        checked: mlperfCheck(atlas, acc.id),
        curves: [
          { model: "resnet50_v1.5", width: 224, height: 224 },
          { model: "resnet50_v1.5", width: 2048, height: 1024 },
          { model: "yolov3", width: 608, height: 608 },
          { model: "yolov3", width: 2048, height: 1024 },
        ],
      }),
    );
  }
  return collectFigures(makers);
};

export const FIGURE_SOURCES: FigureSource[] = [simulatorFigures];
