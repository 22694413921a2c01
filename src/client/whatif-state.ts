/**
 * The what-if page's state and its URL form. The query string holds the whole state, so a link
 * reproduces the view; values that do not parse are replaced by defaults and reported.
 * Pure: also used at build time to render the default view.
 */
import type { MathPrecision } from "../pipeline/simulate/accounting.ts";
import type { FusionPolicy } from "../pipeline/simulate/liveness.ts";
import type { ModelId } from "../pipeline/simulate/models/index.ts";
import type { ExploreParams } from "./explore-params.ts";

/** The reader's own chip: what a datasheet gives, plus the software-stack values the model needs. */
export interface CustomSpecs {
  /** Peak at the chosen precision, TOPS (INT8) or TFLOPS. */
  peakT: number;
  /** Off-chip bandwidth, GB/s (10⁹ bytes/s). */
  bandwidthGBs: number;
  /** On-chip SRAM, MiB (2²⁰ bytes), as accelerator files give it. */
  sramMiB: number;
  /** Device memory, GB; null: no capacity check. */
  memoryGB: number | null;
  /** Fraction of peak reached (η), 0–1. */
  efficiency: number;
  /** Fixed cost per batch, ms. */
  overheadMs: number;
  /** Minimum time per layer, ms. */
  layerFloorMs: number;
  weights: "stream" | "resident";
}

export interface WhatIfState {
  model: ModelId;
  width: number;
  height: number;
  precision: MathPrecision;
  /** An accelerator id from the atlas, or `custom`. */
  accelerator: string;
  /** Software stack; null: the one the atlas's sweep uses for this accelerator. */
  stack: string | null;
  batchMin: number;
  batchMax: number;
  /** Devices running the batch data-parallel (a Graphcore C2 card is 2). */
  devices: number;
  policy: FusionPolicy;
  custom: CustomSpecs;
}

export const CUSTOM = "custom";
/** Batch sizes offered: powers of two (the CLI's 90 %-of-peak search uses 1…256). */
export const BATCH_CHOICES: readonly number[] = Array.from({ length: 13 }, (_, i) => 2 ** i);
export const SIZE_LIMITS = { min: 32, max: 8192 } as const;

export const DEFAULT_CUSTOM: CustomSpecs = {
  peakT: 32,
  bandwidthGBs: 25.6,
  sramMiB: 32,
  memoryGB: null,
  efficiency: 0.5,
  overheadMs: 0.1,
  layerFloorMs: 0,
  weights: "stream",
};

/** ResNet-50 at 224² in FP16 on a T4: a configuration with published measurements to compare against. */
export function defaultWhatIf(params: ExploreParams): WhatIfState {
  const acc = params.accelerators.find((a) => a.id === "t4") ?? params.accelerators[0];
  return {
    model: "resnet50_v1.5",
    width: 224,
    height: 224,
    precision: acc && !acc.device.peak.fp16 ? (Object.keys(acc.device.peak)[0] as MathPrecision) : "fp16",
    accelerator: acc?.id ?? CUSTOM,
    stack: null,
    batchMin: 1,
    batchMax: 256,
    devices: 1,
    policy: params.defaultPolicy,
    custom: { ...DEFAULT_CUSTOM },
  };
}

/** Query-string keys of the custom specs, in URL order. */
const CUSTOM_KEYS = [
  ["peak", "peakT"],
  ["bw", "bandwidthGBs"],
  ["sram", "sramMiB"],
  ["mem", "memoryGB"],
  ["eff", "efficiency"],
  ["ovh", "overheadMs"],
  ["floor", "layerFloorMs"],
] as const satisfies readonly (readonly [string, keyof CustomSpecs])[];

/** Limits of each custom number: [min, max]; `min` exclusive for those that must be positive. */
const CUSTOM_LIMITS: Record<
  (typeof CUSTOM_KEYS)[number][1],
  { min: number; max: number; positive: boolean }
> = {
  peakT: { min: 0, max: 1e5, positive: true },
  bandwidthGBs: { min: 0, max: 1e5, positive: true },
  sramMiB: { min: 0, max: 1e6, positive: false },
  memoryGB: { min: 0, max: 1e5, positive: true },
  efficiency: { min: 0, max: 1, positive: true },
  overheadMs: { min: 0, max: 1e4, positive: false },
  layerFloorMs: { min: 0, max: 1e3, positive: false },
};

/** The custom specs that are numbers. */
export type CustomNumber = keyof typeof CUSTOM_LIMITS;

/** A custom value in range, or why not. */
export function checkCustom(key: CustomNumber, value: number): string | null {
  const l = CUSTOM_LIMITS[key];
  if (!Number.isFinite(value)) return "must be a number";
  if (l.positive ? value <= l.min : value < l.min)
    return l.positive ? "must be greater than 0" : "must be 0 or more";
  if (value > l.max) return `must be at most ${l.max}`;
  return null;
}

