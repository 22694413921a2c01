/** Pieces shared by figure families: labels, colours, an in-SVG legend, the power-of-two batch axis. */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow, Precision } from "../schema.ts";

export const MODEL_NAMES: Record<string, string> = {
  "resnet50_v1.5": "ResNet-50 v1.5",
  resnet50: "ResNet-50 (version not stated)",
  resnext101_32x4d: "ResNeXt101-32x4d",
  se_resnext101_32x4d: "SE-ResNeXt101-32x4d",
  yolov3: "YOLOv3",
};
export const modelName = (id: string) => MODEL_NAMES[id] ?? id;

export const PRECISION_NAMES: Record<Precision, string> = {
  fp32: "FP32",
  tf32: "TF32",
  fp16: "FP16",
  "mixed-fp16": "mixed FP16",
  bf16: "BF16",
  int8: "INT8",
  unknown: "precision not stated",
};

/** A colour-blind-safe categorical palette (Okabe–Ito), fixed so colours do not shift between builds. */
export const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
  "#8C6D31",
];

/** "TF1 graph + XLA, mixed FP16 (DLE TF1)"-style label for a series. */
export function seriesLabel(r: CanonicalRow): string {
  const devices = r.devices > 1 ? `, ${r.devices} devices` : "";
  return `${PRECISION_NAMES[r.precision]}, ${r.execution}${devices}`;
}

/** Batch sizes are powers of two in almost every study: a log-2 axis spaces them evenly. */
export function batchAxis(label = "Batch size (images) →"): Plot.ScaleOptions {
  return { type: "log", base: 2, label, tickFormat: (d: number) => String(d), grid: true };
}

/** A legend drawn inside the SVG (so downloads keep it): one swatch and label per entry, top-left. */
export function inlineLegend(
  entries: { label: string; color: string; dashed?: boolean }[],
  anchor: "top-left" | "top-right" | "bottom-right" = "top-left",
  faceted = false,
): Plot.Markish[] {
  // In a faceted plot the legend is drawn once over the whole frame, not once per facet.
  const facet = faceted ? { facet: "super" as const } : {};
  const right = anchor !== "top-left";
  const bottom = anchor === "bottom-right";
  return entries.flatMap((e, i) => {
    const dy = bottom ? -8 - (entries.length - 1 - i) * 15 : 8 + i * 15;
    return [
      Plot.text([e.dashed ? "– – " : "——"], {
        frameAnchor: anchor,
        dx: right ? -8 : 8,
        dy,
        fill: e.color,
        fontWeight: "bold",
        textAnchor: right ? "end" : "start",
        ...facet,
      }),
      Plot.text([e.label], {
        frameAnchor: anchor,
        dx: right ? -40 : 40,
        dy,
        fill: "currentColor",
        textAnchor: right ? "end" : "start",
        ...facet,
      }),
    ];
  });
}

export const round = (x: number | null, digits = 4) => (x === null ? null : Number(x.toPrecision(digits)));

const MODEL_SLUGS: Record<string, string> = {
  "resnet50_v1.5": "resnet50",
  resnet50: "resnet50-unversioned",
  resnext101_32x4d: "resnext101",
  se_resnext101_32x4d: "se-resnext101",
  yolov3: "yolov3",
};
/** Short model name for figure ids (ids never contain dots or underscores). */
export const modelSlug = (id: string) => MODEL_SLUGS[id] ?? id.replace(/[^a-z0-9]+/g, "-");

/** Source cell for a figure's data table: `file:line` of the published row, or "simulator". */
export function sourceRef(r: CanonicalRow): string {
  if (r.kind === "simulated") return "simulator";
  const files = r.source_file.split(";");
  return files.map((f, i) => `${f}:${r.source_line.split(";")[i] ?? r.source_line}`).join("; ");
}

/** The frame every chart shares: one width so figures line up, margins that fit the axis labels. */
export const FRAME = { width: 720, marginLeft: 60, marginRight: 30, marginBottom: 40 } as const;

/** Table rows of a figure: the plotted points without the colour channel. */
export function withoutColor<T extends { color: string }>(points: T[]): Omit<T, "color">[] {
  return points.map(({ color: _c, ...rest }) => rest);
}
