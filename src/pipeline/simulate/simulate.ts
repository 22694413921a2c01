/**
 * One batch on one accelerator under one software stack, whichever model applies (docs/simulator.md):
 * GPUs with an SM count run the kernel model (gpu-model.ts) under a GPU stack; every other accelerator,
 * or a GPU under a roofline stack, runs the layer roofline (performance.ts). The sweep, the simulated
 * twins, the CLI and the what-if explorer all call this, so they agree to the digit.
 */
import { BYTES_PER_ELEMENT, type MathPrecision } from "./accounting.ts";
import {
  kernelCosts,
  passTiming,
  slotEfficiencies,
  type GpuSpecs,
  type KernelBound,
  type KernelParams,
  type StackCosts,
} from "./gpu-model.ts";
import type { Device } from "./hardware.ts";
import { lowerToKernels, type FusionStyle, type Kernel } from "./kernels.ts";
import type { FusionPolicy } from "./liveness.ts";
import { DEFAULT_FUSION_POLICY } from "./liveness.ts";
import { isFeasible, simulateBatch, type Infeasible, type StackParams } from "./performance.ts";
import type { ModelProfile } from "./profile.ts";

/** A GPU stack with every parameter resolved (from the fit or its priors). */
export interface KernelStackModel {
  engine: "kernels";
  id: string;
  fusion: FusionStyle;
  /** Casts weights on every pass under mixed precision (PyTorch autocast). */
  ampWeightCasts: boolean;
  costs: StackCosts;
  kernel: KernelParams;
  /** Where the values came from, in words. */
  source: string;
}

/** A roofline stack with its efficiency and fixed costs. */
export interface RooflineStackModel {
  engine: "roofline";
  id: string;
  params: StackParams;
  source: string;
}

export type StackModel = KernelStackModel | RooflineStackModel;

export interface BatchResult {
  batch: number;
  devices: number;
  latencyMs: number;
  throughputImgS: number;
  engine: StackModel["engine"];
  /** Σ compute and Σ memory time of layers (roofline) or kernels (GPU); they overlap per layer/kernel. */
  computeMs: number;
  memoryMs: number;
  /** GPU: host time to issue the pass and the device's busy time; null for the roofline. */
  hostMs: number | null;
  deviceMs: number | null;
  /** Layers or kernels set by compute, by memory, or (GPU, eager) waiting for the host. */
  bound: Record<KernelBound, number>;
  /** Roofline only: DRAM traffic and activation spills (null for GPUs, whose caches the model does not track). */
  weightDramBytes: number | null;
  activationDramBytes: number | null;
  spilledTensors: number | null;
}

export const isBatchResult = (r: BatchResult | Infeasible): r is BatchResult => "latencyMs" in r;

/** The kernel model's view of a device, or null when it lacks what the model needs. */
export function gpuSpecsOf(device: Device): GpuSpecs | null {
  if (device.kind !== "gpu" || device.smCount === null) return null;
  const macsPerSecond: GpuSpecs["macsPerSecond"] = {};
  for (const [p, peak] of Object.entries(device.peak))
    macsPerSecond[p as MathPrecision] = peak!.macsPerSecond;
  return {
    smCount: device.smCount,
    l2Bytes: device.l2Bytes ?? 0,
    dramBytesPerSecond: device.dramBytesPerSecond,
    macsPerSecond,
  };
}

const kernelCache = new Map<string, Kernel[]>();

/** The kernels a stack launches for a model at an input size (memoized). */
export function kernelsFor(profile: ModelProfile, fusion: FusionStyle, casts: boolean): Kernel[] {
  const key = `${profile.model}|${profile.input.usedWidth}x${profile.input.usedHeight}|${fusion}|${casts}`;
  let kernels = kernelCache.get(key);
  if (!kernels) {
    kernels = lowerToKernels(profile.graph, fusion, casts);
    kernelCache.set(key, kernels);
  }
  return kernels;
}

interface SimulateOptions {
  /** Devices running the batch data-parallel (each runs ⌈batch / devices⌉ images). */
  devices?: number;
  /** The storage precision is mixed FP16 (FP32 weights cast on every pass by stacks that do so). */
  mixed?: boolean;
  /** Fusion policy of the roofline's working set and of the memory-capacity check. */
  policy?: FusionPolicy;
}

