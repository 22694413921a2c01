/**
 * The transcribed tables against their sources: row counts per table as the sources print them, and
 * spot checks of values (typed here from the published tables, so a slip in a CSV fails a test).
 */
import { describe, expect, it } from "vitest";
import { measurementsCsvChunks, measurementsJsonChunks } from "../../src/pipeline/output/measurements.ts";
import { realAtlas } from "../helpers/real-atlas.ts";

const atlas = realAtlas();
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
    // Issue 16: 17 SE-ResNeXt101 tables, MXNet, PaddlePaddle/Paddle-TRT, Triton and the 2019 TF tables.
    expect(byStudy("nvidia-dle-tf1-se-resnext101")).toBe(108);
    expect(byStudy("nvidia-dle-pytorch-se-resnext101")).toBe(36);
    expect(byStudy("nvidia-dle-mxnet-resnet50")).toBe(31);
    expect(byStudy("nvidia-dle-paddle-resnet50")).toBe(45);
    expect(byStudy("nvidia-dle-triton-resnet50")).toBe(24);
    expect(byStudy("nvidia-dle-tf1-resnet50-2019")).toBe(64); // 3 x (9 + 9 + 4) cells, two FP32 'N/A'
    const csv = [...measurementsCsvChunks(atlas.rows)].join("").trimEnd().split("\n");
    // MLPerf rounds are importer output, counted against their results.csv in test/data/mlperf.test.ts.
    // The atlas's own H200 studies are harness output, not transcriptions: one row per point each run
    // reported measured ("Wrote …: 16 tables, 135 measured points", 52 and 56 in the other two runs).
    expect(byStudy("h200-pytorch-2026-12-224")).toBe(135);
    expect(byStudy("h200-pytorch-2026-12-sizes")).toBe(52);
    expect(byStudy("h200-pytorch-2026-12-yolo608")).toBe(56);
    const transcribed = csv.filter(
      (l) => l.includes(",measured,") && !l.startsWith("mlperf-inference-") && !l.startsWith("h200-pytorch-"),
    );
    expect(transcribed.length).toBe(666);
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

/**
 * The 31 DLE tables added for issue 16, typed here from the source notes (published-data.md, Appendices
 * 1–4): table, series, rows as published, and the first and last row's batch, throughput and (where
 * published) average latency. The 2019 TF tables are split into one CSV per configuration.
 */
