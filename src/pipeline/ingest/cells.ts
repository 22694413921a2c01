/** Reading one numeric cell ("5.79 ms", "32 (run 2)") and converting units to the canonical ones. */
import { QUANTITY_BOUNDS, type BoundedQuantity } from "../bounds.ts";
import { FIELD_UNITS, type Field } from "../schema.ts";

/** Factor that turns a value in `unit` into the field's canonical (first-listed) unit. */
const UNIT_FACTORS: Record<string, Record<string, number>> = {
  // "µs" is written with the micro sign (U+00B5) or the Greek mu (U+03BC); both are accepted.
  time_ms: { ms: 1, s: 1000, us: 1e-3, "\u00b5s": 1e-3, "\u03bcs": 1e-3, ns: 1e-6 },
  time_s: { s: 1, ms: 1e-3 },
  memory_mb: { MB: 1, MiB: 1.048576, GB: 1000 },
};

const FIELD_FACTOR_GROUP: Partial<Record<Field, keyof typeof UNIT_FACTORS>> = {
  latency_ms: "time_ms",
  latency_p50_ms: "time_ms",
  latency_p90_ms: "time_ms",
  latency_p95_ms: "time_ms",
  latency_p99_ms: "time_ms",
  run_time_s: "time_s",
  memory_used_mb: "memory_mb",
  memory_total_mb: "memory_mb",
};

export function unitAccepted(field: Field, unit: string): boolean {
  return unitsOf(field).includes(unit);
}

/** The units a field's column may be written in. */
export function unitsOf(field: Field): readonly string[] {
  return FIELD_UNITS[field];
}

/** Words a cell's suffix may write a unit with, lower-cased, by the unit they mean ("msec" is ms). */
const UNIT_WORDS: Record<string, string> = {
  ms: "ms",
  msec: "ms",
  msecs: "ms",
  millisecond: "ms",
  milliseconds: "ms",
  s: "s",
  sec: "s",
  secs: "s",
  second: "s",
  seconds: "s",
  us: "us",
  "\u00b5s": "us",
  "\u03bcs": "us",
  usec: "us",
  microseconds: "us",
  ns: "ns",
  nsec: "ns",
  nanoseconds: "ns",
  mb: "MB",
  mib: "MiB",
  gb: "GB",
};

/** Every unit some column may be in (text excepted). */
const ALL_UNITS = new Set<string>(
  Object.values(FIELD_UNITS)
    .flat()
    .filter((u) => u !== "text"),
);

/**
 * Whether a column's suffix names a unit the column is not in: a suffix is only text stripped from
 * each cell, so `unit: s` with `suffix: "ms"` (or "msec", or "us") would read "5.79 ms" as 5.79 s,
 * 1000× too much. A unit of the field's own scale must be the column's (us and µs agree); a unit of
 * another quantity ("MB" on a latency) is never right.
 */
export function suffixContradictsUnit(field: Field, unit: string, suffix: string | undefined): boolean {
  const text = suffix?.trim() ?? "";
  const named = UNIT_WORDS[text.toLowerCase()] ?? (ALL_UNITS.has(text) ? text : undefined);
  if (named === undefined) return false;
  const group = FIELD_FACTOR_GROUP[field];
  if (group === undefined) return !unitsOf(field).includes(named);
  const factors = UNIT_FACTORS[group]!;
  return !(named in factors) || factors[named] !== factors[unit];
}

export function unitFactor(field: Field, unit: string): number {
  const group = FIELD_FACTOR_GROUP[field];
  return group ? UNIT_FACTORS[group]![unit]! : 1;
}

/** Fields whose values must be strictly positive (a zero latency or batch is a transcription error): those whose physical range starts above 0. */
const POSITIVE_FIELDS = new Set<Field>(
  (Object.keys(QUANTITY_BOUNDS) as BoundedQuantity[])
    .filter((f) => QUANTITY_BOUNDS[f].min > 0 && f !== "fraction_of_peak")
    .map((f) => f as Field),
);

interface ParsedNumber {
  /** Value in the column's unit, exactly as written. */
  value: number;
  /** Digits after the decimal point as written; used for rounding-aware consistency checks. */
  decimals: number;
  /** The "(...)" annotation, when the column allows one. */
  note: string | null;
}

type CellResult = { ok: true; parsed: ParsedNumber | null } | { ok: false; expected: string };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Parses a numeric cell. Empty cells are `null` (the source left them empty). Anything that is not
 * `<number>[ <suffix>][ (<note>)]` is refused with a description of what was expected.
 */
export function parseNumericCell(
  text: string,
  field: Field,
  options: { suffix?: string | undefined; allowNote?: boolean | undefined },
): CellResult {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, parsed: null };
  const suffix = options.suffix ? `(?:\\s*${escapeRegExp(options.suffix)})?` : "";
  const note = options.allowNote ? "(?:\\s+\\(([^()]{1,100})\\))?" : "";
  const re = new RegExp(`^(-?\\d+(?:\\.(\\d+))?)${suffix}${note}$`);
  const m = re.exec(trimmed);
  const shape = `a number with "." as decimal point${options.suffix ? `, optionally followed by "${options.suffix}"` : ""}${options.allowNote ? ', optionally followed by "(note)"' : ""}`;
  if (!m) return { ok: false, expected: shape };
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return { ok: false, expected: "a finite number" };
  if (field === "batch_size" && !Number.isInteger(value))
    return { ok: false, expected: "a whole number of images" };
  if (POSITIVE_FIELDS.has(field) && value <= 0) return { ok: false, expected: "a number greater than zero" };
  if (value < 0) return { ok: false, expected: "a number that is not negative" };
  return { ok: true, parsed: { value, decimals: m[2]?.length ?? 0, note: m[3] ?? null } };
}