/** Latency and throughput of one batch, or why it cannot run (no peak, does not fit in memory, no SM count). */
export function simulateWith(
  profile: ModelProfile,
  device: Device,
  precision: MathPrecision,
  stack: StackModel,
  batch: number,
  options: SimulateOptions = {},
): BatchResult | Infeasible {
  const devices = options.devices ?? 1;
  const policy = options.policy ?? DEFAULT_FUSION_POLICY;
  const perf = profile.perf(policy);
  if (stack.engine === "roofline") {
    const r = simulateBatch(perf, device, precision, stack.params, batch, devices);
    if (!isFeasible(r)) return r;
    return {
      batch,
      devices,
      latencyMs: r.latencyMs,
      throughputImgS: r.throughputImgS,
      engine: "roofline",
      computeMs: r.computeMs,
      memoryMs: r.memoryMs,
      hostMs: null,
      deviceMs: null,
      bound: { compute: r.layers - r.memoryBoundLayers, memory: r.memoryBoundLayers, host: 0 },
      weightDramBytes: r.weightDramBytes,
      activationDramBytes: r.activationDramBytes,
      spilledTensors: r.spilledTensors,
    };
  }
  const gpu = gpuSpecsOf(device);
  if (!gpu) return { batch, reason: `${device.id} has no SM count, which the GPU kernel model needs` };
  if (!device.peak[precision]) return { batch, reason: `${device.id} has no ${precision} peak` };
  const n = Math.ceil(batch / devices);
  const bytes = BYTES_PER_ELEMENT[precision];
  if (
    device.memoryBytes !== null &&
    perf.totalWeightElements * bytes + perf.peakWorkingSet * n * bytes > device.memoryBytes
  )
    return {
      batch,
      reason: `weights + working set exceed the ${device.memoryBytes / 1e9} GB of device memory`,
    };
  const kernels = kernelsFor(profile, stack.fusion, stack.ampWeightCasts && options.mixed === true);
  const costs = kernelCosts(kernels, gpu, precision, n);
  if (!costs) return { batch, reason: `${device.id} has no ${precision} peak` };
  const t = passTiming(costs, slotEfficiencies(stack.kernel), gpu, stack.kernel, stack.costs, true);
  const list = t.kernels!;
  const bound: Record<KernelBound, number> = { compute: 0, memory: 0, host: 0 };
  for (const k of list) bound[k.bound]++;
  const latencyMs = t.latencySeconds * 1e3;
  return {
    batch,
    devices,
    latencyMs,
    throughputImgS: (batch / latencyMs) * 1e3,
    engine: "kernels",
    computeMs: list.reduce((s, k) => s + k.computeSeconds, 0) * 1e3,
    memoryMs: list.reduce((s, k) => s + k.memorySeconds, 0) * 1e3,
    hostMs: t.hostSeconds * 1e3,
    deviceMs: t.deviceSeconds * 1e3,
    bound,
    weightDramBytes: null,
    activationDramBytes: null,
    spilledTensors: null,
  };
}

/**
 * Per kernel of one batch (GPU stacks): name, time and what bound it, for `--layers`. Null for roofline
 * stacks, whose per-layer view is the layer table.
 */
export function kernelBreakdown(
  profile: ModelProfile,
  device: Device,
  precision: MathPrecision,
  stack: StackModel,
  batch: number,
  options: SimulateOptions = {},
): { name: string; ms: number; computeMs: number; memoryMs: number; bound: KernelBound }[] | null {
  if (stack.engine !== "kernels") return null;
  const gpu = gpuSpecsOf(device);
  if (!gpu) return null;
  const kernels = kernelsFor(profile, stack.fusion, stack.ampWeightCasts && options.mixed === true);
  const costs = kernelCosts(kernels, gpu, precision, Math.ceil(batch / (options.devices ?? 1)));
  if (!costs) return null;
  const t = passTiming(costs, slotEfficiencies(stack.kernel), gpu, stack.kernel, stack.costs, true);
  return t.kernels!.map((k, i) => ({
    name: kernels[i]!.name,
    ms: k.seconds * 1e3,
    computeMs: k.computeSeconds * 1e3,
    memoryMs: k.memorySeconds * 1e3,
    bound: k.bound,
  }));
}

/** The smallest batch whose throughput reaches `fraction` of the best among `points` (the one definition). */
export function smallestBatchAtFraction(
  points: readonly { batch: number; throughputImgS: number }[],
  fraction = 0.9,
): number | null {
  const best = Math.max(0, ...points.map((r) => r.throughputImgS));
  const sorted = [...points].sort((a, b) => a.batch - b.batch);
  return sorted.find((r) => r.throughputImgS >= fraction * best)?.batch ?? null;
}