const ISSUE16: [string, string, string, number, number[], number[]][] = [
  [
    "nvidia-dle-tf1-se-resnext101",
    "a100-40gb-tf32.csv",
    "dle-tf1-sernx101-a100-40gb-tf32",
    9,
    [1, 95.32, 10.52],
    [256, 840.72, 304.5],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "a100-40gb-tf32-xla.csv",
    "dle-tf1-sernx101-a100-40gb-tf32-xla",
    9,
    [1, 92.46, 10.84],
    [256, 1089.8, 234.9],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "a100-40gb-amp.csv",
    "dle-tf1-sernx101-a100-40gb-amp",
    9,
    [1, 84.06, 11.92],
    [256, 1761.56, 145.33],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "a100-40gb-amp-xla.csv",
    "dle-tf1-sernx101-a100-40gb-amp-xla",
    9,
    [1, 74.83, 13.39],
    [256, 3367.18, 76.03],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "v100-16gb-fp32.csv",
    "dle-tf1-sernx101-v100-16gb-fp32",
    8,
    [1, 75.72, 13.25],
    [128, 460.82, 277.76],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "v100-16gb-amp.csv",
    "dle-tf1-sernx101-v100-16gb-amp",
    8,
    [1, 66.44, 15.1],
    [128, 1102.0, 116.15],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "v100-16gb-amp-xla.csv",
    "dle-tf1-sernx101-v100-16gb-amp-xla",
    8,
    [1, 58.55, 17.12],
    [128, 1683.63, 76.03],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "v100-32gb-fp32.csv",
    "dle-tf1-sernx101-v100-32gb-fp32",
    8,
    [1, 71.44, 14.07],
    [128, 483.84, 264.54],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "v100-32gb-amp.csv",
    "dle-tf1-sernx101-v100-32gb-amp",
    8,
    [1, 73.06, 13.74],
    [128, 1129.65, 113.3],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "v100-32gb-amp-xla.csv",
    "dle-tf1-sernx101-v100-32gb-amp-xla",
    8,
    [1, 66.43, 15.14],
    [128, 1739.61, 73.58],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "t4-fp32.csv",
    "dle-tf1-sernx101-t4-fp32",
    8,
    [1, 27.39, 36.68],
    [128, 105.16, 1217.18],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "t4-amp.csv",
    "dle-tf1-sernx101-t4-amp",
    8,
    [1, 57.21, 17.57],
    [128, 195.17, 655.82],
  ],
  [
    "nvidia-dle-tf1-se-resnext101",
    "t4-amp-xla.csv",
    "dle-tf1-sernx101-t4-amp-xla",
    8,
    [1, 46.19, 21.72],
    [128, 244.45, 523.62],
  ],
  [
    "nvidia-dle-pytorch-se-resnext101",
    "v100-16gb-fp32.csv",
    "dle-pyt-sernx101-v100-16gb-fp32",
    9,
    [1, 40, 24.92],
    [256, 508, 519.84],
  ],
  [
    "nvidia-dle-pytorch-se-resnext101",
    "v100-16gb-amp.csv",
    "dle-pyt-sernx101-v100-16gb-amp",
    9,
    [1, 29, 33.83],
    [256, 1576, 170.79],
  ],
  [
    "nvidia-dle-pytorch-se-resnext101",
    "t4-fp32.csv",
    "dle-pyt-sernx101-t4-fp32",
    9,
    [1, 40, 25.12],
    [256, 158, 1641.96],
  ],
  [
    "nvidia-dle-pytorch-se-resnext101",
    "t4-amp.csv",
    "dle-pyt-sernx101-t4-amp",
    9,
    [1, 31, 32.51],
    [256, 527, 496.23],
  ],
  [
    "nvidia-dle-mxnet-resnet50",
    "a100-80gb-amp.csv",
    "dle-mxnet-rn50-a100-80gb-amp",
    11,
    [1, 1431.99, 0.7],
    [512, 7213.43, 70.98],
  ],
  [
    "nvidia-dle-mxnet-resnet50",
    "v100-16gb-amp.csv",
    "dle-mxnet-rn50-v100-16gb-amp",
    10,
    [1, 286, 3.48],
    [256, 3057, 83.73],
  ],
  [
    "nvidia-dle-mxnet-resnet50",
    "t4-amp.csv",
    "dle-mxnet-rn50-t4-amp",
    10,
    [1, 131, 7.61],
    [256, 1559, 164.15],
  ],
  [
    "nvidia-dle-paddle-resnet50",
    "a100-80gb-tf32.csv",
    "dle-paddle-rn50-a100-80gb-tf32",
    9,
    [1, 138.9, 7.19],
    [256, 3283.94, 77.95],
  ],
  [
    "nvidia-dle-paddle-resnet50",
    "a100-80gb-amp.csv",
    "dle-paddle-rn50-a100-80gb-amp",
    9,
    [1, 127.12, 7.86],
    [256, 5742.03, 44.58],
  ],
  [
    "nvidia-dle-paddle-resnet50",
    "a100-80gb-trt-tf32.csv",
    "dle-paddletrt-rn50-a100-80gb-tf32",
    9,
    [1, 969.11, 1.03],
    [256, 8623.08, 29.69],
  ],
  [
    "nvidia-dle-paddle-resnet50",
    "a100-80gb-trt-fp16.csv",
    "dle-paddletrt-rn50-a100-80gb-fp16",
    9,
    [1, 1306.28, 0.76],
    [256, 17363.79, 14.74],
  ],
  [
    "nvidia-dle-paddle-resnet50",
    "a100-80gb-trt-int8.csv",
    "dle-paddletrt-rn50-a100-80gb-int8",
    9,
    [1, 1430.17, 0.7],
    [256, 27935.1, 9.16],
  ],
  [
    "nvidia-dle-triton-resnet50",
    "a100-80gb-fp16.csv",
    "dle-triton-rn50-a100-80gb-fp16",
    8,
    [1, 469.1, 2.128],
    [128, 2662.4, 48.086],
  ],
  [
    "nvidia-dle-triton-resnet50",
    "v100-32gb-fp16.csv",
    "dle-triton-rn50-v100-32gb-fp16",
    8,
    [1, 351.8, 2.838],
    [128, 1548.8, 82.159],
  ],
  [
    "nvidia-dle-triton-resnet50",
    "t4-fp16.csv",
    "dle-triton-rn50-t4-fp16",
    8,
    [1, 332.4, 3.003],
    [128, 1280, 100.155],
  ],
  [
    "nvidia-dle-tf1-resnet50-2019",
    "v100-16gb-amp.csv",
    "dle-tf1-2019-rn50-v100-16gb-amp",
    9,
    [1, 177.2],
    [256, 2129.3],
  ],
  [
    "nvidia-dle-tf1-resnet50-2019",
    "v100-16gb-fp32.csv",
    "dle-tf1-2019-rn50-v100-16gb-fp32",
    9,
    [1, 170.8],
    [128, 1100.1],
  ],
  [
    "nvidia-dle-tf1-resnet50-2019",
    "v100-16gb-amp-xla.csv",
    "dle-tf1-2019-rn50-v100-16gb-amp-xla",
    9,
    [1, 163.8],
    [256, 3547.9],
  ],
  [
    "nvidia-dle-tf1-resnet50-2019",
    "v100-32gb-amp.csv",
    "dle-tf1-2019-rn50-v100-32gb-amp",
    9,
    [1, 199.7],
    [256, 2203.6],
  ],
  [
    "nvidia-dle-tf1-resnet50-2019",
    "v100-32gb-fp32.csv",
    "dle-tf1-2019-rn50-v100-32gb-fp32",
    9,
    [1, 201.6],
    [128, 1168.8],
  ],
  [
    "nvidia-dle-tf1-resnet50-2019",
    "v100-32gb-amp-xla.csv",
    "dle-tf1-2019-rn50-v100-32gb-amp-xla",
    9,
    [1, 220.2],
    [256, 3713.2],
  ],
  ["nvidia-dle-tf1-resnet50-2019", "t4-amp.csv", "dle-tf1-2019-rn50-t4-amp", 4, [1, 173.2], [8, 558.7]],
  ["nvidia-dle-tf1-resnet50-2019", "t4-fp32.csv", "dle-tf1-2019-rn50-t4-fp32", 4, [1, 138.7], [8, 305.9]],
  [
    "nvidia-dle-tf1-resnet50-2019",
    "t4-amp-xla.csv",
    "dle-tf1-2019-rn50-t4-amp-xla",
    4,
    [1, 204.2],
    [8, 924.7],
  ],
];

