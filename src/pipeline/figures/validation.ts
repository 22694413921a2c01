/**
 * Predicted against measured throughput for every point, each predicted by a fit that never saw it:
 * GPU points by the fit without their accelerator (leave-one-accelerator-out), other accelerators'
 * points by the full fit where it was not made on them. How far to trust the simulator, per study.
 */
import * as Plot from "@observablehq/plot";
import type { ValidationReport } from "../simulate/validate.ts";
import type { FigureSpec } from "./spec.ts";
import { MissingDataError } from "./spec.ts";
import { FRAME, inlineLegend, PALETTE, withoutColor } from "./common.ts";

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
  const color = new Map(studies.map((s, i) => [s, PALETTE[i % PALETTE.length]!]));
  const data = points.map((p) => ({
    study: studyOf.get(p.series) ?? "?",
    series: p.series,
    batch: p.batch_size,
    measured: p.measured_throughput_img_s!,
    simulated: p.predicted,
    error_pct:
      Math.round(((p.predicted - p.measured_throughput_img_s) / p.measured_throughput_img_s) * 1e5) / 1e3,
    color: color.get(studyOf.get(p.series) ?? "?")!,
  }));
  const lo = Math.min(...data.flatMap((d) => [d.measured, d.simulated]));
  const hi = Math.max(...data.flatMap((d) => [d.measured, d.simulated]));
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Log-log scatter of simulated against measured throughput for ${data.length} held-out points from ${studies.length} studies; points on the diagonal are exact predictions. ${report.byStudy
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
    rows: withoutColor(data),
    plot: {
      ...FRAME,
      height: 520,
      x: {
        type: "log",
        label: "Measured throughput (images/s) →",
        grid: true,
        domain: [lo * 0.8, hi * 1.25],
        tickFormat: (d: number) => String(d),
      },
      y: {
        type: "log",
        label: "↑ Predicted throughput (images/s)",
        grid: true,
        domain: [lo * 0.8, hi * 1.25],
        tickFormat: (d: number) => String(d),
      },
      marks: [
        Plot.line(
          [
            [lo * 0.8, lo * 0.8],
            [hi * 1.25, hi * 1.25],
          ],
          { stroke: "#888", strokeDasharray: "4,3" },
        ),
        Plot.dot(data, { x: "measured", y: "simulated", fill: "color", r: 3, fillOpacity: 0.8 }),
        ...inlineLegend(
          studies.map((s) => ({ label: s, color: color.get(s)! })),
          "bottom-right",
        ),
      ],
    },
  };
}
