/**
 * The GPU kernel model against MLPerf Inference results it was never fitted on: the error of each
 * closed-division TensorRT result (Offline throughput per accelerator, SingleStream batch-1 throughput) by round,
 * coloured by accelerator. What is compared with what is defined in simulate/validate-mlperf.ts.
 */
import * as Plot from "@observablehq/plot";
import type { MlperfValidation } from "../simulate/validate-mlperf.ts";
import { margins, num, tableRows, tip, type Frame, type LegendEntry } from "./common.ts";
import { roundAxis, sortedRounds } from "./mlperf.ts";
import { categorical, NEUTRAL } from "./palette.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";

const QUANTITY = {
  Offline: { label: "Offline img/s per accelerator" },
  SingleStream: { label: "SingleStream img/s at batch 1 (1000 ÷ 90th-percentile latency in ms)" },
} as const;

export function simulatorMlperfFigure(
  v: MlperfValidation | null,
  names: Map<string, string>,
  o: { id: string; title: string; caption: string },
): FigureSpec {
  // The kernel model's comparison; the roofline's (GPUs without an SM count) is tabled apart.
  const points = v?.points.filter((p) => p.engine === "kernels") ?? [];
  if (!v || points.length === 0) throw new MissingDataError(o.id, "no MLPerf results to validate against");
  const accelerators = [...new Set(points.map((p) => p.accelerator))].sort();
  const color = new Map(accelerators.map((a, i) => [a, categorical(i)]));
  const data = points.map((p) => ({
    round: p.round,
    system: `${p.submitter} ${p.system}`,
    accelerator: p.accelerator,
    scenario: p.scenario,
    quantity: QUANTITY[p.scenario].label,
    measured: p.measured,
    predicted: p.predicted,
    predicted_batch: p.predicted_batch,
    error_pct: p.error_pct,
    in_fit: p.accelerator_in_fit ? "yes (other tables)" : "no",
    source: p.source,
    color: color.get(p.accelerator)!,
    tip: tip(
      `${p.round} ${p.submitter} ${p.system}`,
      `${QUANTITY[p.scenario].label}: measured ${num(p.measured)}, predicted ${num(p.predicted)}`,
      `error ${num(p.error_pct, 3)} %`,
    ),
  }));
  const rounds = sortedRounds(data);
  const errors = data.map((d) => d.error_pct);
  const summary = v.summary
    .filter((s) => s.points > 0 && s.engine === "kernels")
    .map((s) => `${s.scenario}: MAPE ${s.mape_pct} % over ${s.points} results (bias ${s.bias_pct} %)`)
    .join("; ");
  const legend: LegendEntry[] = [
    ...accelerators.map((a) => ({
      label: names.get(a) ?? a,
      color: color.get(a)!,
      symbol: "circle" as const,
    })),
    { label: "Offline throughput (filled)", color: NEUTRAL, symbol: "circle", line: "none" },
    { label: "SingleStream batch 1 (hollow)", color: NEUTRAL, symbol: "circle", hollow: true, line: "none" },
  ];
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Dot chart of the simulator's error against ${data.length} MLPerf Inference ResNet-50 results by round, on ${accelerators.length} GPUs. ${summary}.`,
    sources: [...new Set(points.map((p) => p.study))].sort(),
    columns: [
      { key: "round", label: "round" },
      { key: "system", label: "system" },
      { key: "accelerator", label: "accelerator" },
      { key: "quantity", label: "compared quantity" },
      { key: "measured", label: "measured" },
      { key: "predicted", label: "predicted (INT8)" },
      { key: "predicted_batch", label: "predicted at batch" },
      { key: "error_pct", label: "error (%)" },
      { key: "in_fit", label: "GPU in the fit" },
      { key: "source", label: "source" },
    ],
    rows: tableRows(data),
    legend,
    plot: (frame: Frame) => ({
      ...margins(frame),
      height: frame.narrow ? 300 : 360,
      x: roundAxis(rounds, frame),
      y: {
        label: "↑ Predicted vs measured throughput (error, %)",
        grid: true,
        domain: [Math.min(0, ...errors) - 5, Math.max(0, ...errors) + 5],
        nice: true,
      },
      marks: [
        Plot.ruleY([0], { stroke: NEUTRAL, strokeDasharray: "5,3" }),
        Plot.dot(
          data.filter((d) => d.scenario === "Offline"),
          { x: "round", y: "error_pct", fill: "color", r: 3.5, fillOpacity: 0.8, title: "tip" },
        ),
        Plot.dot(
          data.filter((d) => d.scenario === "SingleStream"),
          { x: "round", y: "error_pct", stroke: "color", r: 3.5, strokeWidth: 1.5, title: "tip" },
        ),
      ],
    }),
  };
}
