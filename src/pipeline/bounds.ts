/**
 * The physical range of every number the atlas reads or computes, in one place. Cells are checked
 * after unit conversion, derived values after derivation, specs and table settings by the schemas.
 * The ranges are deliberately wide (orders of magnitude beyond any published value): they exist to
 * refuse values no accelerator can produce (a batch of 10²¹ images, a latency of 10³⁰⁶ s, half a
 * nanosecond per batch), which would otherwise reach the dataset as Infinity, 0 or `1e+21`.
 * That every numeric field and spec key has a range is checked where schema.ts and the readers index
 * these tables by field (a missing one is a compile error there), so this module imports nothing.
 */
interface Bound {
  min: number;
  max: number;
  /** Whole numbers only (counts). */
  integer?: boolean;
  /** The range in words, with its unit, for messages. */
  text: string;
}

const bound = (min: number, max: number, unit: string, integer = false): Bound => ({
  min,
  max,
  integer,
  text: `${integer ? "a whole number" : "a number"} from ${show(min)} to ${show(max)}${unit ? ` ${unit}` : ""}`,
});

/** Numbers in messages without exponent notation ("0.000001", "1,000,000,000"). */
function show(x: number): string {
  return x >= 1
    ? x.toLocaleString("en-US", { maximumFractionDigits: 0 })
    : x.toLocaleString("en-US", { maximumSignificantDigits: 3 });
}

/**
 * A batch is a count of images held at once: a million 224×224 INT8 images is 150 GB, more than any
 * accelerator in the atlas holds, and every whole number up to it prints without an exponent.
 */
export const MAX_BATCH = 1_000_000;
/** Images in one timed run: a trillion at 10⁹ img/s is 17 minutes; every count up to it prints without an exponent. */
export const MAX_IMAGES_PER_RUN = 1e12;
/** Input side in pixels, as tables and claims state it (a 65,536² image is 4.3 gigapixels). */
export const MAX_INPUT_PX = 65_536;

/**
 * Canonical quantities (the fields of the dataset) in their canonical units. Lower bounds of times
 * and rates are physical floors (one nanosecond per batch; one image per 11 days); upper bounds are
 * far past every published system (the fastest MLPerf ResNet-50 result is about 10⁶ img/s).
 */
const THROUGHPUT = bound(1e-6, 1e9, "img/s");
export const QUANTITY_BOUNDS = {
  batch_size: bound(1, MAX_BATCH, "images", true),
  latency_ms: bound(1e-6, 8.64e7, "ms (1 ns to one day)"),
  latency_p50_ms: bound(1e-6, 8.64e7, "ms (1 ns to one day)"),
  latency_p90_ms: bound(1e-6, 8.64e7, "ms (1 ns to one day)"),
  latency_p95_ms: bound(1e-6, 8.64e7, "ms (1 ns to one day)"),
  latency_p99_ms: bound(1e-6, 8.64e7, "ms (1 ns to one day)"),
  throughput_img_s: THROUGHPUT,
  run_time_s: bound(1e-9, 1e8, "s (1 ns to three years)"),
  power_w: bound(1e-6, 1e7, "W"),
  img_s_per_w: bound(1e-9, 1e9, "img/s/W"),
  utilization_pct: bound(0, 100, "%"),
  memory_used_mb: bound(0, 1e9, "MB"),
  memory_total_mb: bound(1e-6, 1e9, "MB"),
  price_usd_per_hour: bound(1e-6, 1e6, "USD/h"),
  cost_usd_total: bound(0, 1e12, "USD"),
  cost_usd_per_1000_img: bound(0, 1e9, "USD per 1,000 images"),
  // The slowest point a series may hold over its fastest: any two throughputs within range divide into it.
  fraction_of_peak: bound(THROUGHPUT.min / THROUGHPUT.max, 1, "(a fraction of the series' peak)"),
} as const satisfies Record<string, Bound>;
export type BoundedQuantity = keyof typeof QUANTITY_BOUNDS;

/** Spec values of data/accelerators/*.yaml, per key (one accelerator, not a cluster). */
export const SPEC_BOUNDS = {
  peak_fp64_tflops: bound(1e-6, 1e5, "TFLOPS"),
  peak_fp32_tflops: bound(1e-6, 1e5, "TFLOPS"),
  peak_tf32_tflops: bound(1e-6, 1e5, "TFLOPS"),
  peak_fp16_tflops: bound(1e-6, 1e5, "TFLOPS"),
  peak_bf16_tflops: bound(1e-6, 1e5, "TFLOPS"),
  peak_int8_tops: bound(1e-6, 1e5, "TOPS"),
  macs: bound(1, 1e9, "MAC units", true),
  clock_ghz: bound(1e-3, 100, "GHz"),
  memory_gb: bound(1e-6, 1e6, "GB"),
  memory_bandwidth_gb_s: bound(1e-6, 1e7, "GB/s"),
  onchip_sram_mib: bound(1e-6, 1e7, "MiB"),
  sm_count: bound(1, 1e5, "SMs", true),
  l2_cache_mib: bound(1e-6, 1e5, "MiB"),
  tdp_w: bound(1e-3, 1e7, "W"),
  board_power_w: bound(1e-3, 1e7, "W"),
  price_usd_per_hour: bound(1e-6, 1e6, "USD/h"),
} as const satisfies Record<string, Bound>;

/** Whether `value` lies within `b` (and is finite, and whole where it must be). */
export function withinBound(value: number, b: Bound): boolean {
  return (
    Number.isFinite(value) && value >= b.min && value <= b.max && (!b.integer || Number.isInteger(value))
  );
}

/** The range `value` of `field` breaks, in words, or null when it is within it. */
export function outOfBounds(field: BoundedQuantity, value: number): string | null {
  const b = QUANTITY_BOUNDS[field];
  return withinBound(value, b) ? null : b.text;
}

/** `value` as a reader should see it in a message: exact digits, never `Infinity` or an exponent past 1e21. */
export function describeValue(value: number): string {
  if (Number.isNaN(value)) return "not a number";
  if (!Number.isFinite(value)) return value > 0 ? "infinite (too large for a number)" : "minus infinity";
  if (value === 0) return "0";
  return String(Number(value.toPrecision(6)));
}
