/** On-chip memory a batch needs (weights + working set × batch) against each accelerator's SRAM (simulator + specs). */
import * as Plot from "@observablehq/plot";
import type { Accelerator } from "../schema.ts";
import type { MemoryBreakdownRow } from "../simulate/sweep.ts";
import type { FigureSpec } from "./spec.ts";
import { MissingDataError } from "./spec.ts";
import {
  batchAxis,
  dodge,
  logTicks,
  margins,
  num,
  tableRows,
  textWidth,
  tickNumber,
  tickRoom,
  tip,
  type Frame,
} from "./common.ts";
import { categorical, NEUTRAL, SYMBOLS } from "./palette.ts";
import { acceleratorShortName, modelName } from "../labels.ts";

export function sramFigure(
  rows: MemoryBreakdownRow[],
  accelerators: Accelerator[],
  o: {
    id: string;
    model: string;
    precision: "int8" | "fp16" | "fp32";
    sizes: { width: number; height: number }[];
    batches: number[];
    title: string;
    caption: string;
    sources: string[];
  },
): FigureSpec {
  const lines = o.sizes.map((s, i) => {
    const r = rows.find(
      (x) =>
        x.model === o.model && x.precision === o.precision && x.width === s.width && x.height === s.height,
    );
    if (!r) throw new MissingDataError(o.id, `no memory row for ${o.model} ${s.width}x${s.height}`);
    return {
      r,
      label: `${s.width}×${s.height}: weights + working set × batch`,
      color: categorical(i),
      symbol: SYMBOLS[i]!,
    };
  });
  const data = lines.flatMap(({ r, label, color, symbol }) =>
    o.batches.map((b) => {
      const mb = Number(((r.weightBytes + r.peakActivationBytes * b) / 1e6).toPrecision(4));
      return { series: label, batch: b, mb, color, symbol, tip: tip(label, `batch ${b}: ${num(mb)} MB`) };
    }),
  );
  // Accelerators with the same SRAM (the A100 variants) share one line and one label.
  const byValue = new Map<number, { names: string[]; derived: boolean }>();
  for (const a of accelerators) {
    const spec = a.specs.onchip_sram_mib;
    if (!spec) continue;
    const mb = Number(((spec.value * 1048576) / 1e6).toPrecision(4));
    const entry = byValue.get(mb) ?? { names: [], derived: false };
    entry.names.push(acceleratorShortName(a));
    entry.derived ||= spec.derived === true;
    byValue.set(mb, entry);
  }
  const srams = [...byValue]
    .map(([mb, e]) => ({ name: familyLabel(e.names), mb, derived: e.derived ? "derived" : "published" }))
    .sort((a, b) => a.mb - b.mb)
    .map((s) => ({ ...s, text: `${s.name} ${num(s.mb)} MB`, short: s.name }));
  const all = [...data.map((d) => d.mb), ...srams.map((s) => s.mb)];
  const lo = Math.min(...all) / 1.2;
  const hi = Math.max(...all) * 1.2;
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt:
      `Log-scale chart of the on-chip memory ${modelName(o.model)} needs at ${o.precision.toUpperCase()} to run a whole batch without touching DRAM, against batch size, for ${o.sizes.map((s) => `${s.width}×${s.height}`).join(" and ")}; ` +
      `dashed horizontal lines mark each accelerator's on-chip SRAM (${srams.map((s) => `${s.name} ${s.mb} MB`).join(", ")}).`,
    sources: o.sources,
    columns: [
      { key: "series", label: "series" },
      { key: "batch", label: "batch size" },
      { key: "mb", label: "MB needed on chip" },
    ],
    rows: [
      ...tableRows(data),
      ...srams.map((s) => ({ series: `SRAM of ${s.name} (${s.derived})`, batch: null, mb: s.mb })),
    ],
    legend: [
      ...lines.map((l) => ({ label: l.label, color: l.color, line: "solid" as const, symbol: l.symbol })),
      {
        label: "on-chip SRAM of an accelerator (labelled at the right)",
        color: NEUTRAL,
        line: "dashed" as const,
      },
    ],
    plot: (frame: Frame) => {
      // Narrow frames name the accelerator only; its MB is on the axis (and in the data table).
      const text = (s: (typeof srams)[number]) => (frame.narrow ? s.short : s.text);
      const m = margins(frame, { right: 12 + Math.max(...srams.map((s) => textWidth(text(s)))) });
      const height = frame.narrow ? 380 : 440;
      // Labels at the right end of their line, moved apart where lines are closer than a text line.
      const inner = height - m.marginTop - m.marginBottom;
      const pixel = (v: number) =>
        m.marginTop + ((Math.log(hi) - Math.log(v)) / (Math.log(hi) - Math.log(lo))) * inner;
      const placed = dodge(
        srams.map((s) => pixel(s.mb)),
        14,
      );
      const labels = srams.map((s, i) => ({ ...s, label: text(s), dy: placed[i]! - pixel(s.mb) }));
      return {
        ...m,
        height,
        x: batchAxis(o.batches, { ...frame, width: frame.width - m.marginRight }),
        y: {
          type: "log",
          label: "↑ On-chip memory needed (MB)",
          grid: true,
          domain: [lo, hi],
          ticks: logTicks(lo, hi, tickRoom(frame)),
          tickFormat: tickNumber,
        },
        marks: [
          Plot.ruleY(srams, { y: "mb", stroke: NEUTRAL, strokeOpacity: 0.55, strokeDasharray: "4,3" }),
          ...labels.map((d) =>
            Plot.text([d], {
              y: "mb",
              text: "label",
              frameAnchor: "right",
              dx: 6,
              dy: d.dy,
              textAnchor: "start",
              fill: "currentColor",
            }),
          ),
          Plot.line(data, { x: "batch", y: "mb", z: "series", stroke: "color", strokeWidth: 2 }),
          Plot.dot(data, { x: "batch", y: "mb", fill: "color", symbol: "symbol", r: 3.5, title: "tip" }),
        ],
      };
    },
  };
}

/** "A100 (3 variants)" for several accelerators with one SRAM size, else the short name. */
function familyLabel(names: string[]): string {
  if (names.length === 1) return names[0]!;
  const family = names[0]!.split(" ")[0]!;
  return names.every((n) => n.startsWith(family))
    ? `${family} (${names.length} variants)`
    : names.join(" / ");
}