describe("tables added for issue 16 match the source notes", () => {
  it.each(ISSUE16)("%s/%s: row count, first and last row", (study, file, series, rows, first, last) => {
    expect(tableRows(study, file)).toBe(rows);
    for (const [batch, throughput, latency] of [first, last]) {
      const p = point(series, batch!);
      expect(p.throughput_img_s).toBe(throughput);
      if (latency !== undefined) expect(p.latency_ms).toBe(latency);
      else expect(p.derived).toContain("latency_ms=batch_size × 1000 / throughput_img_s");
    }
  });

  it("SE-ResNeXt101 has its own model id, and every measured point a simulated twin", () => {
    const rows = atlas.rows.filter((r) => r.model === "se_resnext101_32x4d");
    expect(rows.filter((r) => r.kind === "measured")).toHaveLength(144);
    expect(rows.filter((r) => r.kind === "simulated")).toHaveLength(144);
    const v = atlas.validation!.series.find((s) => s.series === "dle-tf1-sernx101-t4-amp");
    expect(v).toMatchObject({ engine: "kernels", stack: "tf1", points: 8 });
  });

  it("Paddle-TRT INT8 on A100 80GB: precision int8 end to end, p90/p95/p99 at batch 64", () => {
    expect(point("dle-paddletrt-rn50-a100-80gb-int8", 64)).toMatchObject({
      precision: "int8",
      accelerator: "a100-sxm4-80gb",
      throughput_img_s: 22578.08,
      latency_p90_ms: 2.84,
      latency_p95_ms: 2.93,
      latency_p99_ms: 2.95,
    });
    const measured = atlas.rows.filter((r) => r.kind === "measured" && r.precision === "int8");
    expect(measured).toHaveLength(9);
  });

  it("MXNet keeps its speedup columns as published but out of the rows; A100 batch 2 row verbatim", () => {
    const raw = atlas.studies
      .find((s) => s.study.id === "nvidia-dle-mxnet-resnet50")!
      .tables.find((t) => t.file.endsWith("/a100-80gb-amp.csv"))!;
    expect(raw.header[2]).toBe("Throughput - speedup");
    expect(raw.rows[1]!.cells).toEqual([
      "2",
      "2530.66",
      "2.19",
      "0.79",
      "2.19",
      "0.74",
      "2.31",
      "0.86",
      "2.05",
      "0.93",
      "2.0",
      "2.0",
      "0.97",
    ]);
    const p = point("dle-mxnet-rn50-a100-80gb-amp", 2);
    expect(p).toMatchObject({ latency_p90_ms: 0.86, latency_p95_ms: 0.93, latency_p99_ms: 2, note: "" });
  });

  it("Triton T4: p90, p95, p99 and average latency in ms at batch 16", () => {
    expect(point("dle-triton-rn50-t4-fp16", 16)).toMatchObject({
      throughput_img_s: 1057.6,
      latency_p90_ms: 15.319,
      latency_p95_ms: 15.337,
      latency_p99_ms: 15.389,
      latency_ms: 15.113,
      precision: "fp16",
    });
  });

  it("2019 TF tables: one GPU of the DGX-1 (not divided by 8), FP32 'N/A' at batch 256 left out", () => {
    expect(point("dle-tf1-2019-rn50-v100-16gb-amp-xla", 8)).toMatchObject({
      throughput_img_s: 1077,
      devices: 1,
    });
    expect(
      measured.some((r) => r.series === "dle-tf1-2019-rn50-v100-16gb-fp32" && r.batch_size === 256),
    ).toBe(false);
    expect(
      measured.some((r) => r.series === "dle-tf1-2019-rn50-v100-32gb-fp32" && r.batch_size === 256),
    ).toBe(false);
    expect(point("dle-tf1-2019-rn50-v100-32gb-fp32", 128).throughput_img_s).toBe(1168.8);
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
