/**
 * What the explore pages simulate with, made from the one prepared simulator (context.ts): every
 * accelerator's device and, per stack and precision, the resolved stack model (the GPU kernel model's
 * fitted parameters or a roofline fit). Plain data, so the browser runs simulate.ts on exactly the
 * numbers the sweep and the CLI use.
 */
import type { MathPrecision } from "./accounting.ts";
import type { CanonicalRow } from "../schema.ts";
import { defaultStack, stackModel, type SimulatorContext } from "./context.ts";
import { matchStack } from "./fit.ts";
import type { Device } from "./hardware.ts";
import type { StackModel } from "./simulate.ts";

/** Math modes offered in the explore pages, in the order shown. */
export const EXPLORE_PRECISIONS: MathPrecision[] = ["int8", "fp16", "bf16", "tf32", "fp32"];

export interface ExploreAccelerator {
  id: string;
  name: string;
  /** deviceFor(accelerator file, data/simulator entry): peaks in MAC/s, bandwidth in bytes/s, SRAM in bytes. */
  device: Device;
  /** The stack the atlas's sweep simulates this accelerator with. */
  defaultStack: string;
  /** Per stack id and per precision the device has a peak for: the stack model, or why none applies. */
  stacks: Record<string, Partial<Record<MathPrecision, StackModel>>>;
}

export interface ExploreStack {
  id: string;
  name: string;
  engine: "kernels" | "roofline";
  /** GPU stacks: how the host issues kernels (the what-if's execution mode). */
  launch: "eager" | "replay" | null;
}

export interface ExploreModel {
  /** The calibration dataset the parameters were fitted on. */
  dataset: string;
  stacks: ExploreStack[];
  accelerators: ExploreAccelerator[];
  /** The stack each measured series matches (data/simulator/stacks.yaml `match`), by series id. */
  seriesStack: Record<string, string>;
}

export function exploreModel(ctx: SimulatorContext, measured: readonly CanonicalRow[]): ExploreModel {
  const accelerators: ExploreAccelerator[] = [];
  for (const acc of ctx.accelerators) {
    const device = ctx.devices.get(acc.id);
    if (!device) continue;
    const stacks: ExploreAccelerator["stacks"] = {};
    for (const s of ctx.params.stacks) {
      const byPrecision: Partial<Record<MathPrecision, StackModel>> = {};
      for (const p of EXPLORE_PRECISIONS) {
        if (!device.peak[p]) continue;
        const m = stackModel(ctx, acc.id, s.id, p);
        if (!("error" in m)) byPrecision[p] = m;
      }
      if (Object.keys(byPrecision).length) stacks[s.id] = byPrecision;
    }
    accelerators.push({
      id: acc.id,
      name: acc.name,
      device,
      defaultStack: defaultStack(ctx, acc.id),
      stacks,
    });
  }
  return {
    dataset: ctx.params.calibration.name,
    stacks: ctx.params.stacks.map((s) => ({
      id: s.id,
      name: s.name,
      engine: s.engine,
      launch: s.engine === "kernels" ? s.launch : null,
    })),
    accelerators,
    seriesStack: Object.fromEntries(
      measured
        .filter((r) => r.kind === "measured")
        .map((r) => [r.series, matchStack(ctx.params, r.framework, r.execution)]),
    ),
  };
}
