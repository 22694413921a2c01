/** Number and label formatting for pages: one place, so every table reads the same. */
import type { CanonicalRow } from "../pipeline/schema.ts";

// One formatter for the build: toLocaleString builds a new one per call, a measurable share of page rendering.
const NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });

/** Shows a number with up to `digits` significant digits, grouping thousands; "–" for missing. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return NUMBER.format(Number(x.toPrecision(digits)));
}

export function fmtPct(x: number | null | undefined): string {
  return x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)} %`;
}

/** Names come from the one labels module (src/pipeline/labels.ts); pages take them from here with the numbers. */
export { count, modelName, PRECISION_NAMES } from "../pipeline/labels.ts";

/** The fields of a row that were computed, not read (parsed from the row's `derived` column). */
export function derivedFields(row: CanonicalRow): Set<string> {
  return new Set(
    row.derived
      .split("; ")
      .filter(Boolean)
      .map((d) => d.slice(0, d.indexOf("="))),
  );
}
