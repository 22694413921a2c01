/**
 * One what-if: the simulator's own functions (modelProfile, memoryReport, deviceFor, simulateWith,
 * smallestBatchAtFraction) on a state and the build's parameters. Pure: the browser and the build
 * (the page's default view) run exactly this, and the CLI runs the same simulator calls.
 */
import { BYTES_PER_ELEMENT } from "../pipeline/simulate/accounting.ts";
import { deviceFor, PEAK_CHAIN, type Device } from "../pipeline/simulate/hardware.ts";
import { ShapeError } from "../pipeline/simulate/graph.ts";
import { memoryReport, type MemoryReport } from "../pipeline/simulate/memory.ts";
import type { InputSize } from "../pipeline/simulate/models/index.ts";
import { modelProfile, type ModelProfile } from "../pipeline/simulate/profile.ts";
import {
  isBatchResult,
  simulateWith,
  smallestBatchAtFraction,
  type BatchResult,
  type StackModel,
} from "../pipeline/simulate/simulate.ts";
import type { Accelerator, Spec, SpecKey } from "../pipeline/schema.ts";
import type { ExploreParams, MeasuredSeries } from "./explore-params.ts";
import { batchesOf, CUSTOM, type CustomSpecs, type WhatIfState } from "./whatif-state.ts";

export interface WhatIfPoint {
  batch: number;
  /** null when the batch does not fit in device memory (`infeasible` says why). */
  perf: BatchResult | null;
  infeasible: string | null;
  /** Peak working set of the images one device runs (⌈batch/devices⌉), bytes. */
  workingSetBytes: number;
  /** Weights + that working set: what one device needs on chip to never touch DRAM. */
  onChipBytes: number;
}

/** A measured series of the same configuration, each point beside the simulator's value at its batch. */
export interface MeasuredComparison {
  series: MeasuredSeries;
  points: { batch: number; measured: number | null; simulated: number | null }[];
}

export interface WhatIfResult {
  state: WhatIfState;
  input: InputSize;
  device: Device;
  stackId: string;
  stack: StackModel;
  /** Per image (batch 1) memory figures at the state's precision and fusion policy. */
  memory: MemoryReport;
  macs: number;
  /** Weights live in SRAM (Graphcore-style) and take their share of it first. */
  residentWeights: boolean;
  /** SRAM left for activations, bytes. */
  activationSramBytes: number;
  points: WhatIfPoint[];
  /** Smallest batch reaching 90 % of the best simulated throughput in the range. */
  batchAt90: number | null;
  best: BatchResult | null;
  /** Largest batch in the range whose working set fits in the SRAM left for activations. */
  largestOnChip: number | null;
  measured: MeasuredComparison[];
}

export type WhatIfOutcome = { ok: true; result: WhatIfResult } | { ok: false; error: string };

/** The reader's chip as deviceFor sees an accelerator file: the same unit conversions as the atlas's own. */
export function customDevice(c: CustomSpecs, precision: WhatIfState["precision"]): Device {
  const spec = (value: number): Spec => ({ value, source: "what-if input" });
  const specs: Partial<Record<SpecKey, Spec>> = {
    [PEAK_CHAIN[precision][0]!]: spec(c.peakT),
    memory_bandwidth_gb_s: spec(c.bandwidthGBs),
  };
  if (c.sramMiB > 0) specs.onchip_sram_mib = spec(c.sramMiB);
  if (c.memoryGB !== null) specs.memory_gb = spec(c.memoryGB);
  const acc: Accelerator = {
    id: CUSTOM,
    name: "Custom accelerator",
    vendor: "the reader",
    kind: "other",
    specs,
  };
  const device = deviceFor(acc, {
    id: CUSTOM,
    stack: CUSTOM,
    weights: c.weights,
    weights_reason: "what-if input",
  });
  if (!("peak" in device)) throw new Error(device.reason);
  return device;
}

