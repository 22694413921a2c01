/** The published dataset checked as a reader's tools would read it. */
import { expect } from "vitest";
import Papa from "papaparse";
import { CANONICAL_COLUMNS } from "../../src/pipeline/schema.ts";
import { measurementsCsvChunks, measurementsJsonChunks } from "../../src/pipeline/output/measurements.ts";

/** Numeric columns of the dataset, as published. */
const NUMERIC = CANONICAL_COLUMNS.filter((c) =>
  [
    "devices",
    "input_width",
    "input_height",
    "batch_size",
    "latency_ms",
    "latency_p90_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "throughput_img_s",
    "power_w",
    "img_s_per_w",
    "cost_usd_per_1000_img",
    "fraction_of_peak",
    "utilization_pct",
    "memory_used_mb",
  ].includes(c),
);

/** Every numeric cell of measurements.csv is empty or a finite number, and the JSON agrees cell for cell. */
export function expectFiniteDataset(rows: Parameters<typeof measurementsCsvChunks>[0]): void {
  const csv = [...measurementsCsvChunks(rows)].join("");
  const json = JSON.parse([...measurementsJsonChunks(rows)].join("")) as {
    columns: string[];
    rows: unknown[][];
  };
  const parsed = Papa.parse<string[]>(csv.trimEnd(), { header: false }).data;
  const header = parsed[0]!;
  expect(parsed.length - 1).toBe(json.rows.length);
  for (const column of NUMERIC) {
    const i = header.indexOf(column);
    const j = json.columns.indexOf(column);
    expect(i, column).toBeGreaterThanOrEqual(0);
    for (const [r, cells] of parsed.slice(1).entries()) {
      const text = cells[i]!;
      const value = json.rows[r]![j];
      if (text === "") {
        expect(value, `${column} row ${r}`).toBeNull();
        continue;
      }
      expect(text, `${column} row ${r}`).toMatch(/^\d+(\.\d+)?(e-\d+)?$/);
      expect(Number.isFinite(Number(text)), `${column} row ${r}: ${text}`).toBe(true);
      expect(value, `${column} row ${r}`).toBe(Number(text));
    }
  }
}
