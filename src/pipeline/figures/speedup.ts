/** Throughput of one series divided by a baseline series at equal batch size, for several pairs. */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";
import {
  batchAxis,
  margins,
  num,
  round,
  sourceRef,
  tableRows,
  tickNumber,
  tip,
  type Frame,
} from "./common.ts";
import { categorical, distinctColors, NEUTRAL, SYMBOLS } from "./palette.ts";

interface SpeedupOptions {
  id: string;
  title: string;
  caption: string;
  sources: string[];
  /** Each pair: a series and the baseline it is divided by, at equal batch size. */
  pairs: { label: string; series: string; baseline: string }[];
  /** Colour of each accelerator (palette.ts acceleratorColors); by order when absent. */
  colors?: Map<string, string>;
}

export function speedupFigure(rows: CanonicalRow[], o: SpeedupOptions): FigureSpec {
  const clean = rows.filter((r) => r.batch_size !== null && r.note === "");
  const rowAt = (series: string, batch: number) =>
    clean.find((r) => r.series === series && r.batch_size === batch && r.throughput_img_s);
  const accOf = (series: string) => clean.find((r) => r.series === series)?.accelerator ?? series;
  const accs = [...new Set(o.pairs.map((p) => accOf(p.series)))];
  const styled = distinctColors(
    o.pairs,
    (p) => o.colors?.get(accOf(p.series)) ?? categorical(accs.indexOf(accOf(p.series))),
  );
  const style = new Map(
    styled.map(({ entry, color, n }) => [entry.label, { color, symbol: SYMBOLS[n % SYMBOLS.length]! }]),
  );
  const data = o.pairs.flatMap((p) =>
    clean
      .filter((r) => r.series === p.series)
      .flatMap((r) => {
        const b = r.batch_size!;
        const row = rowAt(p.series, b);
        const baseRow = rowAt(p.baseline, b);
        if (!row || !baseRow) return [];
        const a = row.throughput_img_s!;
        const base = baseRow.throughput_img_s!;
        const speedup = round(a / base, 4)!;
        return [
          {
            pair: p.label,
            batch: b,
            throughput: a,
            baseline_throughput: base,
            speedup,
            // Each ratio names both rows it divides, so a reader of the download can trace it.
            source: sourceRef(row),
            baseline_source: sourceRef(baseRow),
            color: style.get(p.label)!.color,
            symbol: style.get(p.label)!.symbol,
            tip: tip(p.label, `batch ${b}: ${num(speedup, 3)}× (${num(a)} ÷ ${num(base)} img/s)`),
          },
        ];
      }),
  );
  for (const p of o.pairs)
    if (!data.some((d) => d.pair === p.label))
      throw new MissingDataError(o.id, `no common batch sizes for ${p.series} / ${p.baseline}`);
  const range = (label: string) => {
    const xs = data.filter((d) => d.pair === label).map((d) => d.speedup);
    return `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×`;
  };
  const hi = Math.max(...data.map((d) => d.speedup));
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
      { key: "source", label: "source row" },
      { key: "baseline_source", label: "baseline source row" },
    ],
    rows: tableRows(data),
    legend: [
      ...styled.map(({ entry, color, n }) => ({
        label: entry.label,
        color,
        line: "solid" as const,
        symbol: SYMBOLS[n % SYMBOLS.length]!,
      })),
      { label: "1× (no change)", color: NEUTRAL, line: "dashed" as const },
    ],
    plot: (frame: Frame) => ({
      ...margins(frame, { left: frame.narrow ? 40 : 50 }),
      height: frame.narrow ? 300 : 360,
      x: batchAxis(
        data.map((d) => d.batch),
        frame,
      ),
      y: {
        label: "↑ Speed-up over the baseline (×)",
        grid: true,
        domain: [0, Math.ceil(hi * 1.1 * 2) / 2],
        tickFormat: tickNumber,
      },
      marks: [
        Plot.ruleY([1], { stroke: NEUTRAL, strokeOpacity: 0.6, strokeDasharray: "5,3" }),
        Plot.line(data, { x: "batch", y: "speedup", z: "pair", stroke: "color", strokeWidth: 2 }),
        Plot.dot(data, { x: "batch", y: "speedup", fill: "color", symbol: "symbol", r: 3.5, title: "tip" }),
      ],
    }),
  };
}
