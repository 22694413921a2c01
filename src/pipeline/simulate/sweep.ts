/**
 * The sweep: every model × input size × precision × batch on every accelerator, as canonical rows
 * (kind "simulated"), plus the memory breakdown behind the report's megapixel finding. Output is
 * deterministic: fixed iteration order and numbers rounded to SIGNIFICANT_DIGITS.
 */
import type { CanonicalRow } from "../schema.ts";
import { PRECISIONS, type Precision } from "./accounting.ts";
import { defaultStack, stackModel, type SimulatorContext } from "./context.ts";
import { DEFAULT_FUSION_POLICY, FUSION_POLICIES, type FusionPolicy } from "./liveness.ts";
import { memoryReport } from "./memory.ts";
import { seriesModelSlug, SWEEP_MODELS, type ModelId } from "./models/index.ts";
import { modelProfile } from "./profile.ts";
import { isBatchResult, simulateWith, smallestBatchAtFraction, type BatchResult } from "./simulate.ts";

const SIM_STUDY = "atlas-simulator";
const SIM_SOURCE = "src/pipeline/simulate";
const SIGNIFICANT_DIGITS = 5;

/** From 224² to 2 MP: YOLO sizes, squares, 2²¹ px (Flex Logix's "2 MP") and 1080p (YOLO letterboxes to 1088). */
export const SWEEP_SIZES: readonly { width: number; height: number }[] = [
  { width: 224, height: 224 },
  { width: 320, height: 320 },
  { width: 416, height: 416 },
  { width: 608, height: 608 },
  { width: 1024, height: 1024 },
  { width: 1440, height: 1440 },
  { width: 2048, height: 1024 },
  { width: 1920, height: 1080 },
];
export const SWEEP_BATCHES: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** How every simulated row's numbers were derived, as `derived` (the models are in docs/simulator.md). */
const SIM_FORMULA =
  "latency_ms=simulated (docs/simulator.md: GPU kernel model with host/device timelines, or layer roofline for other accelerators); " +
  "throughput_img_s=batch_size/latency_ms; fraction_of_peak=throughput_img_s/max throughput_img_s of the series; " +
  "img_s_per_w=throughput_img_s/power_w; cost_usd_per_1000_img=price_usd_per_hour/3600/throughput_img_s·1000";

export const round = (x: number, digits = SIGNIFICANT_DIGITS): number =>
  x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));

interface SweepOptions {
  models?: readonly ModelId[];
  sizes?: readonly { width: number; height: number }[];
  batches?: readonly number[];
  precisions?: readonly Precision[];
  policy?: FusionPolicy;
}

export function simulateSweep(ctx: SimulatorContext, options: SweepOptions = {}): CanonicalRow[] {
  const models = options.models ?? SWEEP_MODELS;
  const sizes = options.sizes ?? SWEEP_SIZES;
  const batches = options.batches ?? SWEEP_BATCHES;
  const precisions = options.precisions ?? PRECISIONS;
  const policy = options.policy ?? DEFAULT_FUSION_POLICY;
  const rows: CanonicalRow[] = [];
  // 1. Accelerators in id order; those that cannot be simulated (no bandwidth, no peak) are left out.
  for (const acc of [...ctx.accelerators].sort((a, b) => a.id.localeCompare(b.id))) {
    const device = ctx.devices.get(acc.id);
    if (!device) continue;
    const stackId = defaultStack(ctx, acc.id);
    for (const model of models) {
      for (const size of sizes) {
        // 2. Graph, liveness and kernels depend on (model, size) only: memoized.
        const profile = modelProfile(model, size.width, size.height);
        for (const precision of precisions) {
          if (!device.peak[precision]) continue;
          const stack = stackModel(ctx, acc.id, stackId, precision);
          if ("error" in stack) continue;
          // 3. One series: every batch that fits in device memory.
          const results = batches
            .map((n) => simulateWith(profile, device, precision, stack, n, { policy }))
            .filter(isBatchResult);
          if (results.length === 0) continue;
          const best = Math.max(...results.map((r) => r.throughputImgS));
          const note = [
            `Simulated by the atlas's analytic model, not measured. Stack ${stackId} (${stack.source}).`,
            `Peak from ${device.peak[precision]!.spec}; ${policy} fusion.`,
            profile.input.letterboxed
              ? `Input letterboxed to ${profile.input.usedWidth}×${profile.input.usedHeight}.`
              : "",
            device.supplemented.length
              ? `From data/simulator/accelerators.yaml: ${device.supplemented.join(", ")}.`
              : "",
            device.powerW !== null
              ? "power_w is the power spec (TDP or board power), not a measurement."
              : "",
          ]
            .filter(Boolean)
            .join(" ");
          const series = `sim-${acc.id}-${seriesModelSlug(model)}-${size.width}x${size.height}-${precision}`;
          for (const r of results)
            rows.push(
              simulatedRow(r, {
                series,
                accelerator: acc.id,
                model,
                size,
                precision,
                stack: stackId,
                policy,
                best,
                powerW: device.powerW,
                price: device.priceUsdPerHour,
                note,
              }),
            );
        }
      }
    }
  }
  return rows;
}

/** How a simulated twin's note begins (validate.ts): what tells a twin of a measured row from a sweep row. */
export const TWIN_NOTE = "Simulated twin of measured series";

/** A simulated twin of a measured row, not a row of the sweep. */
export const isSimulatedTwin = (r: CanonicalRow) => r.kind === "simulated" && r.note.startsWith(TWIN_NOTE);

