/**
 * The GPU performance model (docs/simulator.md, "GPU kernel model"): kernel times from tile and wave
 * quantization and bytes moved, and a batch's latency from the host and device timelines running
 * side by side.
 *
 * Compute: a GEMM is cut into output tiles (Tm × Tn, Tn at least the tensor-core minimum), each SM
 * runs one tile at a time, so a kernel takes ⌈tiles / SMs⌉ waves of Tm·Tn·K MACs at the SM's share of
 * peak, divided by the achievable efficiency of its (precision class, op class). When a kernel has
 * fewer tiles than SMs, K is split across SMs (split-K) as GPU libraries do.
 * Memory: weights, activations read and written, over DRAM bandwidth × memory efficiency; an input
 * the previous kernel just wrote is read from L2 when it fits in half of it.
 * Kernel time = max(compute, memory) ÷ the stack's device speed + a per-kernel gap on the device.
 * Timeline: eager stacks issue kernel i at (i + 1) × host cost per kernel, and the device starts it no
 * earlier; replayed stacks (CUDA graphs, TensorRT engines) issue the whole pass at once. A fixed host
 * cost per batch comes first. Latency = per-batch cost + the device's finish time.
 */
import { BYTES_PER_ELEMENT, type MathPrecision } from "./accounting.ts";
import type { Kernel, OpClass } from "./kernels.ts";

/** Precision classes with their own efficiency: SIMT FP32, TF32, FP16/BF16 tensor cores, INT8. */
export const PRECISION_CLASSES = ["fp32", "tf32", "fp16", "int8"] as const;
export type PrecisionClass = (typeof PRECISION_CLASSES)[number];

export const precisionClassOf = (p: MathPrecision): PrecisionClass => (p === "bf16" ? "fp16" : p);

export interface GpuSpecs {
  smCount: number;
  l2Bytes: number;
  dramBytesPerSecond: number;
  /** MACs per second per math precision (dense), as `deviceFor` resolves them. */
  macsPerSecond: Partial<Record<MathPrecision, number>>;
}

/** Parameters shared by every GPU and stack (fitted, docs/simulator.md "The fit"). */
export interface KernelParams {
  /** Achievable fraction of peak of a dense k×k convolution tile, per precision class. */
  efficiency: Record<PrecisionClass, number>;
  /** Efficiency of the other op classes relative to a dense k×k convolution. */
  opFactor: Record<Exclude<OpClass, "conv-kxk" | "memory">, number>;
  /** Achieved fraction of DRAM bandwidth. */
  memoryEfficiency: number;
}

export type LaunchMode = "eager" | "replay";

/** What a software stack costs (per stack, fitted where published data exist). */
export interface StackCosts {
  launch: LaunchMode;
  /**
   * Speed of the stack's kernels relative to the shared efficiencies (its libraries, algorithm choices
   * and tensor layouts): every kernel's compute-or-memory time is divided by it.
   */
  deviceSpeed: number;
  /** Device time between two of the stack's kernels (launch latency, ramp-up, tail), µs. */
  kernelGapUs: number;
  /** Host time to dispatch one kernel (eager), µs. */
  perKernelUs: number;
  /** Host time per batch (feeding the batch, the launch of a replayed graph, synchronizing), ms. */
  perBatchMs: number;
}

/**
 * Narrowest output tile (N) a kernel uses: tensor-core MMA instructions produce 8 columns at a time
 * (PTX ISA, mma.sync shapes m16n8k8/k16/k32); CUDA-core FP32 kernels are assumed to give a warp 32 columns.
 */
const MIN_TILE_N: Record<PrecisionClass, number> = { fp32: 32, tf32: 8, fp16: 8, int8: 8 };
const MAX_TILE = 128;
/** Smallest K slice split-K hands one SM (a few tensor-core K steps). */
const MIN_SPLIT_K = 128;

const pow2AtLeast = (x: number, lo: number): number => {
  let p = lo;
  while (p < x && p < MAX_TILE) p *= 2;
  return p;
};

