/**
 * The layer roofline: latency of one batch of N images on one device (docs/simulator.md,
 * "Layer roofline"):
 *
 *   T(N) = overhead + Σ_l max( N·MAC_l / (η·peak),  (W_l + A_l(N)) / BW,  floor )
 *
 * overhead and floor are the software stack's fixed costs (per batch, per layer or both: its `fixed_cost`);
 * W_l: the layer's deployed weight bytes, read from DRAM once per batch (0 when weights are resident);
 * A_l(N): activation bytes the layer moves to or from DRAM. A tensor lives in DRAM when the batch's
 * share of on-chip memory cannot hold it: when the input+output of a layer that writes or reads it,
 * or the working set of a step it is held across, exceeds the activation SRAM. The network input is
 * always read from DRAM and outputs are always written there. Throughput = N / T(N).
 */
import { BYTES_PER_ELEMENT, type MathPrecision } from "./accounting.ts";
import type { Graph } from "./graph.ts";
import type { Device } from "./hardware.ts";
import { liveness, lower, type FusionPolicy } from "./liveness.ts";
import { layerTime } from "./roofline.ts";

/** A schedule compiled to flat arrays (per image, elements) so each batch size costs O(steps). */
export interface PerfProfile {
  policy: FusionPolicy;
  steps: number;
  macs: number[];
  weightElements: number[];
  /** Tensor indices each step reads, and the one it writes (compact indices, not node ids). */
  reads: number[][];
  writes: number[];
  tensorElements: number[];
  /** A tensor goes to DRAM when threshold × batch × bytes per element exceeds the activation SRAM. */
  threshold: number[];
  /** The network input and outputs: always in DRAM. */
  pinnedToDram: boolean[];
  /** Steps that do no work of their own (the input). */
  idle: boolean[];
  totalMacs: number;
  totalWeightElements: number;
  peakWorkingSet: number;
}

export function perfProfile(graph: Graph, policy: FusionPolicy): PerfProfile {
  const schedule = lower(graph, policy);
  const live = liveness(schedule);
  const { steps } = schedule;
  // Compact tensor numbering: one per step output, in step order.
  const index = new Map(steps.map((s, i) => [s.out, i]));
  const at = (t: number): number => index.get(t)!;
  const outputs = new Set(schedule.outputs);
  const threshold = steps.map((s, i) =>
    Math.max(live.io[i]!, ...live.readers[s.out]!.map((r) => live.io[r]!), live.heldPeak[s.out]!),
  );
  return {
    policy,
    steps: steps.length,
    macs: steps.map((s) => s.macs),
    weightElements: steps.map((s) => s.weightElements),
    reads: steps.map((s) => s.reads.map(at)),
    writes: steps.map((s) => at(s.out)),
    tensorElements: steps.map((s) => schedule.tensorElements[s.out]!),
    threshold,
    pinnedToDram: steps.map((s) => graph.nodes[s.node]!.op.kind === "input" || outputs.has(s.out)),
    idle: steps.map((s) => graph.nodes[s.node]!.op.kind === "input"),
    totalMacs: steps.reduce((sum, s) => sum + s.macs, 0),
    totalWeightElements: steps.reduce((sum, s) => sum + s.weightElements, 0),
    peakWorkingSet: live.peak,
  };
}

/** Software-stack parameters: the fraction of peak compute achieved and the fixed costs. */
export interface StackParams {
  efficiency: number;
  /** Fixed time per batch (host round trip, graph launch). */
  overheadMs: number;
  /** Minimum time of every layer (kernel launch from the host); 0 for compiled graphs. */
  layerFloorMs: number;
}

