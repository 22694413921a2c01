/** Weights against activation memory as the input grows (simulator): where activations overtake weights. */
import * as Plot from "@observablehq/plot";
import type { MemoryBreakdownRow } from "../simulate/sweep.ts";
import type { FigureSpec } from "./spec.ts";
import { MissingDataError } from "./spec.ts";
import { margins, num, tableRows, tip, valueAxis, type Frame } from "./common.ts";
import { categorical, SYMBOLS } from "./palette.ts";
import { modelName } from "../labels.ts";

/**
 * Each quantity with its own colour, marker and dash. Lines are drawn in this order, the earlier ones
 * wider and lighter, so a quantity equal to a later one shows as a band around it, not hidden under it.
 */
const SERIES = [
  { key: "weightBytes", label: "weights (deployed, BN folded)", dash: undefined, width: 2 },
  { key: "largestActivationBytes", label: "largest single activation", dash: "2,3", width: 2 },
  {
    key: "layerIoPeakBytes",
    label: "largest layer input + output (Flex Logix 'storage')",
    dash: undefined,
    width: 6,
  },
  {
    key: "peakActivationBytes",
    label: "peak working set (liveness, fused residuals)",
    dash: undefined,
    width: 2,
  },
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
    SERIES.map((s, i) => {
      const size = `${r.width}×${r.height}${r.letterboxed ? ` (run at ${r.usedWidth}×${r.usedHeight})` : ""}`;
      const mb = Number((r[s.key] / 1e6).toPrecision(4));
      return {
        quantity: s.label,
        size,
        megapixels: r.megapixels,
        mb,
        color: categorical(i),
        symbol: SYMBOLS[i]!,
        tip: tip(s.label, `${size} (${num(r.megapixels, 3)} MP): ${num(mb)} MB`),
      };
    }),
  );
  const crossing = own.find((r) => r.peakActivationBytes > r.weightBytes);
  // Quantities equal at every size: said in words, as lines drawn on top of each other cannot show it.
  const same = SERIES.flatMap((a, i) =>
    SERIES.slice(i + 1)
      .filter((b) => own.every((r) => r[a.key] === r[b.key]))
      .map(
        (b) => `the ${a.label} equals the ${b.label} at every size (its wider, lighter line lies beneath)`,
      ),
  );
  return {
    id: o.id,
    title: o.title,
    caption: same.length ? `${o.caption} Here ${same.join("; ")}.` : o.caption,
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
    rows: tableRows(data),
    legend: SERIES.map((s, i) => ({
      label: s.label,
      color: categorical(i),
      line: s.dash ? ("dashed" as const) : ("solid" as const),
      ...(s.dash ? { dash: s.dash } : {}),
      symbol: SYMBOLS[i]!,
    })),
    plot: (frame: Frame) => ({
      ...margins(frame),
      height: frame.narrow ? 300 : 380,
      x: valueAxis(
        data.map((d) => d.megapixels),
        "Input size (megapixels) →",
        { frame },
      ),
      y: valueAxis(
        data.map((d) => d.mb),
        "↑ Memory at batch 1 (MB)",
        { frame },
      ),
      marks: [
        ...SERIES.map((s, i) =>
          Plot.line(
            data.filter((d) => d.quantity === s.label),
            {
              x: "megapixels",
              y: "mb",
              stroke: categorical(i),
              strokeWidth: s.width,
              strokeOpacity: s.width > 2 ? 0.45 : 1,
              ...(s.dash ? { strokeDasharray: s.dash } : {}),
            },
          ),
        ),
        Plot.dot(data, { x: "megapixels", y: "mb", fill: "color", symbol: "symbol", r: 3.5, title: "tip" }),
      ],
    }),
  };
}
