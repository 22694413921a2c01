import { describe, expect, it } from "vitest";
import { runPipeline } from "../../../src/pipeline/run.ts";
import { MINIMAL } from "../../helpers/fixtures.ts";

describe("ingest of a good study", () => {
  const atlas = runPipeline(MINIMAL);
  const rows = atlas.rows.filter((r) => r.series === "study-a-fp32");

  it("produces one canonical row per published row, pointing back to its line", () => {
    expect(rows.map((r) => [r.batch_size, r.source_line])).toEqual([
      [1, "2"],
      [2, "3"],
      [8, "4"],
      [8, "5"],
      [16, "6"],
    ]);
    expect(rows[0]!.source_file).toBe("data/studies/study-a/latency.csv");
  });

  it("keeps reported values and units, and marks annotations", () => {
    expect(rows[0]).toMatchObject({
      latency_ms: 5,
      throughput_img_s: 200,
      accelerator: "acc-a",
      input_width: 224,
      kind: "measured",
    });
    expect(rows[3]!.note).toBe("run 2");
  });

  it("derives the fraction of the series peak and says how", () => {
    expect(rows[0]!.fraction_of_peak).toBe(0.25);
    expect(rows[0]!.derived).toContain(
      "fraction_of_peak=throughput_img_s / max(throughput_img_s in the series)",
    );
    expect(rows[0]!.derived).not.toContain("latency_ms=");
  });

  it("audits redundant fields and reports the rows involved", () => {
    const runTime = atlas.audit.filter((f) => f.check === "run-time-vs-images");
    expect(runTime).toHaveLength(1);
    expect(runTime[0]!.rows).toEqual(["data/studies/study-a/latency.csv:6"]);
    expect(runTime[0]!.message).toContain("implies 10,000 images, but this table states 1,000");
    const repeats = atlas.audit.filter((f) => f.check === "repeated-measurement");
    expect(repeats).toHaveLength(1);
    expect(repeats[0]!.values.spread).toBeCloseTo(0.02, 3);
  });
});

describe("audit of published percentiles", () => {
  it("flags a mean above the 99th percentile as information", async () => {
    const { copyFixture, edit } = await import("../../helpers/fixtures.ts");
    const dir = copyFixture();
    edit(dir, "studies/study-a/study.yaml", (t) =>
      t.replace(
        '      - { name: "Run time (s)", field: run_time_s, unit: s }',
        '      - { name: "Run time (s)", field: run_time_s, unit: s }\n      - { name: "p99", field: latency_p99_ms, unit: ms }',
      ),
    );
    edit(dir, "studies/study-a/latency.csv", (t) =>
      t
        .split("\n")
        .map((l, i) => (l === "" ? l : i === 0 ? `${l},p99` : `${l},${i === 1 ? "4.00" : "99.0"}`))
        .join("\n"),
    );
    const audit = runPipeline(dir).audit.filter((f) => f.check === "mean-above-p99");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ severity: "info", rows: ["data/studies/study-a/latency.csv:2"] });
  });
});
