/** The normalized dataset as published files: dist/data/measurements.csv and .json. */
import Papa from "papaparse";
import { CANONICAL_COLUMNS, type CanonicalRow } from "../schema.ts";

/** CSV with the canonical columns in their fixed order; missing values are empty cells. */
export function measurementsCsv(rows: CanonicalRow[]): string {
  const data = rows.map((r) => CANONICAL_COLUMNS.map((c) => (r[c] === null ? "" : String(r[c]))));
  return Papa.unparse({ fields: CANONICAL_COLUMNS as string[], data }, { newline: "\n", quotes: false }) + "\n";
}

/**
 * JSON with the same columns, row-major like the CSV: `{columns, rows: [[…], …]}`. Numbers stay numbers
 * and missing values are null; the column names are given once rather than repeated on 8,000 rows.
 */
export function measurementsJson(rows: CanonicalRow[]): string {
  return JSON.stringify({ columns: CANONICAL_COLUMNS, rows: rows.map((r) => CANONICAL_COLUMNS.map((c) => r[c])) }) + "\n";
}

/** Stable order: by kind, study, series, batch. Makes output bytes independent of file-system order. */
export function sortRows(rows: CanonicalRow[]): CanonicalRow[] {
  const kindOrder = { measured: 0, claim: 1, simulated: 2 } as const;
  return [...rows].sort(
    (a, b) =>
      kindOrder[a.kind] - kindOrder[b.kind] ||
      a.study.localeCompare(b.study, "en") ||
      a.series.localeCompare(b.series, "en") ||
      (a.batch_size ?? 0) - (b.batch_size ?? 0) ||
      a.source_line.localeCompare(b.source_line, "en", { numeric: true }),
  );
}
