/**
 * Everything that depends only on (model, input size): the graph, its totals, its activation profile
 * and its compiled schedules. Batch and precision only scale bytes, so these are computed once and
 * memoized; the sweep's speed depends on it.
 */
import { totals, type MathPrecision, type Totals } from "./accounting.ts";
import { DEFAULT_FUSION_POLICY, type FusionPolicy } from "./liveness.ts";
import type { SimulatedQuantity } from "../schema.ts";
import { activationProfile, quantities, type ActivationProfile } from "./memory.ts";
import { buildModel, type BuiltModel, type ModelId } from "./models/index.ts";
import { perfProfile, type PerfProfile } from "./performance.ts";

export interface ModelProfile extends BuiltModel {
  totals: Totals;
  activations: ActivationProfile;
  perf(policy?: FusionPolicy): PerfProfile;
}

const cache = new Map<string, ModelProfile>();

export function modelProfile(model: ModelId, width: number, height: number): ModelProfile {
  const key = `${model}|${width}x${height}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const built = buildModel(model, width, height);
  const perfByPolicy = new Map<FusionPolicy, PerfProfile>();
  const profile: ModelProfile = {
    ...built,
    totals: totals(built.graph),
    activations: activationProfile(built.graph),
    perf(policy = DEFAULT_FUSION_POLICY) {
      const p = perfByPolicy.get(policy) ?? perfProfile(built.graph, policy);
      perfByPolicy.set(policy, p);
      return p;
    },
  };
  cache.set(key, profile);
  return profile;
}

/** All memory quantities of (model, input, precision, batch): what a `simulated` claim test names. */
export function simulatedQuantities(
  model: ModelId,
  width: number,
  height: number,
  precision: MathPrecision,
  batch = 1,
  policy: FusionPolicy = DEFAULT_FUSION_POLICY,
): Record<SimulatedQuantity, number> {
  const p = modelProfile(model, width, height);
  return quantities(p.graph, p.activations, precision, batch, policy);
}
