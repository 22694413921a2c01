/** Fraction of each series' own peak throughput against batch: how early each architecture saturates. */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";
import { batchAxis, FRAME, inlineLegend, PALETTE, round, sourceRef, withoutColor } from "./common.ts";

export interface PeakFractionOptions {
  id: string;
  title: string;
  /** Series to show, with the label each gets. */
  series: { id: string; label: string }[];
  /** Claims drawn as open markers (never joined to measured lines). */
  claims: { label: string; batch: number; fraction: number; source: string }[];
  /** Reference level drawn as a rule, e.g. 0.9. */
  threshold: number;
  /** Divide by the throughput at this batch instead of the series' peak, and show batches up to it. */
  referenceBatch?: number;
  caption: string;
  sources: string[];
}

export function peakFractionFigure(rows: CanonicalRow[], o: PeakFractionOptions): FigureSpec {
  const color = new Map(o.series.map((s, i) => [s.id, PALETTE[i % PALETTE.length]!]));
  const data = o.series.flatMap((s) => {
    const own = rows.filter(
      (r) =>
        r.series === s.id &&
        r.kind === "measured" &&
        r.batch_size !== null &&
        r.throughput_img_s !== null &&
        r.note === "",
    );
    const ref =
      o.referenceBatch === undefined
        ? null
        : own.find((r) => r.batch_size === o.referenceBatch)?.throughput_img_s;
    if (ref === undefined) throw new MissingDataError(o.id, `${s.id} has no batch ${o.referenceBatch}`);
    return own
      .filter((r) => o.referenceBatch === undefined || r.batch_size! <= o.referenceBatch)
      .map((r) => ({
        series: s.label,
        kind: "measured",
        batch: r.batch_size!,
        fraction: round(ref === null ? r.fraction_of_peak : r.throughput_img_s! / ref, 4)!,
        color: color.get(s.id)!,
        source: sourceRef(r),
      }));
  });
  const yLabel =
    o.referenceBatch === undefined
      ? "↑ Throughput as a fraction of the series' peak"
      : `↑ Throughput relative to batch ${o.referenceBatch}`;
  const missing = o.series.filter((s) => !data.some((d) => d.series === s.label));
  if (missing.length)
    throw new MissingDataError(o.id, `no measured rows for ${missing.map((m) => m.id).join(", ")}`);
  const claimData = o.claims.map((c) => ({
    series: c.label,
    kind: "claim",
    batch: c.batch,
    fraction: c.fraction,
    color: "#000000",
    source: c.source,
  }));
  const first = (label: string) => data.find((d) => d.series === label && d.fraction >= o.threshold)?.batch;
  const summary = o.series
    .map((s) => `${s.label} first reaches ${o.threshold * 100} % at batch ${first(s.label) ?? "never"}`)
    .join("; ");
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Line chart of throughput as a fraction of ${o.referenceBatch === undefined ? "each series' own peak" : `its throughput at batch ${o.referenceBatch}`} against batch size (log scale). ${summary}. ${o.claims.map((c) => `${c.label}: ${c.fraction * 100} % at batch ${c.batch}, shown as an open marker`).join(". ")}.`,
    sources: o.sources,
    columns: [
      { key: "series", label: "series" },
      { key: "kind", label: "kind" },
      { key: "batch", label: "batch size" },
      {
        key: "fraction",
        label:
          o.referenceBatch === undefined
            ? "fraction of series peak"
            : `fraction of batch ${o.referenceBatch}`,
      },
      { key: "source", label: "source" },
    ],
    rows: withoutColor([...data, ...claimData]),
    plot: {
      ...FRAME,
      height: 420,
      x: batchAxis(),
      y: {
        label: yLabel,
        domain: [0, 1.05],
        grid: true,
        tickFormat: (d: number) => `${Math.round(d * 100)}%`,
      },
      marks: [
        Plot.ruleY([o.threshold], { stroke: "#888", strokeDasharray: "2,3" }),
        Plot.line(data, { x: "batch", y: "fraction", z: "series", stroke: "color", strokeWidth: 2 }),
        Plot.dot(data, { x: "batch", y: "fraction", fill: "color", r: 3 }),
        Plot.dot(claimData, {
          x: "batch",
          y: "fraction",
          stroke: "currentColor",
          r: 7,
          strokeWidth: 2,
          symbol: "diamond",
        }),
        Plot.text(claimData, {
          x: "batch",
          y: "fraction",
          text: "series",
          dx: 10,
          textAnchor: "start",
          dy: -10,
        }),
        ...inlineLegend(
          o.series.map((s) => ({ label: s.label, color: color.get(s.id)! })),
          "bottom-right",
        ),
      ],
    },
  };
}
