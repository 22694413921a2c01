/** On-chip memory a batch needs (weights + working set × batch) against each accelerator's SRAM (simulator + specs). */
import * as Plot from "@observablehq/plot";
import type { Accelerator } from "../schema.ts";
import type { MemoryBreakdownRow } from "../simulate/sweep.ts";
import type { FigureSpec } from "./spec.ts";
import { MissingDataError } from "./spec.ts";
import { PALETTE, batchAxis, inlineLegend, modelName } from "./common.ts";

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
    return { r, label: `${s.width}×${s.height}: weights + working set × batch`, color: PALETTE[i]! };
  });
  const data = lines.flatMap(({ r, label, color }) =>
    o.batches.map((b) => ({
      series: label,
      batch: b,
      mb: Number(((r.weightBytes + r.peakActivationBytes * b) / 1e6).toPrecision(4)),
      color,
    })),
  );
  // Accelerators with the same SRAM (the A100 variants) share one line and one label.
  const byValue = new Map<number, { names: string[]; derived: boolean }>();
  for (const a of accelerators) {
    const spec = a.specs.onchip_sram_mib;
    if (!spec) continue;
    const mb = Number(((spec.value * 1048576) / 1e6).toPrecision(4));
    const entry = byValue.get(mb) ?? { names: [], derived: false };
    entry.names.push(shortName(a.name));
    entry.derived ||= spec.derived === true;
    byValue.set(mb, entry);
  }
  const sorted = [...byValue]
    .map(([mb, e]) => ({ name: familyLabel(e.names), mb, derived: e.derived ? "derived" : "published" }))
    .sort((a, b) => a.mb - b.mb);
  // Labels of lines closer than ~12 % would overlap on the log axis: nudge the upper one up.
  const srams = sorted.map((s, i) => ({ ...s, dy: i > 0 && s.mb / sorted[i - 1]!.mb < 1.12 ? -7 : 0 }));
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt:
      `Log-scale chart of the on-chip memory ${modelName(o.model)} needs at ${o.precision.toUpperCase()} to run a whole batch without touching DRAM, against batch size, for ${o.sizes.map((s) => `${s.width}×${s.height}`).join(" and ")}; ` +
      `grey horizontal lines mark each accelerator's on-chip SRAM (${srams.map((s) => `${s.name} ${s.mb} MB`).join(", ")}).`,
    sources: o.sources,
    columns: [
      { key: "series", label: "series" },
      { key: "batch", label: "batch size" },
      { key: "mb", label: "MB needed on chip" },
    ],
    rows: [
      ...data.map(({ color: _c, ...rest }) => rest),
      ...srams.map((s) => ({ series: `SRAM of ${s.name} (${s.derived})`, batch: null, mb: s.mb })),
    ],
    plot: {
      width: 720,
      height: 460,
      marginLeft: 60,
      marginRight: 200,
      marginBottom: 40,
      x: batchAxis(),
      y: {
        type: "log",
        label: "↑ On-chip memory needed (MB)",
        grid: true,
        tickFormat: (d: number) => String(d),
      },
      marks: [
        Plot.ruleY(srams, { y: "mb", stroke: "#999", strokeDasharray: "3,3" }),
        ...srams.map((d) =>
          Plot.text([d], {
            y: "mb",
            text: () => `${d.name} ${d.mb} MB`,
            frameAnchor: "right",
            dx: 4,
            dy: d.dy,
            textAnchor: "start",
            fill: "#666",
            fontSize: 9,
          }),
        ),
        Plot.line(data, { x: "batch", y: "mb", z: "series", stroke: "color", strokeWidth: 2 }),
        Plot.dot(data, { x: "batch", y: "mb", fill: "color", r: 3 }),
        ...inlineLegend(
          lines.map((l) => ({ label: l.label, color: l.color })),
          "top-left",
        ),
      ],
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

function shortName(name: string): string {
  return name
    .replace(/^(NVIDIA|Tesla|Preferred Networks|Flex Logix|Graphcore)\s+/g, "")
    .replace(/^Tesla\s+/, "");
}