/** One schedule of a GEMM: tiles of Tm × Tn, one per SM at a time, the reduction split s ways. */
function scheduleCost(m: number, n: number, k: number, groups: number, smCount: number, minTileN: number) {
  const tm = pow2AtLeast(m, 16);
  const tn = pow2AtLeast(n, minTileN);
  const tiles = groups * Math.ceil(m / tm) * Math.ceil(n / tn);
  let best = { macs: Infinity, waves: 0, splitK: 1, tiles };
  for (let s = 1; s <= Math.max(1, Math.floor(smCount / tiles)); s++) {
    const waves = Math.ceil((tiles * s) / smCount);
    // MACs one SM performs: a tile's rows × columns × its K slice, once per wave.
    const macs = waves * Math.max(Math.ceil(k / s), Math.min(k, MIN_SPLIT_K)) * tm * tn;
    if (macs < best.macs) best = { macs, waves, splitK: s, tiles };
  }
  return best;
}

type Schedule = ReturnType<typeof scheduleCost> & { parts: number };

/**
 * Schedules already found, by GEMM shape and SM count. A network repeats its block shapes, precisions
 * share tile widths and GPUs share SM counts, so the sweep asks for the same shape many times; the
 * search below costs up to a few hundred schedule evaluations. Cleared when large (memory stays bounded).
 */
const schedules = new Map<string, Schedule>();
const MAX_SCHEDULES = 200_000;

function bestSchedule(m: number, n: number, k: number, groups: number, smCount: number, minTileN: number) {
  const key = `${m},${n},${k},${groups},${smCount},${minTileN}`;
  const known = schedules.get(key);
  if (known) return known;
  let best: Schedule = { ...scheduleCost(m, n, k, groups, smCount, minTileN), parts: 1 };
  for (let d = 2; d <= 64 && d <= m; d *= 2) {
    const part = scheduleCost(Math.ceil(m / d), n, k, groups, smCount, minTileN);
    if (d * part.macs < best.macs) best = { ...part, macs: d * part.macs, waves: d * part.waves, parts: d };
  }
  if (schedules.size >= MAX_SCHEDULES) schedules.clear();
  schedules.set(key, best);
  return best;
}

/**
 * Waves and tile work of one GEMM: the seconds it takes at 100 % of the SMs' peak (before efficiency).
 * One tile runs per SM at a time. When tiles leave SMs idle, the reduction is split over them
 * (split-K, slices of at least MIN_SPLIT_K). A library can always run the rows in d equal parts one
 * after another, so the cheapest of d = 1, 2, 4 … 64 is taken: time never falls when M, N, K or the
 * group count grows, and twice the rows never take more than twice the time.
 */
export function gemmUnitSeconds(
  m: number,
  n: number,
  k: number,
  groups: number,
  smCount: number,
  macsPerSecond: number,
  minTileN: number,
): { seconds: number; tiles: number; waves: number; splitK: number; parts: number } {
  const best = bestSchedule(m, n, k, groups, smCount, minTileN);
  return {
    seconds: (best.macs * smCount) / macsPerSecond,
    tiles: best.tiles,
    waves: best.waves,
    splitK: best.splitK,
    parts: best.parts,
  };
}

/**
 * Per kernel, the parts of its time that do not depend on the fitted parameters: compute seconds at
 * 100 % efficiency, its efficiency slot, and DRAM bytes. Precomputed once per (model, stack, precision,
 * batch, device), so a fit only rescales them.
 */
export interface KernelCosts {
  unitComputeSeconds: Float64Array;
  /** Index into the efficiency slots: precision class × op class; −1 for memory kernels. */
  slot: Int8Array;
  dramBytes: Float64Array;
}

const OP_FACTOR_CLASSES = ["conv-1x1", "conv-grouped"] as const;

/** Slot of a (precision class, op class): efficiency[pc] × (opFactor[oc] or 1). */
const slotOf = (pc: PrecisionClass, oc: OpClass): number =>
  oc === "memory" ? -1 : PRECISION_CLASSES.indexOf(pc) * 3 + ["conv-kxk", ...OP_FACTOR_CLASSES].indexOf(oc);

