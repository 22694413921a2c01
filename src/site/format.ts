/** Number and label formatting for pages: one place, so every table reads the same. */
import type { CanonicalRow, Precision } from "../pipeline/schema.ts";

// One formatter for the build: toLocaleString builds a new one per call, a measurable share of page rendering.
const NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });

/** Shows a number with up to `digits` significant digits, grouping thousands; "–" for missing. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return NUMBER.format(Number(x.toPrecision(digits)));
}

export function fmtPct(x: number | null | undefined): string {
  return x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)} %`;
}

export const PRECISION_LABEL: Record<Precision, string> = {
  fp32: "FP32",
  tf32: "TF32",
  fp16: "FP16",
  "mixed-fp16": "Mixed (FP16/FP32)",
  bf16: "BF16",
  int8: "INT8",
  unknown: "not stated",
};

export const MODEL_LABEL: Record<string, string> = {
  "resnet50_v1.5": "ResNet-50 v1.5",
  resnet50: "ResNet-50 (version not stated)",
  resnext101_32x4d: "ResNeXt101-32x4d",
  se_resnext101_32x4d: "SE-ResNeXt101-32x4d",
  yolov3: "YOLOv3",
};

export function modelLabel(id: string): string {
  return MODEL_LABEL[id] ?? id;
}

/** The fields of a row that were computed, not read (parsed from the row's `derived` column). */
export function derivedFields(row: CanonicalRow): Set<string> {
  return new Set(
    row.derived
      .split("; ")
      .filter(Boolean)
      .map((d) => d.slice(0, d.indexOf("="))),
  );
}
