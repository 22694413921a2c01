/** The benchmark's synthetic data (scripts/lib/synthetic.ts) must grow the way a real atlas would. */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import Papa from "papaparse";
import { measureData, writeSynthetic } from "../../scripts/lib/synthetic.ts";
import { loadData } from "../../src/pipeline/ingest/index.ts";
import { loadAliasTable, matchAccelerator } from "../../src/pipeline/mlperf/aliases.ts";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Tables per accelerator of a synthetic data folder (an imported MLPerf round counts once for each accelerator it has results of). */
function tablesPerAccelerator(scale: number): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "atlas-synthetic-"));
  made.push(dir);
  const size = writeSynthetic("data", dir, scale);
  const counts = new Map<string, number>(
    readdirSync(join(dir, "accelerators")).map((f) => [f.replace(/\.yaml$/, ""), 0]),
  );
  const aliases = loadAliasTable({ dir, display: "data" }, new Set(counts.keys()));
  for (const s of readdirSync(join(dir, "studies"))) {
    const study = parse(readFileSync(join(dir, "studies", s, "study.yaml"), "utf8")) as {
      tables: { accelerator: string }[];
      mlperf?: { file: string };
    };
    for (const t of study.tables) counts.set(t.accelerator, counts.get(t.accelerator)! + 1);
    if (!study.mlperf || !aliases) continue;
    const rows = Papa.parse<Record<string, string>>(
      readFileSync(join(dir, "studies", s, study.mlperf.file), "utf8"),
      {
        header: true,
        skipEmptyLines: true,
      },
    ).data;
    const ids = new Set(
      rows.map((r) => {
        const m = matchAccelerator(aliases, {
          acceleratorModel: r["Accelerator model"]!,
          acceleratorMemory: r["Accelerator memory"]!,
          acceleratorsPerNode: r["Accelerators per node"]!,
          hostProcessor: r["Host processor"]!,
        });
        return m.kind === "unmapped" ? null : m.id;
      }),
    );
    for (const id of ids) if (id) counts.set(id, counts.get(id)! + 1);
  }
  expect(counts.size).toBe(size.accelerators);
  return counts;
}

describe("synthetic benchmark data", () => {
  it("is `scale` times the real data in studies, tables, rows and accelerators", () => {
    const real = measureData("data");
    const dir = mkdtempSync(join(tmpdir(), "atlas-synthetic-"));
    made.push(dir);
    const size = writeSynthetic("data", dir, 3);
    expect([size.studies, size.tables, size.rows, size.accelerators]).toEqual([
      real.studies * 3,
      real.tables * 3,
      real.rows * 3,
      real.accelerators * 3,
    ]);
    expect(measureData(dir).rows).toBe(size.rows);
    // What `npm run bench` builds must be data ingest accepts (a spec's link to a real study once
    // broke it: the synthetic data has none of the real studies).
    expect(loadData(dir).studies.length).toBe(size.studies);
  });

  it("spreads the tables over every accelerator, as densely at 20× as at 1×", () => {
    const one = [...tablesPerAccelerator(1).values()];
    const twenty = [...tablesPerAccelerator(20).values()];
    // More accelerators with as many series each, not a few accelerators with twenty times as many.
    expect(Math.max(...twenty)).toBeLessThanOrEqual(Math.max(...one));
    expect(Math.min(...twenty)).toBeGreaterThanOrEqual(Math.min(...one));
    expect(Math.min(...twenty)).toBeGreaterThan(0);
  });
});
