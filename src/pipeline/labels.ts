/**
 * The one place that names things for readers: models, precisions, frameworks, series, plurals and
 * units. Figures, pages and the explore pages' browser code all use it, so a series reads the same
 * everywhere (no Node imports here: the browser bundles this module).
 */
import type { Precision } from "./schema.ts";

/**
 * The registry of model ids: a study's table (or MLPerf import) may name only these, so a typo
 * ("resnet-50") is an error rather than a new model with figure ids of its own (figure ids are
 * permanent once released). A new model is added here, with the name readers see.
 */
const MODEL_NAMES: Record<string, string> = {
  "resnet50_v1.5": "ResNet-50 v1.5",
  resnet50: "ResNet-50 (version not stated)",
  resnext101_32x4d: "ResNeXt101-32x4d",
  se_resnext101_32x4d: "SE-ResNeXt101-32x4d",
  yolov3: "YOLOv3",
  retinanet_resnext50_32x4d_fpn: "RetinaNet (ResNeXt-50 32x4d FPN)",
};
export const modelName = (id: string): string => MODEL_NAMES[id] ?? id;
export const MODEL_IDS: readonly string[] = Object.keys(MODEL_NAMES);

const MODEL_SLUGS: Record<string, string> = {
  "resnet50_v1.5": "resnet50",
  resnet50: "resnet50-unversioned",
  resnext101_32x4d: "resnext101",
  se_resnext101_32x4d: "se-resnext101",
  yolov3: "yolov3",
};
/** Short model name for figure ids (ids never contain dots or underscores). */
const figureModelSlug = (id: string): string => MODEL_SLUGS[id] ?? id.replace(/[^a-z0-9]+/g, "-");

/** The permanent id of a measured-data figure of one metric, accelerator and model (`fig-throughput-t4-resnet50`). */
export const seriesFigureId = (metric: string, accelerator: string, model: string): string =>
  `fig-${metric}-${accelerator}-${figureModelSlug(model)}`;

export const PRECISION_NAMES: Record<Precision, string> = {
  fp32: "FP32",
  tf32: "TF32",
  fp16: "FP16",
  "mixed-fp16": "mixed FP16",
  bf16: "BF16",
  int8: "INT8",
  unknown: "precision not stated",
};
/** A precision as readers see it; simulator math modes ("int8", "fp16") read the same. */
export const precisionName = (p: string): string => PRECISION_NAMES[p as Precision] ?? p.toUpperCase();

/**
 * The framework as a short name: the text before the first comma or semicolon, "TensorFlow 1" as
 * "TF1" and without a trailing version number ("TensorRT 7.2" → "TensorRT").
 */