/** Precisions a summary of the sweep shows, in order of preference: the first the simulator could model. */
export const SUMMARY_PRECISIONS = ["fp16", "int8", "fp32"] as const satisfies readonly Precision[];

interface RowContext {
  series: string;
  accelerator: string;
  model: string;
  size: { width: number; height: number };
  precision: CanonicalRow["precision"];
  stack: string;
  policy: FusionPolicy;
  best: number;
  powerW: number | null;
  price: number | null;
  note: string;
  devices?: number;
  derivedExtra?: string;
}

/** One simulated point as a canonical row; numbers rounded so the output bytes are stable. */
export function simulatedRow(r: BatchResult, c: RowContext): CanonicalRow {
  return {
    study: SIM_STUDY,
    series: c.series,
    accelerator: c.accelerator,
    devices: c.devices ?? 1,
    model: c.model,
    input_width: c.size.width,
    input_height: c.size.height,
    precision: c.precision,
    framework: `atlas-simulator (stack: ${c.stack})`,
    execution:
      r.engine === "kernels"
        ? "simulated (GPU kernel model)"
        : `simulated (layer roofline, fusion policy: ${c.policy})`,
    batch_size: r.batch,
    latency_ms: round(r.latencyMs),
    latency_p90_ms: null,
    latency_p95_ms: null,
    latency_p99_ms: null,
    utilization_pct: null,
    memory_used_mb: null,
    throughput_img_s: round(r.throughputImgS),
    power_w: c.powerW,
    img_s_per_w: c.powerW !== null ? round(r.throughputImgS / c.powerW) : null,
    cost_usd_per_1000_img: c.price !== null ? round((c.price / 3600 / r.throughputImgS) * 1000) : null,
    fraction_of_peak: c.best > 0 ? round(r.throughputImgS / c.best) : null,
    kind: "simulated",
    note: c.note,
    derived: c.derivedExtra ? `${SIM_FORMULA}; ${c.derivedExtra}` : SIM_FORMULA,
    source_file: SIM_SOURCE,
    source_line: "",
  };
}

export interface MemoryBreakdownRow {
  model: ModelId;
  width: number;
  height: number;
  /** Size the network was built at (YOLOv3 letterboxes to multiples of 32). */
  usedWidth: number;
  usedHeight: number;
  letterboxed: boolean;
  megapixels: number;
  precision: Precision;
  params: number;
  macs: number;
  weightBytes: number;
  flexLogixWeightBytes: number;
  largestActivationBytes: number;
  layerIoPeakBytes: number;
  /** Liveness peak under the default fusion policy. */
  peakActivationBytes: number;
  peakActivationBytesByPolicy: Record<FusionPolicy, number>;
  totalActivationBytes: number;
  /** Weights + peak working set: what one image needs on chip to never touch DRAM. */
  onChipBytesForNoSpill: number;
}

/** Weights vs activations vs working set per model × input size, batch 1 (every activation figure scales ×N). */
export function memoryBreakdown(
  options: {
    models?: readonly ModelId[];
    sizes?: readonly { width: number; height: number }[];
    precisions?: readonly Precision[];
    policy?: FusionPolicy;
  } = {},
): MemoryBreakdownRow[] {
  const rows: MemoryBreakdownRow[] = [];
  for (const model of options.models ?? SWEEP_MODELS) {
    for (const size of options.sizes ?? SWEEP_SIZES) {
      const p = modelProfile(model, size.width, size.height);
      for (const precision of options.precisions ?? PRECISIONS) {
        const m = memoryReport(p.graph, p.activations, precision, 1, options.policy ?? DEFAULT_FUSION_POLICY);
        rows.push({
          model,
          width: size.width,
          height: size.height,
          usedWidth: p.input.usedWidth,
          usedHeight: p.input.usedHeight,
          letterboxed: p.input.letterboxed,
          megapixels: round((p.input.usedWidth * p.input.usedHeight) / 1e6, 4),
          precision,
          params: p.totals.params,
          macs: p.totals.macs,
          weightBytes: m.weightBytes,
          flexLogixWeightBytes: m.flexLogixWeightBytes,
          largestActivationBytes: m.largestActivationBytes,
          layerIoPeakBytes: m.layerIoPeakBytes,
          peakActivationBytes: m.peakActivationBytes,
          peakActivationBytesByPolicy: Object.fromEntries(
            FUSION_POLICIES.map((f) => [f, m.peakActivationBytesByPolicy[f]]),
          ) as Record<FusionPolicy, number>,
          totalActivationBytes: m.totalActivationBytes,
          onChipBytesForNoSpill: m.weightBytes + m.peakActivationBytes,
        });
      }
    }
  }
  return rows;
}

/**
 * Per series (measured or simulated rows alike): the smallest batch whose throughput reaches
 * `fraction` of the series' best, e.g. "MN-Core 2 reaches 90% of its peak at batch 4".
 */
export function smallestBatchBySeries(
  rows: readonly CanonicalRow[],
  fraction = 0.9,
): { series: string; batch: number; bestThroughputImgS: number }[] {
  const groups = new Map<string, { batch: number; throughputImgS: number }[]>();
  for (const r of rows) {
    if (r.batch_size === null || r.throughput_img_s === null) continue;
    groups.set(r.series, [
      ...(groups.get(r.series) ?? []),
      { batch: r.batch_size, throughputImgS: r.throughput_img_s },
    ]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([series, points]) => ({
      series,
      batch: smallestBatchAtFraction(points, fraction)!,
      bestThroughputImgS: Math.max(...points.map((p) => p.throughputImgS)),
    }));
}
