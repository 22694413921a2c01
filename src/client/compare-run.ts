/**
 * The compare page's series: measured points as the atlas normalized them, simulated ones from the
 * what-if run (same simulator, the accelerator's sweep stack, batches 1–256), then the chosen
 * normalization. Pure.
 */
import { modelName, PRECISION_NAMES } from "../site/format.ts";
import type { Precision } from "../pipeline/schema.ts";
import type { ExploreParams } from "./explore-params.ts";
import { runWhatIf } from "./whatif-run.ts";
import { describeStack } from "./whatif-view.ts";
import { defaultWhatIf } from "./whatif-state.ts";
import type { CompareState, Normalization, SeriesRef } from "./compare-state.ts";

export interface ComparedSeries {
  ref: SeriesRef;
  kind: "measured" | "simulated";
  label: string;
  /** Where the numbers come from, in words (study, framework, or simulator stack). */
  detail: string;
  /** Study page for measured series. */
  study: string | null;
  /** Throughput (img/s) per batch, as published or simulated. */
  raw: { batch: number; throughput: number }[];
  /** What the chart plots after normalization. */
  points: { batch: number; value: number }[];
  /** The throughput divided by, and at which batch (null: not normalized). */
  base: { throughput: number; batch: number } | null;
  /** Why the series shows nothing, if it does not. */
  problem: string | null;
}

const label = (acc: string, model: string, precision: string, w: number, h: number) =>
  `${acc} · ${modelName(model)} · ${PRECISION_NAMES[precision as Precision] ?? precision.toUpperCase()} · ${w}×${h}`;

function resolve(ref: SeriesRef, params: ExploreParams): Omit<ComparedSeries, "points" | "base"> {
  if (ref.kind === "measured") {
    const m = params.measured.find((x) => x.id === ref.id)!;
    return {
      ref,
      kind: "measured",
      label: `${label(m.acceleratorName, m.model, m.precision, m.width, m.height)} · ${m.execution}${m.devices > 1 ? ` · ${m.devices} devices` : ""}`,
      detail: `measured: ${m.studyTitle}; ${m.framework}`,
      study: m.study,
      raw: m.points.flatMap((p) =>
        p.throughput !== null ? [{ batch: p.batch, throughput: p.throughput }] : [],
      ),
      problem: m.points.some((p) => p.throughput !== null) ? null : "this series publishes no throughput",
    };
  }
  const acc = params.accelerators.find((a) => a.id === ref.accelerator)!;
  const outcome = runWhatIf(params, {
    ...defaultWhatIf(params),
    model: ref.model,
    width: ref.width,
    height: ref.height,
    precision: ref.precision,
    accelerator: ref.accelerator,
    stack: null,
    batchMin: 1,
    batchMax: 256,
    devices: 1,
  });
  const base = {
    ref,
    kind: "simulated" as const,
    label: `${label(acc.name, ref.model, ref.precision, ref.width, ref.height)} · simulated`,
    study: null,
  };
  if (!outcome.ok) return { ...base, detail: "simulated", raw: [], problem: outcome.error };
  const r = outcome.result;
  return {
    ...base,
    detail: `simulated: stack ${r.stackId}. ${describeStack(r.stack, ref.precision)}`,
    raw: r.points.flatMap((p) => (p.perf ? [{ batch: p.batch, throughput: p.perf.throughputImgS }] : [])),
    problem: r.best ? null : "no batch fits in device memory",
  };
}

function normalize(raw: ComparedSeries["raw"], norm: Normalization): Pick<ComparedSeries, "points" | "base"> {
  if (norm === "none" || raw.length === 0)
    return { points: raw.map((p) => ({ batch: p.batch, value: p.throughput })), base: null };
  const sorted = [...raw].sort((a, b) => a.batch - b.batch);
  // Batch 1 if published; otherwise the smallest batch, and the table says so.
  const base =
    norm === "batch1" ? sorted[0]! : sorted.reduce((a, b) => (b.throughput > a.throughput ? b : a));
  return {
    points: sorted.map((p) => ({ batch: p.batch, value: p.throughput / base.throughput })),
    base: { throughput: base.throughput, batch: base.batch },
  };
}

export function runCompare(params: ExploreParams, state: CompareState): ComparedSeries[] {
  return state.series.map((ref) => {
    const s = resolve(ref, params);
    return { ...s, ...normalize(s.raw, state.norm) };
  });
}
