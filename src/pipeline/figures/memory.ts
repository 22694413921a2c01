/** Weights against activation memory as the input grows (simulator): where activations overtake weights. */
import * as Plot from "@observablehq/plot";
import type { MemoryBreakdownRow } from "../simulate/sweep.ts";
import type { FigureSpec } from "./spec.ts";
import { MissingDataError } from "./spec.ts";
import { FRAME, inlineLegend, modelName, PALETTE, withoutColor } from "./common.ts";

const SERIES = [
  { key: "weightBytes", label: "weights (deployed, BN folded)" },
  { key: "largestActivationBytes", label: "largest single activation" },
  { key: "layerIoPeakBytes", label: "largest layer input + output (Flex Logix 'storage')" },
  { key: "peakActivationBytes", label: "peak working set (liveness, fused residuals)" },
] as const;

export function memoryFigure(
  rows: MemoryBreakdownRow[],
  o: {
    id: string;
    model: string;
    precision: "int8" | "fp16" | "fp32";
    title: string;
    caption: string;
    sources: string[];
  },
): FigureSpec {
  const own = rows
    .filter((r) => r.model === o.model && r.precision === o.precision)
    .sort((a, b) => a.megapixels - b.megapixels);
  if (own.length === 0) throw new MissingDataError(o.id, `no memory rows for ${o.model} ${o.precision}`);
  const data = own.flatMap((r) =>
    SERIES.map((s, i) => ({
      quantity: s.label,
      size: `${r.width}×${r.height}${r.letterboxed ? ` (run at ${r.usedWidth}×${r.usedHeight})` : ""}`,
      megapixels: r.megapixels,
      mb: Number((r[s.key] / 1e6).toPrecision(4)),
      color: PALETTE[i]!,
    })),
  );
  const crossing = own.find((r) => r.peakActivationBytes > r.weightBytes);
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt:
      `Log-log line chart of memory in MB against input size in megapixels for ${modelName(o.model)} at ${o.precision.toUpperCase()}, batch 1: ${SERIES.map((s) => s.label).join("; ")}. ` +
      `Weights stay at ${Number((own[0]!.weightBytes / 1e6).toPrecision(4))} MB; the peak working set ${crossing ? `exceeds the weights from ${crossing.width}×${crossing.height}` : "stays below the weights at every size shown"}.`,
    sources: o.sources,
    columns: [
      { key: "quantity", label: "quantity" },
      { key: "size", label: "input" },
      { key: "megapixels", label: "megapixels" },
      { key: "mb", label: "MB (10⁶ bytes)" },
    ],
    rows: withoutColor(data),
    plot: {
      ...FRAME,
      height: 420,
      x: {
        type: "log",
        label: "Input size (megapixels) →",
        grid: true,
        tickFormat: (d: number) => String(d),
      },
      y: { type: "log", label: "↑ Memory (MB, batch 1)", grid: true, tickFormat: (d: number) => String(d) },
      marks: [
        Plot.line(data, { x: "megapixels", y: "mb", z: "quantity", stroke: "color", strokeWidth: 2 }),
        Plot.dot(data, { x: "megapixels", y: "mb", fill: "color", r: 3 }),
        ...inlineLegend(
          SERIES.map((s, i) => ({ label: s.label, color: PALETTE[i]! })),
          "top-left",
        ),
      ],
    },
  };
}
