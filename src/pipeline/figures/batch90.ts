/**
 * The batch at which throughput reaches 90 % of its peak: measured against predicted, one point per
 * measured GPU series, each predicted by the fit that never saw the series' accelerator. The answer a
 * reader choosing a batch size acts on.
 */
import * as Plot from "@observablehq/plot";
import type { ValidationReport } from "../simulate/validate.ts";
import { margins, tableRows, tickNumber, tip, type Frame } from "./common.ts";
import { categorical, NEUTRAL, SYMBOLS } from "./palette.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";

export function batchAt90Figure(
  report: ValidationReport | null,
  studyOf: Map<string, string>,
  o: { id: string; title: string; caption: string },
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
  const style = new Map(
    stacks.map((s, i) => [s, { color: categorical(i), symbol: SYMBOLS[i % SYMBOLS.length]! }]),
  );
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
      color: style.get(s.stack)!.color,
      symbol: style.get(s.stack)!.symbol,
      tip: tip(
        s.series,
        `batch at 90 %: measured ${s.batch_at_90_measured}, predicted ${s.batch_at_90_predicted}`,
      ),
    };
  });
  const agree = data.filter((d) => d.measured === d.predicted).length;
  const within2 = data.filter(
    (d) => Math.max(d.measured / d.predicted, d.predicted / d.measured) <= 2,
  ).length;
  const values = data.flatMap((d) => [d.measured, d.predicted]);
  const lo = Math.min(...values) / 1.5;
  const hi = Math.max(...values) * 1.5;
  const ticks = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096].filter((t) => t >= lo && t <= hi);
  const axis = (label: string) => ({
    type: "log" as const,
    base: 2,
    domain: [lo, hi],
    label,
    ticks,
    tickFormat: tickNumber,
    grid: true,
  });
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Scatter of the batch size reaching 90 % of peak throughput, predicted against measured, for ${data.length} GPU series: ${agree} predicted exactly, ${within2} within a factor of two.`,
    // The studies of the series drawn, and only those (the validation's roofline points are not here).
    sources: [
      ...new Set(
        series.map((s) => {
          const study = studyOf.get(s.series);
          if (study === undefined) throw new Error(`${o.id}: series ${s.series} has no measured rows`);
          return study;
        }),
      ),
    ].sort(),
    columns: [
      { key: "series", label: "series" },
      { key: "stack", label: "stack" },
      { key: "measured", label: "measured batch at 90 %" },
      { key: "predicted", label: "predicted batch at 90 % (fit without this accelerator)" },
    ],
    rows: tableRows(data).map(({ shown: _, ...r }) => r),
    legend: [
      ...stacks.map((s) => ({ label: s, color: style.get(s)!.color, symbol: style.get(s)!.symbol })),
      { label: "exact prediction (diagonal)", color: NEUTRAL, line: "dashed" as const },
    ],
    plot: (frame: Frame) => ({
      ...margins(frame),
      height: frame.narrow ? 320 : 420,
      x: axis("Measured batch at 90 % of peak (images) →"),
      y: axis("↑ Predicted batch at 90 % of peak (images)"),
      marks: [
        Plot.line(
          [
            [lo, lo],
            [hi, hi],
          ],
          { stroke: NEUTRAL, strokeOpacity: 0.6, strokeDasharray: "5,3" },
        ),
        Plot.dot(data, {
          x: "shown",
          y: "predicted",
          fill: "color",
          symbol: "symbol",
          r: 4,
          fillOpacity: 0.85,
          title: "tip",
        }),
      ],
    }),
  };
}
