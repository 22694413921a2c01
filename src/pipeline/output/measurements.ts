/** The normalized dataset as published files: dist/data/measurements.csv and .json. */
import { csvLine } from "./csv.ts";
import { CANONICAL_COLUMNS, type CanonicalRow } from "../schema.ts";

/**
 * Rows per piece of the chunked writers: the dataset grows with the simulator's sweep (hundreds of
 * thousands of rows at 100× the data), and one string of it would pass V8's maximum string length.
 */
const CHUNK_ROWS = 10_000;

function* chunksOf<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK_ROWS) yield items.slice(i, i + CHUNK_ROWS);
}

/** CSV with the canonical columns in their fixed order; missing values are empty cells. Pieces join to the file's bytes. */
export function* measurementsCsvChunks(rows: CanonicalRow[]): Generator<string> {
  yield csvLine(CANONICAL_COLUMNS);
  for (const chunk of chunksOf(rows)) {
    yield chunk
      .map((r) =>
        csvLine(CANONICAL_COLUMNS.map((c) => (r[c] === null || r[c] === undefined ? "" : String(r[c])))),
      )
      .join("");
  }
}

/**
 * JSON with the same columns, row-major like the CSV: `{columns, rows: [[…], …]}`. Numbers stay numbers
 * and missing values are null; the column names are given once rather than repeated on every row.
 * Pieces join to exactly `JSON.stringify({ columns, rows })` plus a newline.
 */
export function* measurementsJsonChunks(rows: CanonicalRow[]): Generator<string> {
  yield `{"columns":${JSON.stringify(CANONICAL_COLUMNS)},"rows":[`;
  let first = true;
  for (const chunk of chunksOf(rows)) {
    yield `${first ? "" : ","}${chunk.map((r) => JSON.stringify(CANONICAL_COLUMNS.map((c) => r[c] ?? null))).join(",")}`;
    first = false;
  }
  yield "]}\n";
}

// One collator each, made once: localeCompare(…, "en") looks its collator up on every call, and sorting
// the dataset at 100× the data (690,000 rows) spent 4 s in it. Same order (ECMA-402 defines
// localeCompare by Intl.Collator with the same locale and options).
const byText = new Intl.Collator("en");
const byNumberedText = new Intl.Collator("en", { numeric: true });
const compareText = (a: string, b: string, collator = byText) => (a === b ? 0 : collator.compare(a, b));

/** Stable order: by kind, study, series, batch. Makes output bytes independent of file-system order. */
export function sortRows(rows: CanonicalRow[]): CanonicalRow[] {
  const kindOrder = { measured: 0, claim: 1, simulated: 2 } as const;
  return [...rows].sort(
    (a, b) =>
      kindOrder[a.kind] - kindOrder[b.kind] ||
      compareText(a.study, b.study) ||
      compareText(a.series, b.series) ||
      (a.batch_size ?? 0) - (b.batch_size ?? 0) ||
      compareText(a.source_line, b.source_line, byNumberedText),
  );
}
