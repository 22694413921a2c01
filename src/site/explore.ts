/**
 * The explore pages' inputs: the simulator's resolved devices and stacks as the pipeline made them
 * (atlas.explore, from the one fit), plus the measured series to compare with. /explore/params.json
 * carries exactly the numbers the CLI and the sweep use; the browser gets plain data.
 */
import { simulatorAccuracy } from "../pipeline/simulate/accuracy.ts";
import { mathPrecisionOf } from "../pipeline/simulate/fit.ts";
import { EXPLORE_PRECISIONS } from "../pipeline/simulate/explore-model.ts";
import { DEFAULT_FUSION_POLICY, FUSION_POLICIES } from "../pipeline/simulate/liveness.ts";
import { SIMULATED_MODEL_IDS } from "../pipeline/simulate/models/index.ts";
import { SWEEP_SIZES } from "../pipeline/simulate/sweep.ts";
import type { ExploreParams, MeasuredSeries } from "../client/explore-params.ts";
import { getAtlas } from "./data.ts";
import { modelName } from "./format.ts";

let memo: Promise<ExploreParams> | null = null;
export function exploreParams(): Promise<ExploreParams> {
  memo ??= build();
  return memo;
}

async function build(): Promise<ExploreParams> {
  const atlas = await getAtlas();
  // The pipeline simulates only when data/simulator/ exists (run.ts); fixture sites have none.
  const sim = atlas.explore;
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
        stack: sim?.seriesStack[r.series] ?? "default",
        points: [],
      };
      series.set(key, s);
    }
    s.points.push({ batch: r.batch_size, throughput: r.throughput_img_s, latency: r.latency_ms });
  }
  for (const s of series.values()) s.points.sort((a, b) => a.batch - b.batch);
  return {
    dataset: sim?.dataset ?? null,
    models: SIMULATED_MODEL_IDS.map((id) => ({ id, name: modelName(id) })),
    precisions: EXPLORE_PRECISIONS,
    policies: [...FUSION_POLICIES],
    defaultPolicy: DEFAULT_FUSION_POLICY,
    sizes: SWEEP_SIZES.map((s) => ({ width: s.width, height: s.height })),
    stacks: sim?.stacks ?? [],
    accelerators: sim?.accelerators ?? [],
    measured: [...series.values()],
    accuracy: atlas.validation ? simulatorAccuracy(atlas.validation) : null,
  };
}
