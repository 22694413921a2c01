/**
 * The batch at which throughput reaches 90 % of its peak: measured against predicted, one point per
 * measured GPU series, each predicted by the fit that never saw the series' accelerator. The answer a
 * reader choosing a batch size acts on.
 */
import * as Plot from "@observablehq/plot";
import type { ValidationReport } from "../simulate/validate.ts";
import { FRAME, inlineLegend, PALETTE, withoutColor } from "./common.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";

export function batchAt90Figure(
  report: ValidationReport | null,
  o: { id: string; title: string; caption: string; sources: string[] },
): FigureSpec {
  if (!report) throw new MissingDataError(o.id, "the simulator did not run");
  const series = report.series.filter(
    (s) =>
      s.engine === "kernels" &&
      s.in_scope &&
      s.batch_at_90_measured !== null &&
      s.batch_at_90_predicted !== null,
  );
  if (series.length === 0) throw new MissingDataError(o.id, "no GPU series with enough batch sizes");
  const stacks = [...new Set(series.map((s) => s.stack))].sort();
  const color = new Map(stacks.map((s, i) => [s, PALETTE[i % PALETTE.length]!]));
  // Series sharing a (measured, predicted) pair are spread sideways so every point stays visible.
  const seen = new Map<string, number>();
  const data = series.map((s) => {
    const key = `${s.batch_at_90_measured}|${s.batch_at_90_predicted}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    return {
      series: s.series,
      stack: s.stack,
      measured: s.batch_at_90_measured!,
      predicted: s.batch_at_90_predicted!,
      // A tenth of a doubling to the right per repeat: visibly apart, still clearly at its batch size.
      shown: s.batch_at_90_measured! * 2 ** (k * 0.1),
      color: color.get(s.stack)!,
    };
  });
  const agree = data.filter((d) => d.measured === d.predicted).length;
  const within2 = data.filter(
    (d) => Math.max(d.measured / d.predicted, d.predicted / d.measured) <= 2,
  ).length;
  const values = data.flatMap((d) => [d.measured, d.predicted]);
  const domain: [number, number] = [Math.min(...values) / 1.5, Math.max(...values) * 1.5];
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Scatter of the batch size reaching 90 % of peak throughput, predicted against measured, for ${data.length} GPU series: ${agree} predicted exactly, ${within2} within a factor of two.`,
    sources: o.sources,
    columns: [
      { key: "series", label: "series" },
      { key: "stack", label: "stack" },
      { key: "measured", label: "measured batch at 90 %" },
      { key: "predicted", label: "predicted batch at 90 % (fit without this accelerator)" },
    ],
    rows: withoutColor(data).map(({ shown: _, ...r }) => r),
    plot: {
      ...FRAME,
      height: 420,
      x: {
        type: "log",
        base: 2,
        domain,
        label: "Measured batch at 90 % of peak →",
        tickFormat: (d: number) => String(d),
        grid: true,
      },
      y: {
        type: "log",
        base: 2,
        domain,
        label: "↑ Predicted batch at 90 % of peak",
        tickFormat: (d: number) => String(d),
        grid: true,
      },
      marks: [
        Plot.line(
          [
            [domain[0], domain[0]],
            [domain[1], domain[1]],
          ],
          { stroke: "#888", strokeDasharray: "4,3" },
        ),
        Plot.dot(data, {
          x: "shown",
          y: "predicted",
          fill: "color",
          r: 4,
          fillOpacity: 0.85,
        }),
        ...inlineLegend(
          stacks.map((s) => ({ label: s, color: color.get(s)! })),
          "top-left",
        ),
      ],
    },
  };
}
