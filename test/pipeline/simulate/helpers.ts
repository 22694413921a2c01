/** Shared test inputs: the repository's own data files (accelerators, studies, simulator parameters) and the simulator prepared on them once per test worker (files share modules: vitest.config.ts); tests must not change them. */
import { fileURLToPath } from "node:url";
import { loadData } from "../../../src/pipeline/ingest/index.ts";
import { measuredData } from "../../../src/pipeline/measured.ts";
import type { Accelerator, CanonicalRow } from "../../../src/pipeline/schema.ts";
import { prepareSimulator, type SimulatorContext } from "../../../src/pipeline/simulate/context.ts";
import type { Device } from "../../../src/pipeline/simulate/hardware.ts";
import { loadSimulatorParams } from "../../../src/pipeline/simulate/params.ts";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const simParams = () => loadSimulatorParams(`${REPO}data`);

let data: { accelerators: Accelerator[]; measured: CanonicalRow[] } | null = null;
/** The repository's accelerators and the measured rows the build gives the simulator (loaded once). */
export function realData(): { accelerators: Accelerator[]; measured: CanonicalRow[] } {
  if (!data) {
    const d = loadData(`${REPO}data`);
    data = { accelerators: d.accelerators, measured: measuredData(d).batched };
  }
  return data;
}

let ctx: SimulatorContext | null = null;
/**
 * The simulator prepared on the repository's data, its fit cached where the build caches it (keyed by a
 * hash of every input, so a stale fit is never read); fit.test.ts checks a fresh fit gives the same bits.
 */
export function realContext(): SimulatorContext {
  ctx ??= prepareSimulator(simParams(), realData().accelerators, realData().measured, {
    cacheDir: `${REPO}.build/sim-cache`,
  });
  return ctx;
}

/** A device of the real data, failing loudly if it cannot be simulated. */
export function realDevice(id: string): Device {
  const d = realContext().devices.get(id);
  if (!d) throw new Error(`${id} cannot be simulated`);
  return d;
}
