/**
 * MLPerf Inference as one more validation set for the GPU kernel model (issue 15): closed-division
 * ResNet-50 results run with TensorRT on one node, per accelerator (the system's value shared out
 * evenly), against the simulator's INT8 prediction for the stack the framework maps to. The fit never
 * sees these results. What is assumed, and why:
 * - INT8: the result files do not state precision; NVIDIA's MLPerf code, which the TensorRT submissions
 *   run, builds ResNet-50 at INT8 (MLPERF_PRECISION_SOURCE).
 * - Offline is the system's best sustained throughput at a batch the submitter chose and does not
 *   report; it is compared with the simulator's best throughput over batches 1 to 2048.
 * - GPUs without an SM count in their file (L4, L40S, A40, …) cannot run the kernel model; the site
 *   simulates them with the layer roofline of their default stack, and those predictions are checked
 *   here too, apart (`engine: "roofline"`), since readers see them on those GPUs' pages.
 * - SingleStream is one image per query: its batch-1 throughput (1000 ÷ the 90th-percentile latency in
 *   ms, as the atlas reads every SingleStream result) is compared with the simulated batch-1
 *   throughput, so that every error here is a throughput error with the same sign as the rest of the
 *   validation (above zero: the model is too fast).
 */
import { groupBy } from "../group.ts";
import { perAccelerator, type MlperfResult } from "../mlperf/normalize.ts";
import { defaultStack, stackModel, type SimulatorContext } from "./context.ts";
import { matchStack } from "./fit.ts";
import { modelProfile } from "./profile.ts";
import { isBatchResult, simulateWith, type BatchResult, type StackModel } from "./simulate.ts";
import { errorStats } from "./error-stats.ts";
import { round } from "./sweep.ts";

/** Where INT8 comes from: GPUBaseConfig sets input_dtype (line 25) and precision (line 27) to "int8". */
const MLPERF_PRECISION_SOURCE =
  "mlcommons/inference_results_v3.0@1948f9b5b93c5b4dcafe15de0faa08cdf1439fca:closed/NVIDIA/configs/resnet50/__init__.py:25";

/** Batches the Offline prediction searches for the simulator's best throughput. */
const OFFLINE_BATCHES = Array.from({ length: 12 }, (_, i) => 2 ** i);

export interface MlperfValidationPoint {
  study: string;
  round: string;
  submitter: string;
  system: string;
  accelerator: string;
  scenario: "Offline" | "SingleStream";
  stack: string;
  /** The GPU kernel model, or the layer roofline for a GPU without an SM count. */
  engine: "kernels" | "roofline";
  /** Images/s: Offline per accelerator; SingleStream 1000 ÷ 90th-percentile latency (ms). */
  measured: number;
  predicted: number;
  /** The batch of the predicted Offline peak; 1 for SingleStream. */
  predicted_batch: number;
  error_pct: number;
  /** Whether the GPU fit trained on any table of this accelerator (its MLPerf results never). */
  accelerator_in_fit: boolean;
  source: string;
}

export interface MlperfValidation {
  precision: "int8";
  precision_source: string;
  points: MlperfValidationPoint[];
  /** MAPE and signed bias per scenario and engine, over all points and over accelerators the fit never saw. */
  summary: {
    scenario: "Offline" | "SingleStream";
    engine: "kernels" | "roofline";
    points: number;
    mape_pct: number | null;
    bias_pct: number | null;
    unseen_points: number;
    unseen_mape_pct: number | null;
    unseen_bias_pct: number | null;
  }[];
  byAccelerator: {
    accelerator: string;
    scenario: string;
    engine: "kernels" | "roofline";
    points: number;
    mape_pct: number;
    bias_pct: number;
  }[];
  /** Results the set leaves out, by reason, with counts. */
  left_out: { reason: string; results: number }[];
}

