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

describe("a run published again in a table without batch sizes", () => {
  it.each([
    ["another series", "study-a-summary"],
    ["its own series", "study-a-fp32"],
  ])(
    "is linked to that run when its numbers match one run of the same setup (in %s), and shares its warnings",
    async (_, summarySeries) => {
      const { copyFixture, edit } = await import("../../helpers/fixtures.ts");
      const dir = copyFixture();
      // Batch 2048 is larger than the 1,000-image run: a warning a batch-less copy cannot raise itself.
      // Its run time (11.10 s × 900 img/s: 9,990 images, not 1,000) is a warning the copy raises too.
      edit(dir, "studies/study-a/latency.csv", (t) => `${t}2048,2275.56 ms,900.0,11.10\n`);
      const table = (file: string, series: string, execution: string) => `
  - file: ${file}
    title: "Summary"
    source: "Table 2"
    series: ${series}
    accelerator: acc-a
    model: resnet50_v1.5
    input: { width: 224, height: 224, stated: true }
    precision: fp32
    framework: "FixtureFlow 1.0"
    execution: ${execution}
    columns:
      - { name: "Configuration", field: label, unit: text }
      - { name: "Throughput", field: throughput_img_s, unit: img/s }
      - { name: "Run time (s)", field: run_time_s, unit: s }`;
      edit(dir, "studies/study-a/study.yaml", (t) =>
        t.replace(
          "claims:",
          `${table("summary.csv", summarySeries, "eager")}${table("other.csv", "study-a-other", "graph")}\nclaims:`,
        ),
      );
      // Line 2: batch 2048's run. Line 3: 800.0 img/s is batch 8's and batch 16's, and no run time: two runs.
      // other.csv repeats batch 2's numbers under another execution: not the same setup.
      const { writeFileSync } = await import("node:fs");
      const { join } = await import("node:path");
      writeFileSync(
        join(dir, "studies/study-a/summary.csv"),
        'Configuration,Throughput,Run time (s)\n"Largest (batch 2048)",900.0,11.10\nFastest,800.0,\n',
      );
      writeFileSync(
        join(dir, "studies/study-a/other.csv"),
        "Configuration,Throughput,Run time (s)\nGraph,363.6,2.75\n",
      );
      const audit = runPipeline(dir).audit;
      const same = audit.filter((f) => f.check === "same-run");
      expect(same.map((f) => f.rows)).toEqual([
        ["data/studies/study-a/summary.csv:2", "data/studies/study-a/latency.csv:7"],
      ]);
      expect(same[0]!.message).toBe(
        "Largest (batch 2048): the same run as data/studies/study-a/latency.csv:7 (batch 2048): throughput_img_s 900, run_time_s 11.1 agree; what the audit says of that run applies here too",
      );
      const larger = audit.find((f) => f.check === "batch-exceeds-images")!;
      expect(larger.rows).toEqual([
        "data/studies/study-a/latency.csv:7",
        "data/studies/study-a/summary.csv:2",
      ]);
      expect(larger.message).toContain(
        "(the same run is published again at data/studies/study-a/summary.csv:2)",
      );
      // The run is counted once: the copy's own run-time warning is the run's, which names both rows.
      const runTime = audit.filter(
        (f) => f.check === "run-time-vs-images" && f.rows.includes("data/studies/study-a/summary.csv:2"),
      );
      expect(runTime.map((f) => f.rows)).toEqual([
        ["data/studies/study-a/latency.csv:7", "data/studies/study-a/summary.csv:2"],
      ]);
      expect(audit.filter((f) => f.rows.includes("data/studies/study-a/other.csv:2"))).toEqual([]);
    },
  );
});

describe("microseconds", () => {
  it("reads a column in µs, written with the micro sign or the Greek mu, as thousandths of a ms", async () => {
    const { copyFixture, edit } = await import("../../helpers/fixtures.ts");
    for (const mu of ["\u00b5", "\u03bc"]) {
      const dir = copyFixture();
      edit(dir, "studies/study-a/study.yaml", (t) =>
        t.replace('unit: ms, suffix: "ms"', `unit: ${mu}s, suffix: "${mu}s"`),
      );
      edit(dir, "studies/study-a/latency.csv", (t) =>
        t.replace(/(\d+\.\d+) ms/g, (_, ms: string) => `${Math.round(Number(ms) * 1000)} ${mu}s`),
      );
      const rows = runPipeline(dir).rows.filter((r) => r.series === "study-a-fp32");
      expect(rows.slice(0, 2).map((r) => r.latency_ms)).toEqual([5, 5.5]);
    }
  });
});

describe("the ingest summary", () => {
  it("names the studies the audit warns about, with their counts, and says nothing when there are none", async () => {
    const { auditWarningsLine } = await import("../../../scripts/lib/stages.ts");
    const audit = runPipeline(MINIMAL).audit;
    expect(auditWarningsLine(audit)).toBe(
      "audit warnings (published numbers in doubt; listed on each study page): study-a 1\n",
    );
    expect(auditWarningsLine(audit.filter((f) => f.severity !== "warning"))).toBe("");
  });
});

describe("a suffix against its column's unit", () => {
  it("contradicts it when it names another scale, in any spelling, and agrees when the scale is the same", async () => {
    const { suffixContradictsUnit: contradicts } = await import("../../../src/pipeline/ingest/cells.ts");
    for (const suffix of ["ms", "msec", "MS", "milliseconds"])
      expect(contradicts("latency_ms", "s", suffix), suffix).toBe(true);
    expect(contradicts("run_time_s", "s", "msec")).toBe(true);
    // A unit of another scale or quantity than the field's own.
    for (const [field, unit, suffix] of [
      ["run_time_s", "s", "us"],
      ["run_time_s", "s", "\u00b5s"],
      ["throughput_img_s", "img/s", "ms"],
      ["latency_ms", "ms", "MB"],
      ["latency_ms", "ms", "img/s"],
    ] as const)
      expect(contradicts(field, unit, suffix), `${field} ${suffix}`).toBe(true);
    expect(contradicts("memory_used_mb", "GB", "MB")).toBe(true);
    for (const [field, unit, suffix] of [
      ["latency_ms", "us", "\u00b5s"],
      ["latency_ms", "\u03bcs", "us"],
      ["latency_ms", "ms", "ms"],
      ["throughput_img_s", "samples/s", "img/s"],
      ["latency_ms", "ms", ""],
    ] as const)
      expect(contradicts(field, unit, suffix), `${unit} ${suffix}`).toBe(false);
  });
});
