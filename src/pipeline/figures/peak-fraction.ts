/** Fraction of each series' own peak (or of its throughput at a reference batch) against batch: how early each architecture saturates. */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";
import { batchAxis, margins, num, round, sourceRef, tableRows, tip, type Frame } from "./common.ts";
import { categorical, distinctColors, NEUTRAL, SYMBOLS } from "./palette.ts";

interface PeakFractionOptions {
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
  /** Colour of each accelerator (palette.ts acceleratorColors); by order when absent. */
  colors?: Map<string, string>;
}

export function peakFractionFigure(rows: CanonicalRow[], o: PeakFractionOptions): FigureSpec {
  const own = new Map(
    o.series.map((s) => [
      s.id,
      rows.filter(
        (r) =>
          r.series === s.id &&
          r.kind === "measured" &&
          r.batch_size !== null &&
          r.throughput_img_s !== null &&
          r.note === "",
      ),
    ]),
  );
  const missing = o.series.filter((s) => own.get(s.id)!.length === 0);
  if (missing.length)
    throw new MissingDataError(o.id, `no measured rows for ${missing.map((m) => m.id).join(", ")}`);
  const styled = distinctColors(o.series, (s) => {
    const acc = own.get(s.id)![0]!.accelerator;
    return (
      o.colors?.get(acc) ?? categorical(o.series.findIndex((x) => own.get(x.id)![0]!.accelerator === acc))
    );
  });
  const style = new Map(
    styled.map(({ entry, color, n }) => [entry.id, { color, symbol: SYMBOLS[n % SYMBOLS.length]! }]),
  );
  const data = o.series.flatMap((s) => {
    const mine = own.get(s.id)!;
    const ref =
      o.referenceBatch === undefined
        ? null
        : mine.find((r) => r.batch_size === o.referenceBatch)?.throughput_img_s;
    if (ref === undefined) throw new MissingDataError(o.id, `${s.id} has no batch ${o.referenceBatch}`);
    return mine
      .filter((r) => o.referenceBatch === undefined || r.batch_size! <= o.referenceBatch)
      .map((r) => {
        const fraction = round(ref === null ? r.fraction_of_peak : r.throughput_img_s! / ref, 4)!;
        return {
          series: s.label,
          kind: "measured",
          batch: r.batch_size!,
          fraction,
          source: sourceRef(r),
          color: style.get(s.id)!.color,
          symbol: style.get(s.id)!.symbol,
          tip: tip(
            s.label,
            `batch ${r.batch_size}: ${num(fraction * 100, 3)} % (${num(r.throughput_img_s!)} img/s)`,
          ),
        };
      });
  });
  const claimData = o.claims.map((c) => ({
    series: c.label,
    kind: "claim",
    batch: c.batch,
    fraction: c.fraction,
    source: c.source,
    tip: tip(c.label, `batch ${c.batch}: ${num(c.fraction * 100, 3)} % (a claim, no published numbers)`),
  }));
  const reference =
    o.referenceBatch === undefined ? "the series' peak" : `its throughput at batch ${o.referenceBatch}`;
  const first = (label: string) => data.find((d) => d.series === label && d.fraction >= o.threshold)?.batch;
  const summary = o.series
    .map((s) => `${s.label} first reaches ${o.threshold * 100} % at batch ${first(s.label) ?? "never"}`)
    .join("; ");
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Line chart of throughput as a fraction of ${o.referenceBatch === undefined ? "each series' own peak" : `its throughput at batch ${o.referenceBatch}`} against batch size (log scale). ${summary}. ${o.claims.map((c) => `${c.label}: ${num(c.fraction * 100, 3)} % at batch ${c.batch}, shown as an open marker`).join(". ")}.`,
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
    rows: tableRows([...data, ...claimData]),
    legend: [
      ...styled.map(({ entry, color, n }) => ({
        label: entry.label,
        color,
        line: "solid" as const,
        symbol: SYMBOLS[n % SYMBOLS.length]!,
      })),
      ...o.claims.map((c) => ({ label: c.label, color: NEUTRAL, symbol: "diamond" as const, hollow: true })),
      { label: `${o.threshold * 100} % of ${reference}`, color: NEUTRAL, line: "dashed" as const },
    ],
    plot: (frame: Frame) => ({
      ...margins(frame, { left: frame.narrow ? 44 : 54 }),
      height: frame.narrow ? 300 : 360,
      x: batchAxis(
        [...data, ...claimData].map((d) => d.batch),
        frame,
      ),
      y: {
        label: `↑ Throughput relative to ${reference} (%)`,
        domain: [0, 1.05],
        grid: true,
        tickFormat: (d: number) => `${Math.round(d * 100)}`,
      },
      marks: [
        Plot.ruleY([o.threshold], { stroke: NEUTRAL, strokeOpacity: 0.6, strokeDasharray: "5,3" }),
        Plot.line(data, { x: "batch", y: "fraction", z: "series", stroke: "color", strokeWidth: 2 }),
        Plot.dot(data, { x: "batch", y: "fraction", fill: "color", symbol: "symbol", r: 3.5, title: "tip" }),
        Plot.dot(claimData, {
          x: "batch",
          y: "fraction",
          stroke: NEUTRAL,
          fill: "var(--chart-bg, white)",
          r: 7,
          strokeWidth: 2,
          symbol: "diamond",
          title: "tip",
        }),
      ],
    }),
  };
}