export interface Parsed<T> {
  state: T;
  /** One sentence per ignored parameter, e.g. `w=abc ignored: a whole number from 32 to 8192`. */
  problems: string[];
}

export function parseWhatIf(query: string, params: ExploreParams): Parsed<WhatIfState> {
  const q = new URLSearchParams(query);
  const d = defaultWhatIf(params);
  const problems: string[] = [];
  const pick = <T>(key: string, ok: (v: string) => T | null, fallback: T, expected: string): T => {
    const v = q.get(key);
    if (v === null || v === "") return fallback;
    const parsed = ok(v);
    if (parsed === null) {
      problems.push(`${key}=${v} ignored: expected ${expected}`);
      return fallback;
    }
    return parsed;
  };
  const int = (min: number, max: number) => (v: string) =>
    /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? Number(v) : null;
  const oneOf =
    <T extends string>(list: readonly T[]) =>
    (v: string) =>
      list.includes(v as T) ? (v as T) : null;
  const batch = (v: string) => (/^\d+$/.test(v) && BATCH_CHOICES.includes(Number(v)) ? Number(v) : null);
  const accIds = [...params.accelerators.map((a) => a.id), CUSTOM];
  const state: WhatIfState = {
    model: pick(
      "model",
      oneOf(params.models.map((m) => m.id)),
      d.model,
      params.models.map((m) => m.id).join(", "),
    ),
    width: pick(
      "w",
      int(SIZE_LIMITS.min, SIZE_LIMITS.max),
      d.width,
      `a whole number from ${SIZE_LIMITS.min} to ${SIZE_LIMITS.max}`,
    ),
    height: pick(
      "h",
      int(SIZE_LIMITS.min, SIZE_LIMITS.max),
      d.height,
      `a whole number from ${SIZE_LIMITS.min} to ${SIZE_LIMITS.max}`,
    ),
    precision: pick("p", oneOf(params.precisions), d.precision, params.precisions.join(", ")),
    accelerator: pick("acc", oneOf(accIds), d.accelerator, accIds.join(", ")),
    stack: pick<string | null>("stack", oneOf(params.stacks.map((s) => s.id)), null, "a stack id"),
    batchMin: pick("bmin", batch, d.batchMin, "a power of two up to 4096"),
    batchMax: pick("bmax", batch, d.batchMax, "a power of two up to 4096"),
    devices: pick("dev", int(1, 64), d.devices, "a whole number from 1 to 64"),
    policy: pick("policy", oneOf(params.policies), d.policy, params.policies.join(", ")),
    custom: { ...d.custom },
  };
  if (state.batchMin > state.batchMax) {
    problems.push(`bmin=${state.batchMin} is above bmax=${state.batchMax}: swapped`);
    [state.batchMin, state.batchMax] = [state.batchMax, state.batchMin];
  }
  if (state.accelerator === CUSTOM) {
    for (const [key, field] of CUSTOM_KEYS) {
      const v = q.get(key);
      if (v === null || v === "") continue;
      const n = Number(v);
      const why = checkCustom(field, n);
      if (why) problems.push(`${key}=${v} ignored: ${why}`);
      else state.custom[field] = n;
    }
    state.custom.weights = pick(
      "wts",
      oneOf(["stream", "resident"] as const),
      d.custom.weights,
      "stream or resident",
    );
  }
  return { state, problems };
}

/** The query string (with `?`) for a state; parameters at their defaults are left out where optional. */
export function whatIfQuery(s: WhatIfState, params: ExploreParams): string {
  const parts: [string, string | number][] = [
    ["model", s.model],
    ["w", s.width],
    ["h", s.height],
    ["p", s.precision],
    ["acc", s.accelerator],
  ];
  if (s.stack !== null && s.accelerator !== CUSTOM) parts.push(["stack", s.stack]);
  parts.push(["bmin", s.batchMin], ["bmax", s.batchMax]);
  if (s.devices !== 1) parts.push(["dev", s.devices]);
  if (s.policy !== params.defaultPolicy) parts.push(["policy", s.policy]);
  if (s.accelerator === CUSTOM) {
    for (const [key, field] of CUSTOM_KEYS) {
      const v = s.custom[field];
      if (v !== null) parts.push([key, v]);
    }
    if (s.custom.weights !== "stream") parts.push(["wts", s.custom.weights]);
  }
  return `?${parts.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join("&")}`;
}

/** Batches simulated: every power of two from batchMin to batchMax. */
export const batchesOf = (s: WhatIfState): number[] =>
  BATCH_CHOICES.filter((b) => b >= s.batchMin && b <= s.batchMax);
