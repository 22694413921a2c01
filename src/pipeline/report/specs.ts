/**
 * Accelerator specifications as the simulator uses them: the accelerator file's, supplemented (and,
 * for the off-chip bandwidth, overridden) by data/simulator/accelerators.yaml. Pages and captions use
 * this to say which shown values rest on an assumed specification.
 */
import { SPEC_UNITS, type Accelerator, type Spec, type SpecKey } from "../schema.ts";
import type { SimAccelerator } from "../simulate/params.ts";
import { withUnit } from "../labels.ts";

export interface SimulatorSpecs {
  accelerator: string;
  /** Values missing from the accelerator file (a value there wins). */
  specs: Partial<Record<SpecKey, Spec>>;
  /** Values the simulator uses instead of the accelerator file's. */
  overrides: Partial<Record<SpecKey, Spec>>;
}

export function simulatorSpecs(accelerators: SimAccelerator[]): SimulatorSpecs[] {
  return accelerators.map((a) => ({
    accelerator: a.id,
    specs: a.specs ?? {},
    overrides: a.dram_bandwidth_gb_s ? { memory_bandwidth_gb_s: a.dram_bandwidth_gb_s } : {},
  }));
}

/** Specifications simulated throughput and latency rest on (power and price only feed img/s/W and cost). */
export const PERFORMANCE_SPECS: SpecKey[] = [
  "peak_fp64_tflops",
  "peak_fp32_tflops",
  "peak_tf32_tflops",
  "peak_fp16_tflops",
  "peak_bf16_tflops",
  "peak_int8_tops",
  "macs",
  "clock_ghz",
  "memory_gb",
  "memory_bandwidth_gb_s",
  "onchip_sram_mib",
];

export const SPEC_NAMES: Record<SpecKey, string> = {
  peak_fp64_tflops: "Peak FP64",
  peak_fp32_tflops: "Peak FP32",
  peak_tf32_tflops: "Peak TF32",
  peak_fp16_tflops: "Peak FP16",
  peak_bf16_tflops: "Peak BF16",
  peak_int8_tops: "Peak INT8",
  macs: "MAC units",
  clock_ghz: "Clock",
  memory_gb: "Memory",
  memory_bandwidth_gb_s: "Memory bandwidth",
  onchip_sram_mib: "On-chip SRAM",
  sm_count: "Streaming multiprocessors",
  l2_cache_mib: "L2 cache",
  tdp_w: "TDP",
  board_power_w: "Board power",
  price_usd_per_hour: "Price",
};

interface EffectiveSpec {
  key: SpecKey;
  spec: Spec;
  from: "accelerator file" | "simulator parameters";
}

/** The specifications the simulator uses for one accelerator, each with where it came from. */
export function effectiveSpecs(acc: Accelerator, sim: SimulatorSpecs | undefined): EffectiveSpec[] {
  const keys = new Set<SpecKey>([
    ...(Object.keys(acc.specs) as SpecKey[]),
    ...(Object.keys(sim?.specs ?? {}) as SpecKey[]),
    ...(Object.keys(sim?.overrides ?? {}) as SpecKey[]),
  ]);
  return [...keys].flatMap((key): EffectiveSpec[] => {
    const over = sim?.overrides[key];
    const own = acc.specs[key];
    const extra = sim?.specs[key];
    if (over) return [{ key, spec: over, from: "simulator parameters" }];
    if (own) return [{ key, spec: own, from: "accelerator file" }];
    return extra ? [{ key, spec: extra, from: "simulator parameters" }] : [];
  });
}

/** "board power 500 W", "TDP 70 W": the name lower-cased unless it starts with an acronym. */
export function specText(key: SpecKey, spec: Spec): string {
  const name = SPEC_NAMES[key];
  const lead = /^[A-Z][a-z]/.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name;
  return `${lead} ${withUnit(String(Number(spec.value.toPrecision(6))), SPEC_UNITS[key])}`;
}

/** Assumed specifications behind an accelerator's simulated values, in words; `keys` limits them to the ones a quantity uses. */
export function assumedSpecs(acc: Accelerator, sim: SimulatorSpecs | undefined, keys?: SpecKey[]): string[] {
  return effectiveSpecs(acc, sim)
    .filter(({ key, spec }) => spec.assumed && (!keys || keys.includes(key)))
    .map(
      ({ key, spec }) =>
        `${specText(key, spec)} (assumed${spec.note ? `: ${spec.note.trim().replace(/\.$/, "")}` : ""})`,
    );
}
