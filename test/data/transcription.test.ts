/**
 * The transcribed tables against their sources: row counts per table as the sources print them, and
 * spot checks of values (typed here from the published tables, so a slip in a CSV fails a test).
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runPipeline } from "../../src/pipeline/run.ts";
import { measurementsCsvChunks, measurementsJsonChunks } from "../../src/pipeline/output/measurements.ts";

const atlas = runPipeline(join(import.meta.dirname, "..", "..", "data"));
const measured = atlas.rows.filter((r) => r.kind === "measured");

function tableRows(study: string, file: string): number {
  const s = atlas.studies.find((x) => x.study.id === study);
  const t = s?.tables.find((x) => x.file.endsWith(`/${file}`));
  if (!t) throw new Error(`${study}/${file} not found`);
  return t.rows.length;
}

function point(series: string, batch: number | null, note = "") {
  const r = measured.find((x) => x.series === series && x.batch_size === batch && x.note === note);
  if (!r) throw new Error(`${series} batch ${batch} not found`);
  return r;
}

describe("row counts per table match the sources", () => {
  // NVIDIA DLE READMEs @ 729963dd: TF1 tables run batch 1–256 (9 rows); TF1 ResNeXt V100/T4 stop at 128 (8 rows).
  const tf1 = [
    "a100-40gb-tf32",
    "a100-40gb-tf32-xla",
    "a100-40gb-amp",
    "a100-40gb-amp-xla",
    "v100-16gb-fp32",
    "v100-16gb-amp",
    "v100-16gb-amp-xla",
    "v100-32gb-fp32",
    "v100-32gb-amp",
    "v100-32gb-amp-xla",
    "t4-fp32",
    "t4-amp",
    "t4-amp-xla",
  ];
  it.each(tf1)("DLE TF1 ResNet-50 %s: 9 rows", (t) =>
    expect(tableRows("nvidia-dle-tf1-resnet50", `${t}.csv`)).toBe(9),
  );
  it.each(tf1)("DLE TF1 ResNeXt101 %s", (t) =>
    expect(tableRows("nvidia-dle-tf1-resnext101", `${t}.csv`)).toBe(t.startsWith("a100") ? 9 : 8),
  );
  const pyt = ["v100-16gb-fp32", "v100-16gb-amp", "t4-fp32", "t4-amp"];
  it.each(pyt)("DLE PyTorch ResNet-50 and ResNeXt101 %s: 9 rows", (t) => {
    expect(tableRows("nvidia-dle-pytorch-resnet50", `${t}.csv`)).toBe(9);
    expect(tableRows("nvidia-dle-pytorch-resnext101", `${t}.csv`)).toBe(9);
  });
  it("Graphcore C2 report: Tables 1–3 have 6 rows each", () => {
    for (const f of ["table1-latency.csv", "table2-throughput.csv", "table3-energy-efficiency.csv"])
      expect(tableRows("graphcore-c2-resnext101", f)).toBe(6);
  });
  it("V100/P100 report: every benchmark table and the six cost rows", () => {
    const expected: Record<string, number> = {
      "v100-baseline.csv": 7,
      "v100-mixed.csv": 5,
      "p100-mixed.csv": 3,
      "v100-mixed-graph.csv": 10,
      "p100-mixed-graph.csv": 12,
      "two-p100.csv": 12,
    };
    for (const [f, n] of Object.entries(expected))
      expect(tableRows("v100-p100-resnet50-course", f), f).toBe(n);
    const cost = atlas.studies
      .find((s) => s.study.id === "v100-p100-resnet50-course")!
      .tables.filter((t) => t.file.includes("/cost-"));
    expect(cost.reduce((n, t) => n + t.rows.length, 0)).toBe(6);
  });
  it("measurements.csv holds every numeric row of every table", () => {
    const byStudy = (id: string) => measured.filter((r) => r.study === id).length;
    expect(byStudy("nvidia-dle-tf1-resnet50")).toBe(117);
    expect(byStudy("nvidia-dle-pytorch-resnet50")).toBe(36);
    expect(byStudy("nvidia-dle-tf1-resnext101")).toBe(108);
    expect(byStudy("nvidia-dle-pytorch-resnext101")).toBe(36);
    expect(byStudy("graphcore-c2-resnext101")).toBe(6); // three tables merged per batch
    expect(byStudy("v100-p100-resnet50-course")).toBe(55);
    const csv = [...measurementsCsvChunks(atlas.rows)].join("").trimEnd().split("\n");
    // MLPerf rounds are importer output, counted against their results.csv in test/data/mlperf.test.ts.
    const transcribed = csv.filter((l) => l.includes(",measured,") && !l.startsWith("mlperf-inference-"));
    expect(transcribed.length).toBe(358);
  });
});

describe("values match the published numbers", () => {
  it("DLE TF1 ResNet-50, DGX-1 V100 16G FP32, batch 4: 562.35 img/s, 7.12 ms, p99 7.69 ms", () => {
    expect(point("dle-tf1-rn50-v100-16gb-fp32", 4)).toMatchObject({
      throughput_img_s: 562.35,
      latency_ms: 7.12,
      latency_p99_ms: 7.69,
      precision: "fp32",
      accelerator: "v100-sxm2-16gb",
    });
  });
  it("DLE TF1 ResNet-50 T4 AMP batch 16: the source's '17,89 ms' is read as 17.89 and flagged", () => {
    expect(point("dle-tf1-rn50-t4-amp", 16).latency_p95_ms).toBe(17.89);
    expect(atlas.audit.some((f) => f.check === "source-typo" && f.message.includes('"17,89 ms"'))).toBe(true);
  });
  it("DLE TF1 ResNeXt101 A100 AMP+XLA batch 128: 3324.24 img/s, 38.98 ms", () => {
    expect(point("dle-tf1-rnx101-a100-40gb-amp-xla", 128)).toMatchObject({
      throughput_img_s: 3324.24,
      latency_ms: 38.98,
    });
  });
  it("DLE PyTorch ResNeXt101 T4 FP32 batch 256: 161 img/s, 1615.79 ms", () => {
    expect(point("dle-pyt-rnx101-t4-fp32", 256)).toMatchObject({
      throughput_img_s: 161,
      latency_ms: 1615.79,
    });
  });
  it("Graphcore C2 batch 10: 4.13 ms, 2421.82 img/s, 9.68 img/s/W merged into one point; power derived", () => {
    const r = point("graphcore-c2-rnx101", 10);
    expect(r).toMatchObject({ latency_ms: 4.13, throughput_img_s: 2421.82, img_s_per_w: 9.68, devices: 2 });
    expect(r.power_w).toBeCloseTo(2421.82 / 9.68, 2);
    expect(r.derived).toContain("power_w=throughput_img_s / img_s_per_w");
    expect(r.source_line).toBe("6;6;6");
  });
  it("V100/P100 report: baseline batch 32 and its second run; latency per batch derived from throughput", () => {
    expect(point("sridhar-v100-fp32-eager", 32).throughput_img_s).toBe(119.8);
    const run2 = point("sridhar-v100-fp32-eager", 32, "run 2");
    expect(run2.throughput_img_s).toBe(120.64);
    expect(run2.latency_ms).toBeCloseTo((32 * 1000) / 120.64, 3);
    expect(run2.derived).toContain("latency_ms=batch_size × 1000 / throughput_img_s");
  });
});

describe("measurements.json", () => {
  it("has the same columns and rows as the CSV, with numbers as numbers", () => {
    const json = JSON.parse([...measurementsJsonChunks(atlas.rows)].join("")) as {
      columns: string[];
      rows: unknown[][];
    };
    expect(json.columns.slice(0, 15)).toEqual([
      "study",
      "accelerator",
      "model",
      "input_width",
      "input_height",
      "precision",
      "framework",
      "batch_size",
      "latency_ms",
      "throughput_img_s",
      "power_w",
      "img_s_per_w",
      "kind",
      "source_file",
      "source_line",
    ]);
    expect(json.rows).toHaveLength(atlas.rows.length);
    const first = Object.fromEntries(json.columns.map((c, i) => [c, json.rows[0]![i]]));
    expect(first).toMatchObject({ kind: "measured", batch_size: expect.any(Number) });
  });
});
