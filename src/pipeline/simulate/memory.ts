/**
 * Memory figures of one network at one input size, per image and per batch. Definitions
 * (docs/simulator.md, "Memory definitions"):
 * - largest activation: the largest single tensor the network allocates (the input image included),
 *   and the next largest size below it (several tensors often share the largest size);
 * - layer I/O peak (Flex Logix "activation storage"): the largest main input + output of one layer
 *   (conv, linear, pool, upsample), residual operands and merge ops not counted;
 * - peak working set: the liveness peak under a fusion policy, skip and route tensors kept alive.
 * Every activation figure scales linearly with batch: the whole batch runs layer by layer.
 */
import type { SimulatedQuantity } from "../schema.ts";
import { BYTES_PER_ELEMENT, totals, type MathPrecision } from "./accounting.ts";
import { elements, type Graph } from "./graph.ts";
import { FUSION_POLICIES, DEFAULT_FUSION_POLICY, liveness, lower, type FusionPolicy } from "./liveness.ts";

/** Layers whose input+output pair counts for the layer I/O peak. */
const PAIR_KINDS = new Set(["conv2d", "linear", "maxpool", "avgpool", "globalavgpool", "upsample"]);

/** Per-image activation figures in elements (multiply by bytes per element and batch). */
export interface ActivationProfile {
  largestActivation: number;
  largestActivationNode: string;
  /** The largest tensor size smaller than `largestActivation` ("the next largest"). */
  nextLargestActivation: number;
  layerIoPeak: number;
  layerIoPeakNode: string;
  /** Liveness peak and the step where it occurs, per fusion policy. */
  peak: Record<FusionPolicy, { elements: number; step: string }>;
  /** All allocated tensors summed: what would be written to DRAM if nothing stayed on chip. */
  totalActivations: number;
}

export function activationProfile(graph: Graph): ActivationProfile {
  let largest = { elements: 0, node: "" };
  let pair = { elements: 0, node: "" };
  const sizes = new Set<number>();
  for (const n of graph.nodes) {
    if (n.op.kind !== "identity" && n.op.kind !== "concat") {
      sizes.add(elements(n.out));
      if (elements(n.out) > largest.elements) largest = { elements: elements(n.out), node: n.name };
    }
    const main = graph.nodes[n.inputs[0] ?? -1];
    if (PAIR_KINDS.has(n.op.kind) && main) {
      const io = elements(main.out) + elements(n.out);
      if (io > pair.elements) pair = { elements: io, node: n.name };
    }
  }
  const peakOf = (policy: FusionPolicy) => {
    const schedule = lower(graph, policy);
    const live = liveness(schedule);
    return { elements: live.peak, step: schedule.steps[live.peakStep]?.name ?? "" };
  };
  return {
    largestActivation: largest.elements,
    largestActivationNode: largest.node,
    nextLargestActivation: Math.max(0, ...[...sizes].filter((e) => e < largest.elements)),
    layerIoPeak: pair.elements,
    layerIoPeakNode: pair.node,
    peak: Object.fromEntries(FUSION_POLICIES.map((p) => [p, peakOf(p)])) as ActivationProfile["peak"],
    totalActivations: totals(graph).activationElements,
  };
}

/** Bytes for one precision and batch. */
export interface MemoryReport {
  precision: MathPrecision;
  batch: number;
  policy: FusionPolicy;
  /** Deployed parameters (BN folded) × bytes per element; read once per batch. */
  weightBytes: number;
  /** Flex Logix's weight definition (main-path conv + FC weights) × bytes per element. */
  flexLogixWeightBytes: number;
  largestActivationBytes: number;
  nextLargestActivationBytes: number;
  layerIoPeakBytes: number;
  /** Liveness peak under `policy`. */
  peakActivationBytes: number;
  peakActivationBytesByPolicy: Record<FusionPolicy, number>;
  /** Every allocated tensor: what would cross DRAM once each way if nothing stayed on chip. */
  totalActivationBytes: number;
  /** Main-path conv outputs only (Flex Logix's "almost 10MB ... written out" for ResNet-50). */
  flexLogixActivationBytes: number;
}

export function memoryReport(
  graph: Graph,
  profile: ActivationProfile,
  precision: MathPrecision,
  batch: number,
  policy: FusionPolicy = DEFAULT_FUSION_POLICY,
): MemoryReport {
  const b = BYTES_PER_ELEMENT[precision];
  const t = totals(graph);
  const perBatch = (e: number): number => e * b * batch;
  const byPolicy = Object.fromEntries(
    FUSION_POLICIES.map((p) => [p, perBatch(profile.peak[p].elements)]),
  ) as Record<FusionPolicy, number>;
  return {
    precision,
    batch,
    policy,
    weightBytes: t.deployParams * b,
    flexLogixWeightBytes: t.flexLogixWeights * b,
    largestActivationBytes: perBatch(profile.largestActivation),
    nextLargestActivationBytes: perBatch(profile.nextLargestActivation),
    layerIoPeakBytes: perBatch(profile.layerIoPeak),
    peakActivationBytes: byPolicy[policy],
    peakActivationBytesByPolicy: byPolicy,
    totalActivationBytes: perBatch(profile.totalActivations),
    flexLogixActivationBytes: perBatch(t.flexLogixActivationElements),
  };
}

/** Every quantity for one configuration, e.g. to check a `simulated` claim test. */
export function quantities(
  graph: Graph,
  profile: ActivationProfile,
  precision: MathPrecision,
  batch = 1,
  policy: FusionPolicy = DEFAULT_FUSION_POLICY,
): Record<SimulatedQuantity, number> {
  const m = memoryReport(graph, profile, precision, batch, policy);
  const t = totals(graph);
  return {
    params: t.params,
    macs: t.macs,
    weightBytes: m.weightBytes,
    flexLogixWeightBytes: m.flexLogixWeightBytes,
    largestActivationBytes: m.largestActivationBytes,
    nextLargestActivationBytes: m.nextLargestActivationBytes,
    layerIoPeakBytes: m.layerIoPeakBytes,
    peakActivationBytes: m.peakActivationBytes,
    totalActivationBytes: m.totalActivationBytes,
    flexLogixActivationBytes: m.flexLogixActivationBytes,
  };
}
