/** Throughput or latency against batch size for one accelerator and model: every measured series, plus simulated curves as a separate, dashed layer. */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import type { FigureSpec } from "./spec.ts";
import {
  batchAxis,
  FRAME,
  inlineLegend,
  modelName,
  modelSlug,
  PALETTE,
  round,
  seriesLabel,
  sourceRef,
  withoutColor,
} from "./common.ts";

export type BatchMetric = "throughput" | "latency";

const METRIC = {
  throughput: {
    field: "throughput_img_s",
    axis: "↑ Throughput (images/s)",
    word: "throughput",
    unit: "img/s",
  },
  latency: { field: "latency_ms", axis: "↑ Latency per batch (ms)", word: "latency per batch", unit: "ms" },
} as const;

export interface BatchScalingOptions {
  accelerator: { id: string; name: string };
  model: string;
  metric: BatchMetric;
  /** Study titles by id, for the caption. */
  studyTitles: Record<string, string>;
}

export function batchScalingFigure(rows: CanonicalRow[], o: BatchScalingOptions): FigureSpec | null {
  const m = METRIC[o.metric];
  const usable = rows.filter(
    (r) =>
      r.accelerator === o.accelerator.id &&
      r.model === o.model &&
      r.batch_size !== null &&
      r[m.field] !== null,
  );
  const measured = usable.filter((r) => r.kind === "measured");
  if (measured.length === 0) return null;
  // Only the simulated twins of the measured series shown (series "sim-<measured series>"), never the whole sweep.
  const twins = new Set(measured.map((r) => `sim-${r.series}`));
  const simulated = usable.filter((r) => r.kind === "simulated" && twins.has(r.series));
  // One line per series; simulated series share the palette but are dashed and say so in their label.
  const seriesIds = [...new Set(measured.map((r) => r.series)), ...new Set(simulated.map((r) => r.series))];
  const label = new Map<string, string>();
  for (const r of usable) {
    if (!label.has(r.series))
      label.set(
        r.series,
        r.kind === "simulated"
          ? `simulated: ${seriesLabel(r)}`
          : `${seriesLabel(r)} (${shortStudy(r.study)})`,
      );
  }
  const color = new Map(seriesIds.map((s, i) => [s, PALETTE[i % PALETTE.length]!]));
  const data = [...measured, ...simulated].map((r) => ({
    series: label.get(r.series)!,
    kind: r.kind,
    batch: r.batch_size!,
    value: round(r[m.field] as number, 6)!,
    color: color.get(r.series)!,
    source: sourceRef(r),
  }));
  const studies = [...new Set(measured.map((r) => r.study))];
  const accName = o.accelerator.name;
  const id = `fig-${o.metric}-${o.accelerator.id}-${modelSlug(o.model)}`;
  const title = `${modelName(o.model)} ${m.word} vs batch size on ${accName}`;
  const peak = Math.max(...measured.map((r) => r[m.field] as number));
  const sims =
    simulated.length > 0 ? " Dashed lines are the atlas simulator's predictions, not measurements." : "";
  const inputs = [...new Set(measured.map((r) => `${r.input_width}×${r.input_height}`))].join(", ");
  return {
    id,
    title,
    caption:
      `${capitalize(m.word)} of ${modelName(o.model)} at ${inputs} on ${accName}, one line per published series. ` +
      `Sources: ${studies.map((s) => o.studyTitles[s] ?? s).join("; ")}. ` +
      `Series differ in precision, framework and execution mode, so compare shapes within a series rather than absolute values across studies.${sims}`,
    alt:
      `Line chart of ${m.word} (${m.unit}) against batch size (log scale) for ${label.size} series on ${accName}. ` +
      `The highest measured value is ${round(peak, 4)} ${m.unit}. The data table below the chart lists every point.`,
    sources: studies,
    accelerator: o.accelerator.id,
    columns: [
      { key: "series", label: "series" },
      { key: "kind", label: "kind" },
      { key: "batch", label: "batch size" },
      { key: "value", label: `${m.word} (${m.unit})` },
      { key: "source", label: "source row" },
    ],
    rows: withoutColor(data),
    plot: {
      ...FRAME,
      height: 400,
      x: batchAxis(),
      y: { label: m.axis, grid: true, zero: o.metric === "throughput" },
      marks: [
        Plot.line(firstPerBatch(data.filter((d) => d.kind === "measured")), {
          x: "batch",
          y: "value",
          z: "series",
          stroke: "color",
          strokeWidth: 2,
        }),
        Plot.line(
          data.filter((d) => d.kind === "simulated"),
          { x: "batch", y: "value", z: "series", stroke: "color", strokeWidth: 1.5, strokeDasharray: "5,4" },
        ),
        Plot.dot(
          data.filter((d) => d.kind === "measured"),
          { x: "batch", y: "value", fill: "color", r: 3 },
        ),
        ...inlineLegend(
          seriesIds.map((s) => ({ label: label.get(s)!, color: color.get(s)!, dashed: s.startsWith("sim") })),
          o.metric === "throughput" ? "bottom-right" : "top-left",
        ),
      ],
    },
  };
}

/** Repeated runs at one batch (e.g. "32 (run 2)") are shown as dots; the line follows the first run. */
function firstPerBatch<T extends { series: string; batch: number }>(points: T[]): T[] {
  const seen = new Set<string>();
  return points.filter((p) => {
    const key = `${p.series}\u0000${p.batch}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const STUDY_SHORT: [RegExp, string][] = [
  // Before the TF1 rule: the 2019 tables share precision and execution with the 2020 ones, and equal
  // labels would merge two series into one line.
  [/^nvidia-dle-tf1-resnet50-2019$/, "NVIDIA DLE, TF1, 2019"],
  [/^nvidia-dle-tf1-/, "NVIDIA DLE, TF1"],
  [/^nvidia-dle-mxnet-/, "NVIDIA DLE, MXNet"],
  [/^nvidia-dle-paddle-/, "NVIDIA DLE, PaddlePaddle"],
  [/^nvidia-dle-triton-/, "NVIDIA DLE, Triton"],
  [/^nvidia-dle-pytorch-/, "NVIDIA DLE, PyTorch"],
  [/^mlperf-/, "MLPerf"],
  [/^graphcore-/, "Kacher et al."],
  [/^v100-p100-/, "Sridhar & Arumugam"],
];
function shortStudy(id: string): string {
  return STUDY_SHORT.find(([re]) => re.test(id))?.[1] ?? id;
}
function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