/** The device and stack parameters a state names, or why it cannot be simulated. */
function hardwareOf(
  params: ExploreParams,
  state: WhatIfState,
): { device: Device; stackId: string; stack: StackModel } | { error: string } {
  if (state.accelerator === CUSTOM) {
    const c = state.custom;
    return {
      device: customDevice(c, state.precision),
      stackId: CUSTOM,
      stack: {
        engine: "roofline",
        id: CUSTOM,
        params: { efficiency: c.efficiency, overheadMs: c.overheadMs, layerFloorMs: c.layerFloorMs },
        source: "what-if input",
      },
    };
  }
  const acc = params.accelerators.find((a) => a.id === state.accelerator);
  if (!acc) return { error: `unknown accelerator ${state.accelerator}` };
  if (!acc.device.peak[state.precision])
    return {
      error: `${acc.name} has no ${state.precision.toUpperCase()} peak in its specifications (nor a fallback precision's): pick another precision.`,
    };
  const stackId = state.stack ?? acc.defaultStack;
  const stack = acc.stacks[stackId]?.[state.precision];
  if (!stack)
    return {
      error: `The ${stackId} stack cannot run ${acc.name} (GPU stacks need a GPU with an SM count in its file): pick another stack.`,
    };
  return { device: acc.device, stackId, stack };
}

export function runWhatIf(params: ExploreParams, state: WhatIfState): WhatIfOutcome {
  const hw = hardwareOf(params, state);
  if ("error" in hw) return { ok: false, error: hw.error };
  const { device, stackId, stack } = hw;
  let profile: ModelProfile;
  try {
    profile = modelProfile(state.model, state.width, state.height);
  } catch (e) {
    // An input the network's shape rules refuse is the reader's to change; anything else is a bug.
    if (!(e instanceof ShapeError)) throw e;
    return {
      ok: false,
      error: `The network cannot be built at ${state.width}×${state.height}: ${e.message}`,
    };
  }
  const perf = profile.perf(state.policy);
  const memory = memoryReport(profile.graph, profile.activations, state.precision, 1, state.policy);
  const bytes = BYTES_PER_ELEMENT[state.precision];
  const residentWeights = device.weights === "resident" && memory.weightBytes <= device.sramBytes;
  const simulate = (batch: number) =>
    simulateWith(profile, device, state.precision, stack, batch, {
      devices: state.devices,
      policy: state.policy,
    });
  const points = batchesOf(state).map((batch): WhatIfPoint => {
    const r = simulate(batch);
    const workingSetBytes = perf.peakWorkingSet * Math.ceil(batch / state.devices) * bytes;
    return {
      batch,
      perf: isBatchResult(r) ? r : null,
      infeasible: isBatchResult(r) ? null : r.reason,
      workingSetBytes,
      onChipBytes: memory.weightBytes + workingSetBytes,
    };
  });
  const feasible = points.flatMap((p) => (p.perf ? [p.perf] : []));
  const best = feasible.reduce<BatchResult | null>(
    (b, r) => (b === null || r.throughputImgS > b.throughputImgS ? r : b),
    null,
  );
  const activationSramBytes = device.sramBytes - (residentWeights ? memory.weightBytes : 0);
  const onChip = points.filter((p) => p.perf && p.workingSetBytes <= activationSramBytes);
  const measured = params.measured
    .filter(
      (m) =>
        m.accelerator === state.accelerator &&
        m.model === state.model &&
        m.width === state.width &&
        m.height === state.height &&
        m.math === state.precision,
    )
    .map((series) => ({
      series,
      points: series.points.map((p) => {
        const r = simulate(p.batch);
        return {
          batch: p.batch,
          measured: p.throughput,
          simulated: isBatchResult(r) ? r.throughputImgS : null,
        };
      }),
    }));
  return {
    ok: true,
    result: {
      state,
      input: profile.input,
      device,
      stackId,
      stack,
      memory,
      macs: profile.totals.macs,
      residentWeights,
      activationSramBytes,
      points,
      batchAt90: smallestBatchAtFraction(feasible, 0.9),
      best,
      largestOnChip: onChip.length ? onChip[onChip.length - 1]!.batch : null,
      measured,
    },
  };
}
