/**
 * The explore pages' inputs (build time only: reads data/simulator/). Everything is computed with the
 * simulator's own functions, so /explore/params.json carries the numbers the CLI and the sweep use;
 * the browser gets plain data and never the file loaders.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { MathPrecision } from "../pipeline/simulate/accounting.ts";
import { calibrate, mathPrecisionOf, resolveStack } from "../pipeline/simulate/calibrate.ts";
import { deviceFor, isDevice } from "../pipeline/simulate/hardware.ts";
import { DEFAULT_FUSION_POLICY, FUSION_POLICIES } from "../pipeline/simulate/liveness.ts";
import { MODEL_IDS } from "../pipeline/simulate/models/index.ts";
import { loadSimulatorParams } from "../pipeline/simulate/params.ts";
import { SWEEP_SIZES } from "../pipeline/simulate/sweep.ts";
import { matchStack } from "../pipeline/simulate/validate.ts";
import type { ExploreAccelerator, ExploreParams, MeasuredSeries } from "../client/explore-params.ts";
import { getAtlas } from "./data.ts";
import { modelLabel } from "./format.ts";

/** Math modes offered in the explore pages, in the order shown. */
const PRECISIONS: MathPrecision[] = ["int8", "fp16", "bf16", "tf32", "fp32"];

/** The data folder of this build, as scripts/lib/stages.ts `dataDirOf` finds it. */
const dataDir = (): string => process.env.ATLAS_DATA_DIR ?? join(process.cwd(), "data");

let memo: Promise<ExploreParams> | null = null;
export function exploreParams(): Promise<ExploreParams> {
  memo ??= build();
  return memo;
}

async function build(): Promise<ExploreParams> {
  const atlas = await getAtlas();
  // The pipeline simulates only when data/simulator/ exists (run.ts); fixture sites have none.
  const sim = existsSync(join(dataDir(), "simulator")) ? loadSimulatorParams(dataDir()) : null;
  const accelerators: ExploreAccelerator[] = [];
  if (sim) {
    const cal = calibrate(atlas.accelerators, sim);
    for (const acc of atlas.accelerators) {
      const device = deviceFor(
        acc,
        sim.accelerators.find((a) => a.id === acc.id),
      );
      if (!isDevice(device)) continue;
      const stacks: ExploreAccelerator["stacks"] = {};
      for (const s of sim.stacks) {
        stacks[s.id] = Object.fromEntries(
          PRECISIONS.filter((p) => device.peak[p]).map((p) => [p, resolveStack(cal, sim, acc.id, s.id, p)]),
        );
      }
      accelerators.push({ id: acc.id, name: acc.name, device, stacks });
    }
  }
  const studyTitle = new Map(atlas.studies.map((s) => [s.study.id, s.study.title]));
  // params.json is a data download: studies that forbid redistribution stay out (as for figure downloads).
  const withheld = new Set(
    atlas.studies.filter((s) => s.study.license.redistribution === "not-allowed").map((s) => s.study.id),
  );
  const accName = new Map(atlas.accelerators.map((a) => [a.id, a.name]));
  const series = new Map<string, MeasuredSeries>();
  for (const r of atlas.rows) {
    if (
      r.kind !== "measured" ||
      withheld.has(r.study) ||
      r.batch_size === null ||
      (r.throughput_img_s === null && r.latency_ms === null)
    )
      continue;
    const key = `${r.study}/${r.series}`;
    let s = series.get(key);
    if (!s) {
      s = {
        id: r.series,
        study: r.study,
        studyTitle: studyTitle.get(r.study) ?? r.study,
        accelerator: r.accelerator,
        acceleratorName: accName.get(r.accelerator) ?? r.accelerator,
        model: r.model,
        width: r.input_width,
        height: r.input_height,
        precision: r.precision,
        math: mathPrecisionOf(r.precision),
        framework: r.framework,
        execution: r.execution,
        devices: r.devices,
        stack: sim ? matchStack(sim, r.framework, r.execution) : "default",
        points: [],
      };
      series.set(key, s);
    }
    s.points.push({ batch: r.batch_size, throughput: r.throughput_img_s, latency: r.latency_ms });
  }
  for (const s of series.values()) s.points.sort((a, b) => a.batch - b.batch);
  return {
    dataset: sim?.calibration.name ?? null,
    models: MODEL_IDS.map((id) => ({ id, name: modelLabel(id) })),
    precisions: PRECISIONS,
    policies: [...FUSION_POLICIES],
    defaultPolicy: DEFAULT_FUSION_POLICY,
    sizes: SWEEP_SIZES.map((s) => ({ width: s.width, height: s.height })),
    stacks: (sim?.stacks ?? []).map((s) => ({ id: s.id, name: s.name })),
    accelerators,
    measured: [...series.values()],
  };
}
