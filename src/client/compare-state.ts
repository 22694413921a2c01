/**
 * The compare page's state and its URL form: two to six series, each a measured series of a study or
 * a simulated one (accelerator × model × precision × input), and how throughput is normalized.
 * `?s=m~dle-tf1-rn50-t4-amp&s=s~t4~resnet50_v1.5~224x224~fp16&norm=peak`. Pure.
 */
import type { MathPrecision } from "../pipeline/simulate/accounting.ts";
import type { ModelId } from "../pipeline/simulate/models/index.ts";
import type { ExploreParams } from "./explore-params.ts";
import type { Parsed } from "./whatif-state.ts";

export type SeriesRef =
  | { kind: "measured"; id: string }
  | {
      kind: "simulated";
      accelerator: string;
      model: ModelId;
      width: number;
      height: number;
      precision: MathPrecision;
    };

export const NORMALIZATIONS = ["none", "batch1", "peak"] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

export interface CompareState {
  series: SeriesRef[];
  norm: Normalization;
}

export const MAX_SERIES = 6;
export const MIN_SERIES = 2;

export function refKey(r: SeriesRef): string {
  return r.kind === "measured"
    ? `m~${r.id}`
    : `s~${r.accelerator}~${r.model}~${r.width}x${r.height}~${r.precision}`;
}

/** A reference if it names something this build has, else null. */
export function parseRef(text: string, params: ExploreParams): SeriesRef | null {
  const parts = text.split("~");
  if (parts[0] === "m" && parts.length === 2)
    return params.measured.some((m) => m.id === parts[1]) ? { kind: "measured", id: parts[1]! } : null;
  if (parts[0] !== "s" || parts.length !== 5) return null;
  const [, accelerator, model, size, precision] = parts as [string, string, string, string, string];
  const acc = params.accelerators.find((a) => a.id === accelerator);
  const m = /^(\d{2,4})x(\d{2,4})$/.exec(size);
  if (
    !acc ||
    !m ||
    !params.models.some((x) => x.id === model) ||
    !acc.device.peak[precision as MathPrecision]
  )
    return null;
  const [width, height] = [Number(m[1]), Number(m[2])];
  if (width < 32 || height < 32) return null;
  return {
    kind: "simulated",
    accelerator,
    model: model as ModelId,
    width,
    height,
    precision: precision as MathPrecision,
  };
}

/**
 * Batch scaling of ResNet-50 at 224² across architectures: two published GPU series and the
 * simulator's IPU and MN-Core 2, each normalized to its own peak, so where each saturates shows.
 */
export function defaultCompare(params: ExploreParams): CompareState {
  const wanted = [
    "m~dle-tf1-rn50-t4-amp",
    "m~dle-tf1-rn50-a100-40gb-amp",
    "s~graphcore-gc2~resnet50_v1.5~224x224~fp16",
    "s~mn-core-2~resnet50_v1.5~224x224~fp16",
  ];
  let series = wanted.map((w) => parseRef(w, params)).filter((r): r is SeriesRef => r !== null);
  // A build without those (a fixture) compares whatever it has.
  if (series.length < MIN_SERIES) {
    const measured = params.measured
      .filter((m) => m.points.length > 1)
      .map((m): SeriesRef => ({ kind: "measured", id: m.id }));
    const simulated = params.accelerators.flatMap((a) =>
      a.device.peak.fp16
        ? [
            {
              kind: "simulated",
              accelerator: a.id,
              model: "resnet50_v1.5",
              width: 224,
              height: 224,
              precision: "fp16",
            } as SeriesRef,
          ]
        : [],
    );
    series = [...series, ...measured, ...simulated].slice(0, 4);
  }
  return { series, norm: "peak" };
}

export function parseCompare(query: string, params: ExploreParams): Parsed<CompareState> {
  const q = new URLSearchParams(query);
  const d = defaultCompare(params);
  const problems: string[] = [];
  const refs: SeriesRef[] = [];
  for (const text of q.getAll("s")) {
    const r = parseRef(text, params);
    if (!r) problems.push(`s=${text} ignored: no such series in this build`);
    else if (refs.some((x) => refKey(x) === refKey(r))) problems.push(`s=${text} ignored: given twice`);
    else if (refs.length >= MAX_SERIES) problems.push(`s=${text} ignored: at most ${MAX_SERIES} series`);
    else refs.push(r);
  }
  const normText = q.get("norm");
  let norm = d.norm;
  if (normText !== null) {
    if ((NORMALIZATIONS as readonly string[]).includes(normText)) norm = normText as Normalization;
    else problems.push(`norm=${normText} ignored: expected ${NORMALIZATIONS.join(", ")}`);
  }
  return { state: { series: q.has("s") && refs.length ? refs : d.series, norm }, problems };
}

export function compareQuery(s: CompareState): string {
  return `?${[...s.series.map((r) => `s=${encodeURIComponent(refKey(r))}`), `norm=${s.norm}`].join("&")}`;
}
