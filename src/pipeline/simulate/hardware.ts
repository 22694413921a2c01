/**
 * An accelerator file plus the simulator's per-accelerator parameters → the numbers the cost model
 * uses. No hardware value is written here: every number comes from a spec, and every fallback rule
 * below is documented in docs/simulator.md ("Peak rates").
 */
import type { Accelerator, Spec, SpecKey } from "../schema.ts";
import type { MathPrecision } from "./accounting.ts";
import type { SimAccelerator } from "./params.ts";

/**
 * Spec keys tried in order for each math precision; a peak in (T)FLOPS or TOPS is 2 ops per MAC.
 * INT8 falls back to the FP16 rate (e.g. V100: no INT8 tensor cores, so INT8 inference runs no faster
 * than FP16); FP16 to BF16 and then FP32; TF32 to FP32. FP32 has no fallback: a device without an
 * FP32 peak (InferX X1) is not simulated at FP32.
 */
export const PEAK_CHAIN: Readonly<Record<MathPrecision, readonly SpecKey[]>> = {
  int8: ["peak_int8_tops", "peak_fp16_tflops", "peak_bf16_tflops"],
  fp16: ["peak_fp16_tflops", "peak_bf16_tflops", "peak_fp32_tflops"],
  bf16: ["peak_bf16_tflops", "peak_fp16_tflops", "peak_fp32_tflops"],
  tf32: ["peak_tf32_tflops", "peak_fp32_tflops"],
  fp32: ["peak_fp32_tflops"],
};

export interface Peak {
  macsPerSecond: number;
  /** The spec key used, e.g. `peak_fp16_tflops` (for an INT8 run on a V100). */
  spec: SpecKey;
}

export interface Device {
  id: string;
  name: string;
  /** The accelerator's kind: GPUs run the kernel model, everything else the layer roofline. */
  kind: Accelerator["kind"];
  /** Streaming multiprocessors and L2 bytes (GPUs; null when the files do not give them). */
  smCount: number | null;
  l2Bytes: number | null;
  peak: Partial<Record<MathPrecision, Peak>>;
  /** Off-chip bandwidth for weights and spilled activations, bytes/s. */
  dramBytesPerSecond: number;
  /** On-chip memory available to activations (and resident weights), bytes. */
  sramBytes: number;
  /** Device memory capacity, bytes; null when the files do not give one (no capacity check). */
  memoryBytes: number | null;
  weights: "stream" | "resident";
  powerW: number | null;
  priceUsdPerHour: number | null;
  /** Stack the sweep uses. */
  stack: string;
  /** Which specs came from data/simulator rather than the accelerator file. */
  supplemented: SpecKey[];
}

/** Why an accelerator cannot be simulated (e.g. no bandwidth in any file). */
interface DeviceProblem {
  id: string;
  reason: string;
}

const MIB = 2 ** 20;

/** Merges specs (the accelerator file wins) and applies the unit conversions. */
export function deviceFor(acc: Accelerator, sim: SimAccelerator | undefined): Device | DeviceProblem {
  const supplemented = (Object.keys(sim?.specs ?? {}) as SpecKey[]).filter((k) => acc.specs[k] === undefined);
  const specs: Partial<Record<SpecKey, Spec>> = { ...sim?.specs, ...acc.specs };
  const value = (k: SpecKey): number | null => specs[k]?.value ?? null;
  const peak: Device["peak"] = {};
  for (const p of Object.keys(PEAK_CHAIN) as MathPrecision[]) {
    const key = PEAK_CHAIN[p].find((k) => value(k) !== null);
    // Peaks are in TFLOPS/TOPS: ×1e12 ops/s, 2 ops per multiply-accumulate.
    if (key) peak[p] = { macsPerSecond: (value(key)! * 1e12) / 2, spec: key };
  }
  const bandwidth = sim?.dram_bandwidth_gb_s?.value ?? value("memory_bandwidth_gb_s");
  if (bandwidth === null)
    return {
      id: acc.id,
      reason:
        "no memory_bandwidth_gb_s in data/accelerators and no dram_bandwidth_gb_s in data/simulator/accelerators.yaml",
    };
  if (Object.keys(peak).length === 0)
    return { id: acc.id, reason: "no peak_*_tflops or peak_int8_tops spec" };
  return {
    id: acc.id,
    name: acc.name,
    kind: acc.kind,
    smCount: value("sm_count"),
    l2Bytes: value("l2_cache_mib") === null ? null : value("l2_cache_mib")! * MIB,
    peak,
    dramBytesPerSecond: bandwidth * 1e9,
    sramBytes: (value("onchip_sram_mib") ?? 0) * MIB,
    memoryBytes: value("memory_gb") === null ? null : value("memory_gb")! * 1e9,
    weights: sim?.weights ?? "stream",
    powerW: value("tdp_w") ?? value("board_power_w"),
    priceUsdPerHour: value("price_usd_per_hour"),
    stack: sim?.stack ?? "default",
    supplemented,
  };
}

export const isDevice = (d: Device | DeviceProblem): d is Device => "peak" in d;