export function validateMlperf(results: readonly MlperfResult[], ctx: SimulatorContext): MlperfValidation {
  const seen = new Set(ctx.points.filter((p) => p.training).map((p) => p.row.accelerator));
  const leftOut = new Map<string, number>();
  const skip = (reason: string) => leftOut.set(reason, (leftOut.get(reason) ?? 0) + 1);
  const points: MlperfValidationPoint[] = [];
  /** Each point's relative error, unrounded, for the statistics. */
  const errorOf = new Map<MlperfValidationPoint, number>();
  const cache = new Map<string, BatchResult | null>();
  const profile = modelProfile("resnet50_v1.5", 224, 224);
  for (const r of results) {
    if (r.benchmark !== "resnet50" || (r.scenario !== "Offline" && r.scenario !== "SingleStream")) continue;
    if (r.division !== "closed") {
      skip("open division (the model may differ)");
      continue;
    }
    if (r.validity !== "VALID") {
      skip("not a valid result");
      continue;
    }
    if (!/tensorrt/i.test(r.framework)) {
      skip("not run with TensorRT");
      continue;
    }
    const device = r.accelerator ? ctx.devices.get(r.accelerator) : undefined;
    const model = device?.peak.int8 ? modelFor(ctx, device.id, r.framework) : null;
    if (!device || !model) {
      skip("accelerator the simulator cannot run at INT8 (no INT8 peak in its file)");
      continue;
    }
    const { stack, sm } = model;
    const measured = r.scenario === "Offline" ? perAccelerator(r) : r.nodes === 1 ? r.throughput : null;
    if (measured === null) {
      skip("not a single-node system (no value per accelerator)");
      continue;
    }
    const at = (batch: number) => {
      const key = `${r.accelerator}|${stack}|${batch}`;
      if (!cache.has(key)) {
        const res = simulateWith(profile, device, "int8", sm, batch);
        cache.set(key, isBatchResult(res) ? res : null);
      }
      return cache.get(key)!;
    };
    let predicted: number;
    let batch: number;
    if (r.scenario === "Offline") {
      const best = OFFLINE_BATCHES.map(at)
        .filter((x): x is BatchResult => x !== null)
        .reduce<BatchResult | null>((a, b) => (a && a.throughputImgS >= b.throughputImgS ? a : b), null);
      if (!best) {
        skip("no feasible simulated batch");
        continue;
      }
      predicted = best.throughputImgS;
      batch = best.batch;
    } else {
      const one = at(1);
      if (!one) {
        skip("no feasible simulated batch");
        continue;
      }
      predicted = one.throughputImgS;
      batch = 1;
    }
    const point: MlperfValidationPoint = {
      study: r.study,
      round: r.round,
      submitter: r.submitter,
      system: r.system,
      accelerator: r.accelerator!,
      scenario: r.scenario,
      stack,
      engine: sm.engine,
      measured: round(measured),
      predicted: round(predicted),
      predicted_batch: batch,
      error_pct: round(((predicted - measured) / measured) * 100, 4),
      accelerator_in_fit: seen.has(r.accelerator!),
      source: r.source,
    };
    points.push(point);
    errorOf.set(point, (predicted - measured) / measured);
  }
  const stats = (key: string, ps: readonly MlperfValidationPoint[]) =>
    errorStats(
      key,
      ps.map((p) => errorOf.get(p)!),
    );
  const scenarios = ["Offline", "SingleStream"] as const;
  const engines = ["kernels", "roofline"] as const;
  const summary = engines.flatMap((engine) =>
    scenarios.map((scenario) => {
      const all = stats(
        scenario,
        points.filter((p) => p.scenario === scenario && p.engine === engine),
      );
      const unseen = stats(
        scenario,
        points.filter((p) => p.scenario === scenario && p.engine === engine && !p.accelerator_in_fit),
      );
      return {
        scenario,
        engine,
        points: all.points,
        mape_pct: all.mape_pct,
        bias_pct: all.bias_pct,
        unseen_points: unseen.points,
        unseen_mape_pct: unseen.mape_pct,
        unseen_bias_pct: unseen.bias_pct,
      };
    }),
  );
  const groups = groupBy(points, (p) => `${p.accelerator}|${p.scenario}|${p.engine}`);
  const byAccelerator = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, ps]) => {
      const s = stats(key, ps);
      return {
        accelerator: ps[0]!.accelerator,
        scenario: ps[0]!.scenario,
        engine: ps[0]!.engine,
        points: s.points,
        mape_pct: s.mape_pct!,
        bias_pct: s.bias_pct!,
      };
    });
  return {
    precision: "int8",
    precision_source: MLPERF_PRECISION_SOURCE,
    points,
    summary,
    byAccelerator,
    left_out: [...leftOut.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, results]) => ({ reason, results })),
  };
}

/**
 * The simulator a result is compared with: the GPU kernel model under the stack its framework maps
 * to, else (a GPU without an SM count) the layer roofline of the accelerator's default stack, as its
 * page shows it; null when neither can run.
 */
function modelFor(
  ctx: SimulatorContext,
  accelerator: string,
  framework: string,
): { stack: string; sm: StackModel } | null {
  const stack = matchStack(ctx.params, framework, "");
  const kernels = stackModel(ctx, accelerator, stack, "int8");
  if (!("error" in kernels)) return { stack, sm: kernels };
  const fallback = defaultStack(ctx, accelerator);
  const roofline = stackModel(ctx, accelerator, fallback, "int8");
  return "error" in roofline || roofline.engine !== "roofline" ? null : { stack: fallback, sm: roofline };
}

/**
 * GPUs of the comparison: `seen` / `unseen`, those the kernel model simulates whose other published
 * tables the fit did / did not train on; `roofline`, those only the layer roofline simulates.
 */
export function mlperfGpus(v: MlperfValidation, which: "seen" | "unseen" | "roofline"): Set<string> {
  const of = (p: MlperfValidationPoint) =>
    which === "roofline"
      ? p.engine === "roofline"
      : p.engine === "kernels" && p.accelerator_in_fit === (which === "seen");
  return new Set(v.points.filter(of).map((p) => p.accelerator));
}