export function frameworkShort(framework: string): string {
  const head = (framework.split(/[,;(]/)[0] ?? framework).trim();
  const tf = /^TensorFlow\s+(\d+)/i.exec(head);
  if (tf) return `TF${tf[1]}`;
  return head.replace(/\s+v?\d[\w.+-]*$/, "") || framework;
}

/**
 * The framework up to its first comma or semicolon outside parentheses: "PopART (Poplar SDK 1.0.136)"
 * for "PopART (Poplar SDK 1.0.136), PyTorch model exported to ONNX"; "PyTorch 2.11.0+cu130 (CUDA 13.0,
 * cuDNN 9.19.0)" stays whole rather than being cut open inside its parentheses.
 */
export function frameworkHead(framework: string): string {
  let depth = 0;
  for (let i = 0; i < framework.length; i++) {
    const c = framework[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if ((c === "," || c === ";") && depth === 0) return framework.slice(0, i).trim() || framework;
  }
  return framework.trim() || framework;
}

/** The execution mode without its parenthesised explanation, for panel titles. */
export const executionHead = (execution: string): string =>
  execution.replace(/\s*\([^()]*\)/g, "").trim() || execution;

/** What identifies a series for a reader (a subset of a canonical row). */
export interface SeriesMeta {
  series: string;
  study: string;
  precision: string;
  framework: string;
  execution: string;
  devices: number;
  input_width: number;
  input_height: number;
  kind: "measured" | "simulated" | "claim";
}

/** "608×608": the input a series was measured at. */
export const inputSize = (s: Pick<SeriesMeta, "input_width" | "input_height">): string =>
  `${s.input_width}×${s.input_height}`;

/** "mixed FP16, TF1 graph + XLA" (", 2 devices" when several): precision and how the network ran. */
function seriesLabel(s: Pick<SeriesMeta, "precision" | "execution" | "devices">): string {
  const devices = s.devices > 1 ? `, ${s.devices} devices` : "";
  return `${precisionName(s.precision)}, ${s.execution}${devices}`;
}

/**
 * Labels for the series of one figure, unique and as short as that allows: precision and execution,
 * then the framework, then the study where two series would still read the same. Simulated twins
 * are labelled by the series they simulate ("simulated, FP16, TF1 graph"); `twinOf` names it.
 */
export function uniqueSeriesLabels(
  series: SeriesMeta[],
  twinOf: (s: SeriesMeta) => SeriesMeta | undefined = () => undefined,
): Map<string, string> {
  const own = series.filter((s) => !twinOf(s));
  // The input and the framework name a series only where the figure's series differ in them.
  const varies = (f: (s: SeriesMeta) => string) => new Set(own.map(f)).size > 1;
  const inputVaries = varies(inputSize);
  const frameworkVaries = varies((s) => frameworkShort(s.framework));
  const input = (s: SeriesMeta) => (inputVaries ? `, ${inputSize(s)}` : "");
  const framework = (s: SeriesMeta) => (frameworkVaries ? `, ${frameworkShort(s.framework)}` : "");
  // The shortest step whose label no other series shares; the last (the series id) always is.
  const steps: ((s: SeriesMeta) => string)[] = [
    (s) => seriesLabel(s),
    (s) => `${seriesLabel(s)}${input(s)}`,
    (s) => `${seriesLabel(s)}${framework(s)}`,
    (s) => `${seriesLabel(s)}${input(s)}${framework(s)}`,
    (s) => `${seriesLabel(s)}${input(s)}${framework(s)} (${s.study})`,
    (s) => `${seriesLabel(s)} (${s.series})`,
  ];
  const labels = new Map<string, string>();
  for (const s of own) {
    for (const step of steps) {
      const label = step(s);
      if (own.filter((o) => step(o) === label).length === 1 || step === steps[steps.length - 1]) {
        labels.set(s.series, s.kind === "simulated" ? `simulated, ${label}` : label);
        break;
      }
    }
  }
  for (const s of series) {
    const of = twinOf(s);
    if (of) labels.set(s.series, `simulated, ${labels.get(of.series) ?? seriesLabel(of)}`);
  }
  return labels;
}

const KIND_NAMES: Record<string, string> = {
  gpu: "GPU",
  ipu: "IPU",
  dla: "inference accelerator",
  cpu: "CPU (no accelerator)",
  fpga: "FPGA",
  other: "other",
};
/** An accelerator's kind (accelerator files' `kind`) as readers see it. */
export const kindName = (kind: string): string => KIND_NAMES[kind] ?? kind;

/** "1 point", "2 points"; `plural` for irregular words. */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? word : plural}`;
}

/** A value and its unit with a space ("15.7 TFLOPS"), as SI and the report's style guide write them. */
export const withUnit = (value: string, unit: string): string => (unit ? `${value} ${unit}` : value);

/** An accelerator's name without its vendor (and NVIDIA's "Tesla"), for legends ("NVIDIA Tesla T4" → "T4"). */
export function acceleratorShortName(a: { name: string; vendor: string }): string {
  const own = a.name.startsWith(`${a.vendor} `) ? a.name.slice(a.vendor.length + 1) : a.name;
  return own.replace(/^Tesla\s+/, "");
}