export function kernelCosts(
  kernels: readonly Kernel[],
  gpu: GpuSpecs,
  precision: MathPrecision,
  batch: number,
): KernelCosts | null {
  const n = kernels.length;
  const out: KernelCosts = {
    unitComputeSeconds: new Float64Array(n),
    slot: new Int8Array(n),
    dramBytes: new Float64Array(n),
  };
  const bytes = BYTES_PER_ELEMENT[precision];
  for (let i = 0; i < n; i++) {
    const kn = kernels[i]!;
    if (kn.gemm) {
      const rate = gpu.macsPerSecond[precision];
      if (!rate) return null;
      const pc = precisionClassOf(precision);
      const g = kn.gemm;
      out.unitComputeSeconds[i] = gemmUnitSeconds(
        batch * g.m,
        g.n,
        g.k,
        g.groups,
        gpu.smCount,
        rate,
        MIN_TILE_N[pc],
      ).seconds;
      out.slot[i] = slotOf(pc, kn.opClass);
    } else out.slot[i] = -1;
    const chained = kn.chainedReadElements * batch * bytes <= gpu.l2Bytes / 2 ? kn.chainedReadElements : 0;
    out.dramBytes[i] = kn.cast
      ? kn.weightElements * 6
      : kn.weightElements * bytes + (kn.readElements - chained + kn.writeElements) * batch * bytes;
  }
  return out;
}

/** Efficiency of every slot (precision class × op class) from the parameters. */
export function slotEfficiencies(p: KernelParams): Float64Array {
  const e = new Float64Array(PRECISION_CLASSES.length * 3);
  PRECISION_CLASSES.forEach((pc, i) => {
    e[i * 3] = p.efficiency[pc];
    e[i * 3 + 1] = p.efficiency[pc] * p.opFactor["conv-1x1"];
    e[i * 3 + 2] = p.efficiency[pc] * p.opFactor["conv-grouped"];
  });
  return e;
}

export type KernelBound = "compute" | "memory" | "host";

interface PassTiming {
  latencySeconds: number;
  /** Sum of kernel times on the device (what the GPU is busy with). */
  deviceSeconds: number;
  /** Host time to issue the pass (per-batch cost included). */
  hostSeconds: number;
  /** Per kernel, with `detail`: its time and what bound it. */
  kernels?: { seconds: number; computeSeconds: number; memorySeconds: number; bound: KernelBound }[];
}

/** One forward pass: kernel times and the host/device timelines. */
export function passTiming(
  costs: KernelCosts,
  efficiencies: Float64Array,
  gpu: GpuSpecs,
  params: KernelParams,
  host: StackCosts,
  detail = false,
): PassTiming {
  const n = costs.slot.length;
  const bw = gpu.dramBytesPerSecond * params.memoryEfficiency;
  const gap = host.kernelGapUs * 1e-6;
  const speed = host.deviceSpeed;
  const perKernel = host.launch === "eager" ? host.perKernelUs * 1e-6 : 0;
  let deviceEnd = 0;
  let busy = 0;
  const list: NonNullable<PassTiming["kernels"]> = [];
  for (let i = 0; i < n; i++) {
    const slot = costs.slot[i]!;
    const compute = slot < 0 ? 0 : costs.unitComputeSeconds[i]! / efficiencies[slot]!;
    const memory = costs.dramBytes[i]! / bw;
    const t = Math.max(compute, memory) / speed + gap;
    const issued = (i + 1) * perKernel;
    const start = Math.max(deviceEnd, issued);
    if (detail)
      list.push({
        seconds: t,
        computeSeconds: compute,
        memorySeconds: memory,
        bound: issued > deviceEnd ? "host" : compute >= memory ? "compute" : "memory",
      });
    deviceEnd = start + t;
    busy += t;
  }
  const perBatch = host.perBatchMs * 1e-3;
  return {
    latencySeconds: perBatch + deviceEnd,
    deviceSeconds: busy,
    hostSeconds: perBatch + n * perKernel,
    ...(detail ? { kernels: list } : {}),
  };
}
