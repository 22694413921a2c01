/**
 * Predicted against measured throughput for every point, each predicted by a fit that never saw it:
 * GPU points by the fit without their accelerator (leave-one-accelerator-out), other accelerators'
 * points by the full fit where it was not made on them. How far to trust the simulator, per study.
 */
import * as Plot from "@observablehq/plot";
import type { ValidationReport } from "../simulate/validate.ts";
import type { FigureSpec } from "./spec.ts";
import { MissingDataError } from "./spec.ts";
import { logTicks, margins, num, tableRows, tickNumber, tickRoom, tip, type Frame } from "./common.ts";
import { categorical, NEUTRAL, SYMBOLS } from "./palette.ts";

export function validationFigure(
  report: ValidationReport | null,
  studyOf: Map<string, string>,
  o: { id: string; title: string; caption: string; sources: string[] },
): FigureSpec {
  if (!report) throw new MissingDataError(o.id, "the simulator did not run");
  const points = report.points.flatMap((p) => {
    const predicted = p.loao_throughput_img_s ?? (p.training ? null : p.simulated_throughput_img_s);
    return predicted === null || !p.in_scope ? [] : [{ ...p, predicted }];
  });
  if (points.length === 0) throw new MissingDataError(o.id, "no held-out points");
  const studies = [...new Set(points.map((p) => studyOf.get(p.series) ?? "?"))].sort();
  const style = new Map(
    studies.map((s, i) => [s, { color: categorical(i), symbol: SYMBOLS[i % SYMBOLS.length]! }]),
  );
  const data = points.map((p) => {
    const study = studyOf.get(p.series) ?? "?";
    return {
      study,
      series: p.series,
      batch: p.batch_size,
      measured: p.measured_throughput_img_s!,
      simulated: p.predicted,
      error_pct:
        Math.round(((p.predicted - p.measured_throughput_img_s) / p.measured_throughput_img_s) * 1e5) / 1e3,
      color: style.get(study)!.color,
      symbol: style.get(study)!.symbol,
      tip: tip(
        p.series,
        `batch ${p.batch_size}: measured ${num(p.measured_throughput_img_s)}, predicted ${num(p.predicted)} img/s`,
        `error ${num(((p.predicted - p.measured_throughput_img_s) / p.measured_throughput_img_s) * 100, 3)} %`,
      ),
    };
  });
  const lo = Math.min(...data.flatMap((d) => [d.measured, d.simulated])) * 0.8;
  const hi = Math.max(...data.flatMap((d) => [d.measured, d.simulated])) * 1.25;
  const axis = (label: string, frame: Frame) => ({
    type: "log" as const,
    label,
    grid: true,
    domain: [lo, hi],
    ticks: logTicks(lo, hi, tickRoom(frame)),
    tickFormat: tickNumber,
  });
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Log-log scatter of predicted against measured throughput for ${data.length} points from ${studies.length} studies, each predicted by a fit that never saw it; points on the diagonal are exact predictions. ${report.byStudy
      .filter((s) => s.in_scope)
      .map((s) => `${s.key}: throughput MAPE ${s.mape_pct ?? "n/a"} %`)
      .join("; ")}.`,
    sources: o.sources,
    columns: [
      { key: "study", label: "study" },
      { key: "series", label: "series" },
      { key: "batch", label: "batch size" },
      { key: "measured", label: "measured img/s" },
      { key: "simulated", label: "predicted img/s (fit without this accelerator)" },
      { key: "error_pct", label: "error (%)" },
    ],
    rows: tableRows(data),
    legend: [
      ...studies.map((s) => ({ label: s, color: style.get(s)!.color, symbol: style.get(s)!.symbol })),
      { label: "exact prediction (diagonal)", color: NEUTRAL, line: "dashed" as const },
    ],
    plot: (frame: Frame) => ({
      ...margins(frame),
      height: frame.narrow ? 360 : 500,
      x: axis("Measured throughput (images/s) →", frame),
      y: axis("↑ Predicted throughput (images/s)", frame),
      marks: [
        Plot.line(
          [
            [lo, lo],
            [hi, hi],
          ],
          { stroke: NEUTRAL, strokeOpacity: 0.6, strokeDasharray: "5,3" },
        ),
        Plot.dot(data, {
          x: "measured",
          y: "simulated",
          fill: "color",
          symbol: "symbol",
          r: 3.5,
          fillOpacity: 0.85,
          title: "tip",
        }),
      ],
    }),
  };
}
