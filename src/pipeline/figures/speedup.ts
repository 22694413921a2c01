/** Speed-up of one execution setup over a baseline series at each batch size (e.g. AMP over FP32). */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";
import { batchAxis, FRAME, inlineLegend, PALETTE, round, withoutColor } from "./common.ts";

export interface SpeedupOptions {
  id: string;
  title: string;
  caption: string;
  sources: string[];
  /** Each pair: a series and the baseline it is divided by, at equal batch size. */
  pairs: { label: string; series: string; baseline: string }[];
}

export function speedupFigure(rows: CanonicalRow[], o: SpeedupOptions): FigureSpec {
  const thr = (series: string, batch: number) =>
    rows.find((r) => r.series === series && r.batch_size === batch && r.note === "")?.throughput_img_s ??
    null;
  const color = new Map(o.pairs.map((p, i) => [p.label, PALETTE[i % PALETTE.length]!]));
  const data = o.pairs.flatMap((p) => {
    const batches = rows
      .filter((r) => r.series === p.series && r.batch_size !== null && r.note === "")
      .map((r) => r.batch_size!);
    return batches.flatMap((b) => {
      const a = thr(p.series, b);
      const base = thr(p.baseline, b);
      return a && base
        ? [
            {
              pair: p.label,
              batch: b,
              speedup: round(a / base, 4)!,
              throughput: a,
              baseline_throughput: base,
              color: color.get(p.label)!,
            },
          ]
        : [];
    });
  });
  for (const p of o.pairs)
    if (!data.some((d) => d.pair === p.label))
      throw new MissingDataError(o.id, `no common batch sizes for ${p.series} / ${p.baseline}`);
  const range = (label: string) => {
    const xs = data.filter((d) => d.pair === label).map((d) => d.speedup);
    return `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×`;
  };
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Line chart of throughput speed-up against batch size (log scale); 1.0 means no change. ${o.pairs.map((p) => `${p.label}: ${range(p.label)}`).join("; ")}.`,
    sources: o.sources,
    columns: [
      { key: "pair", label: "comparison" },
      { key: "batch", label: "batch size" },
      { key: "throughput", label: "throughput (img/s)" },
      { key: "baseline_throughput", label: "baseline throughput (img/s)" },
      { key: "speedup", label: "speed-up (×)" },
    ],
    rows: withoutColor(data),
    plot: {
      ...FRAME,
      height: 400,
      x: batchAxis(),
      y: { label: "↑ Speed-up over the baseline (×)", grid: true, zero: true },
      marks: [
        Plot.ruleY([1], { stroke: "#888" }),
        Plot.line(data, { x: "batch", y: "speedup", z: "pair", stroke: "color", strokeWidth: 2 }),
        Plot.dot(data, { x: "batch", y: "speedup", fill: "color", r: 3 }),
        ...inlineLegend(
          o.pairs.map((p) => ({ label: p.label, color: color.get(p.label)! })),
          "top-left",
        ),
      ],
    },
  };
}
