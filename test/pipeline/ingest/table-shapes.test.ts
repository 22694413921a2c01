/**
 * Published table shapes beyond plain numeric columns: text columns kept out of each row's note
 * (`row_note: false`), and a published "N/A" read as empty, which leaves a row with no measurement.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runPipeline } from "../../../src/pipeline/run.ts";
import { SourceError } from "../../../src/pipeline/errors.ts";
import { copyFixture } from "../../helpers/fixtures.ts";

const STUDY = (columns: string, extra = "") => `id: study-b
title: "Fixture study B"
authors: ["A. Tester"]
year: 2024
citation: "Tester, A. (2024). Fixture study B."
license: { redistribution: allowed, note: "made up for tests" }
summary: "Throughput with text columns and an N/A cell."
method: "Made up."
tables:
  - file: t.csv
    title: "Throughput per batch"
    source: "Table 1"
    series: study-b-fp16
    accelerator: acc-a
    model: resnet50_v1.5
    input: { width: 224, height: 224, stated: true }
    precision: fp16
    framework: "FixtureFlow 1.0"
    execution: graph
    columns:
${columns}
${extra}`;

const COLUMNS = `      - { name: "Precision", field: text, unit: text, row_note: false }
      - { name: "Batch", field: batch_size, unit: images }
      - { name: "img/s", field: throughput_img_s, unit: img/s }
      - { name: "Speedup", field: text, unit: text }`;

const CSV = "Precision,Batch,img/s,Speedup\nFP16,1,100.5,1.2\nFP16,2,190.0,1.4\nFP16,4,N/A,\n";

function withStudyB(yaml: string, csv = CSV): string {
  const dir = copyFixture();
  mkdirSync(join(dir, "studies", "study-b"));
  writeFileSync(join(dir, "studies", "study-b", "study.yaml"), yaml);
  writeFileSync(join(dir, "studies", "study-b", "t.csv"), csv);
  return dir;
}

const NA_CORRECTION = `    corrections:
      - { line: 4, column: "img/s", published: "N/A", read_as: "", reason: "no result published for batch 4" }`;

describe("text columns and empty readings", () => {
  const dir = withStudyB(STUDY(COLUMNS, NA_CORRECTION));
  const atlas = runPipeline(dir);
  rmSync(dir, { recursive: true, force: true });
  const rows = atlas.rows.filter((r) => r.series === "study-b-fp16");

  it("keeps a row_note: false column out of the row note, and other text columns in it", () => {
    expect(rows.map((r) => [r.batch_size, r.note])).toEqual([
      [1, "Speedup: 1.2"],
      [2, "Speedup: 1.4"],
    ]);
  });

  it("leaves the published table untouched on the study page", () => {
    const table = atlas.studies.find((s) => s.study.id === "study-b")!.tables[0]!;
    expect(table.header).toEqual(["Precision", "Batch", "img/s", "Speedup"]);
    expect(table.rows.map((r) => r.cells)).toEqual([
      ["FP16", "1", "100.5", "1.2"],
      ["FP16", "2", "190.0", "1.4"],
      ["FP16", "4", "N/A", ""],
    ]);
  });

  it("drops a row whose only value is its batch size from the dataset, and the audit says why", () => {
    expect(rows.some((r) => r.batch_size === 4)).toBe(false);
    const typo = atlas.audit.find((f) => f.study === "study-b" && f.check === "source-typo");
    expect(typo?.message).toContain('the source prints "N/A" in column "img/s"');
    expect(typo?.rows).toEqual(["data/studies/study-b/t.csv:4"]);
  });

  it("refuses the N/A cell without a correction", () => {
    const bad = withStudyB(STUDY(COLUMNS));
    expect(() => runPipeline(bad)).toThrow(/t\.csv:4:\d+: column "img\/s".*not a valid value/);
    rmSync(bad, { recursive: true, force: true });
  });

  it("refuses row_note on a column that is not text, naming the line in study.yaml", () => {
    const bad = withStudyB(
      STUDY(
        COLUMNS.replace(
          "field: throughput_img_s, unit: img/s",
          "field: throughput_img_s, unit: img/s, row_note: false",
        ),
      ),
    );
    let error: unknown;
    try {
      runPipeline(bad);
    } catch (e) {
      error = e;
    }
    rmSync(bad, { recursive: true, force: true });
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(
      /study-b\/study\.yaml:\d+:\d+: .*row_note applies to text columns only/,
    );
  });
});