export interface BatchPerf {
  batch: number;
  devices: number;
  /** Layers that do work (the input is not one). */
  layers: number;
  latencyMs: number;
  throughputImgS: number;
  /** Σ compute time and Σ memory time over layers (they overlap per layer; latency uses the max). */
  computeMs: number;
  memoryMs: number;
  weightDramBytes: number;
  activationDramBytes: number;
  /** Layers where memory traffic, not compute, sets the time. */
  memoryBoundLayers: number;
  /** Activation tensors that did not fit on chip (the input and outputs not counted). */
  spilledTensors: number;
  /** The whole-network roofline: overhead + max(N·ΣMAC/(η·peak), ΣDRAM/BW, layers·floor). */
  wholeNetworkLatencyMs: number;
}

export interface Infeasible {
  batch: number;
  reason: string;
}

export const isFeasible = (r: BatchPerf | Infeasible): r is BatchPerf => "latencyMs" in r;

/**
 * Latency and throughput of one batch. With `devices` > 1 the batch is split evenly (data
 * parallel, as on a 2-IPU C2 card): each device runs ⌈N/devices⌉ images at the same time.
 */
export function simulateBatch(
  profile: PerfProfile,
  device: Device,
  precision: MathPrecision,
  stack: StackParams,
  batch: number,
  devices = 1,
): BatchPerf | Infeasible {
  const peak = device.peak[precision];
  if (!peak) return { batch, reason: `${device.id} has no ${precision} peak` };
  const n = Math.ceil(batch / devices);
  const bytes = BYTES_PER_ELEMENT[precision];
  const weightBytes = profile.totalWeightElements * bytes;
  // Resident weights take their share of SRAM first; if they do not fit they are streamed after all.
  const resident = device.weights === "resident" && weightBytes <= device.sramBytes;
  const activationSram = device.sramBytes - (resident ? weightBytes : 0);
  if (device.memoryBytes !== null && weightBytes + profile.peakWorkingSet * n * bytes > device.memoryBytes) {
    return {
      batch,
      reason: `weights + working set exceed the ${device.memoryBytes / 1e9} GB of device memory`,
    };
  }
  const scale = n * bytes;
  const inDram = profile.threshold.map((t, i) => profile.pinnedToDram[i]! || t * scale > activationSram);
  const macsPerSecond = stack.efficiency * peak.macsPerSecond;
  const floor = stack.layerFloorMs / 1e3;
  let seconds = 0;
  let layers = 0;
  let computeSeconds = 0;
  let memorySeconds = 0;
  let weightDram = 0;
  let activationDram = 0;
  let memoryBound = 0;
  for (let l = 0; l < profile.steps; l++) {
    if (profile.idle[l]) continue;
    const w = resident ? 0 : profile.weightElements[l]! * bytes;
    const out = profile.writes[l]!;
    let a = inDram[out] ? profile.tensorElements[out]! * scale : 0;
    for (const r of profile.reads[l]!) if (inDram[r]) a += profile.tensorElements[r]! * scale;
    const t = layerTime(n * profile.macs[l]!, w + a, macsPerSecond, device.dramBytesPerSecond);
    seconds += Math.max(t.seconds, floor);
    layers++;
    computeSeconds += t.computeSeconds;
    memorySeconds += t.memorySeconds;
    weightDram += w;
    activationDram += a;
    if (t.bound === "memory") memoryBound++;
  }
  const latencyMs = stack.overheadMs + seconds * 1e3;
  const whole = Math.max(
    (n * profile.totalMacs) / macsPerSecond,
    (weightDram + activationDram) / device.dramBytesPerSecond,
    layers * floor,
  );
  return {
    batch,
    devices,
    layers,
    latencyMs,
    throughputImgS: (batch / latencyMs) * 1e3,
    computeMs: computeSeconds * 1e3,
    memoryMs: memorySeconds * 1e3,
    weightDramBytes: weightDram,
    activationDramBytes: activationDram,
    memoryBoundLayers: memoryBound,
    spilledTensors: inDram.filter((d, i) => d && !profile.pinnedToDram[i]).length,
    wholeNetworkLatencyMs: stack.overheadMs + whole * 1e3,
  };
}
