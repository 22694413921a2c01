/**
 * The imported MLPerf Inference rounds (data/studies/mlperf-inference-*): coverage, accelerator
 * identity, and values re-checked by hand against the result files they cite.
 */
import { describe, expect, it } from "vitest";
import { perAccelerator } from "../../src/pipeline/mlperf/normalize.ts";
import { roundCite } from "../../src/pipeline/mlperf/study-files.ts";
import { mlperfTokens } from "../../src/pipeline/report/mlperf-tokens.ts";
import { realAtlas } from "../helpers/real-atlas.ts";

const atlas = realAtlas();
const results = atlas.mlperf;

function result(round: string, benchmark: string, system: string, scenario: string, submitter = "NVIDIA") {
  const r = results.find(
    (x) =>
      x.round === round &&
      x.benchmark === benchmark &&
      x.system === system &&
      x.scenario === scenario &&
      x.submitter === submitter &&
      x.division === "closed",
  );
  if (!r) throw new Error(`no ${round} ${benchmark} ${system} ${scenario}`);
  return r;
}

describe("coverage", () => {
  it("ResNet-50 from nine rounds and RetinaNet from v2.1 on", () => {
    const rounds = (b: string) => [...new Set(results.filter((r) => r.benchmark === b).map((r) => r.round))];
    expect(rounds("resnet50")).toEqual([
      "v0.5",
      "v0.7",
      "v1.0",
      "v1.1",
      "v2.0",
      "v2.1",
      "v3.0",
      "v4.1",
      "v5.1",
    ]);
    expect(rounds("retinanet")).toEqual(["v2.1", "v3.0", "v4.1", "v5.1"]);
  });

  it("at least 25 accelerator models have valid measured results", () => {
    const ids = new Set(
      results.filter((r) => r.validity === "VALID" && r.accelerator).map((r) => r.accelerator),
    );
    expect(ids.size).toBeGreaterThanOrEqual(25);
    for (const id of ["h100-sxm", "h200-sxm", "l4", "l40s", "a10", "a30", "jetson-agx-orin"])
      expect(ids).toContain(id);
  });

  it("one canonical row per valid, mapped result with a number the atlas can read", () => {
    const rows = atlas.rows.filter((r) => r.study.startsWith("mlperf-inference-"));
    expect(rows.length).toBe(results.filter((r) => r.series !== null).length);
    expect(new Set(rows.map((r) => r.series)).size).toBe(rows.length);
  });
});

describe("study files", () => {
  it("cite each round as the importer writes it: MLCommons' dataset at the imported commit", () => {
    const rounds = atlas.studies.filter((s) => s.study.mlperf);
    expect(rounds).toHaveLength(13);
    for (const { study } of rounds)
      expect(study.cite, study.id).toEqual(roundCite(study.mlperf!.round, study.mlperf!));
  });
});

describe("the home summary", () => {
  it("takes one accelerator's MLPerf results only, without whole-system power", () => {
    const t4 = atlas.summary.find((s) => s.accelerator === "t4")!;
    // v0.7 T4x1 systems, not the 20-card servers (259,448 img/s).
    expect(t4.peak).toMatchObject({ kind: "measured", studies: ["mlperf-inference-v0-7-resnet50"] });
    expect(t4.peak!.value).toBeLessThan(7000);
    expect(t4.peak!.detail).not.toMatch(/devices/);
    const l4 = atlas.summary.find((s) => s.accelerator === "l4")!;
    expect(l4.efficiency?.studies?.join() ?? "").not.toMatch(/mlperf-/);
  });
});

describe("the efficiency finding", () => {
  it("states the 10 power runs it leaves out, and that counting them the best rises every round", () => {
    // Recomputed by hand from results.csv: 90 closed-division single-node ResNet-50 Offline power runs,
    // 10 of them on accelerators the atlas does not identify (Qualcomm Cloud AI 100 of unstated SKU,
    // SiMa.ai's MLSoC), which hold v1.0's, v2.1's and v3.0's best.
    const eff = mlperfTokens(atlas).mlperfeff!;
    expect([eff(["n"]), eff(["unidentified"])]).toEqual(["80", "10"]);
    expect(["v1.0", "v1.1", "v2.0", "v2.1", "v3.0", "v4.1"].map((r) => eff(["round", r]))).toEqual([
      "180",
      "241",
      "300",
      "297",
      "285",
      "424",
    ]);
    expect(["v1.0", "v1.1", "v2.0", "v2.1", "v3.0", "v4.1"].map((r) => eff(["allround", r]))).toEqual([
      "214",
      "241",
      "300",
      "311",
      "316",
      "424",
    ]);
    expect([eff(["steps"]), eff(["allsteps"])]).toEqual(["3 of 5", "5 of 5"]);
  });
  it("counts one benchmark's results and power runs when a finding names it, and the systems behind an accelerator's gain", () => {
    // Recomputed from the results CSVs of the ResNet-50 studies alone: 1,697 results, 273 with power
    // (RetinaNet adds 550 and 93).
    const t = mlperfTokens(atlas);
    expect([t.mlperf!(["results", "resnet50"]), t.mlperf!(["power", "resnet50"])]).toEqual(["1697", "273"]);
    expect([t.mlperf!(["results"]), t.mlperf!(["power"])]).toEqual(["2247", "366"]);
    expect(() => t.mlperf!(["power", "resnet-50"])).toThrow(/no MLPerf results of benchmark/);
    // Every count takes the benchmark, so none can ignore it silently.
    for (const what of ["accelerators", "unmapped", "submitters", "rounds"])
      expect(t.mlperf!([what, "retinanet"]), what).not.toBe(t.mlperf!([what, "resnet50"]));
    expect(() => t.mlperf!(["retinanet-rounds", "resnet50"])).toThrow(/names its benchmark/);
    const gain = t.mlperfgain!;
    expect(["hailo-8", "a10", "t4"].map((a) => gain(["singlestream", "accn", a]))).toEqual(["1", "9", "9"]);
  });
});

describe("accelerator identity", () => {
  it("every imported result maps to an accelerator or is listed as unmapped in the audit", () => {
    const listed = new Set(atlas.audit.filter((f) => f.check === "mlperf-unmapped").flatMap((f) => f.rows));
    const missing = results.filter((r) => {
      const row = `data/studies/${r.study}/results.csv:${r.line}`;
      return r.accelerator === null && !listed.has(row);
    });
    expect(missing).toEqual([]);
    // And the audit lists nothing that did map.
    const mapped = new Set(
      results.filter((r) => r.accelerator).map((r) => `data/studies/${r.study}/results.csv:${r.line}`),
    );
    expect([...listed].filter((row) => mapped.has(row))).toEqual([]);
  });

  it("spellings from different rounds land on one accelerator", () => {
    const spellings = (id: string) =>
      [...new Set(results.filter((r) => r.accelerator === id).map((r) => r.acceleratorModel))].sort();
    expect(spellings("t4")).toEqual(["NVIDIA T4", "NVIDIA Tesla T4", "Nvidia Tesla T4", "Tesla T4"]);
    expect(spellings("a100-sxm4-40gb")).toEqual([
      "NVIDIA A100-SXM-40GB",
      "NVIDIA A100-SXM4",
      "NVIDIA A100-SXM4-40GB",
    ]);
  });
});

describe("values match the result files", () => {
  it("v3.0 cTuning MacBook Pro (one Apple M1 Pro, published as 10 processors: its core count) Offline: 69.1834 img/s per processor", () => {
    const r = result(
      "v3.0",
      "resnet50",
      "macbook_pro_2_m1-reference-cpu-onnxruntime-v1.13.1-default_config",
      "Offline",
      "cTuning",
    );
    expect(r).toMatchObject({ accelerator: "apple-m1-pro", throughput: 69.1834, perNode: 1, nodes: 1 });
    expect(perAccelerator(r)).toBe(69.1834);
  });
  it("v3.0 DGX-H100 (1x H100-SXM-80GB) Offline: 91825.7 samples/s", () => {
    const r = result("v3.0", "resnet50", "DGX-H100_H100-SXM-80GBx1_TRT", "Offline");
    expect(r).toMatchObject({
      accelerator: "h100-sxm",
      value: 91825.7,
      throughput: 91825.7,
      perNode: 1,
      nodes: 1,
    });
    expect(r.source).toBe(
      "mlcommons/inference_results_v3.0@1948f9b5b93c5b4dcafe15de0faa08cdf1439fca:closed/NVIDIA/results/DGX-H100_H100-SXM-80GBx1_TRT/resnet50/Offline/performance/run_1/mlperf_log_summary.txt:7",
    );
  });

  it("v0.7 T4x1 SingleStream: 90th percentile 1,086,217 ns, i.e. 920.6 img/s at batch 1", () => {
    const r = result("v0.7", "resnet50", "T4x1_TRT", "SingleStream");
    expect(r).toMatchObject({ accelerator: "t4", metric: "90th percentile latency (ns)", value: 1086217 });
    expect(r.latencyMs).toBe(1.086217);
    expect(r.throughput).toBeCloseTo(1e9 / 1086217, 2);
  });

  it("v3.0 A100-PCIe-80GBx1: Offline 39152.4; SingleStream reported as the early-stopping estimate 476438 ns", () => {
    expect(result("v3.0", "resnet50", "A100-PCIe-80GBx1_TRT", "Offline").value).toBe(39152.4);
    expect(result("v3.0", "resnet50", "A100-PCIe-80GBx1_TRT", "SingleStream")).toMatchObject({
      metric: "Early stopping 90th percentile estimate",
      value: 476438,
    });
  });

  it("v3.0 Dell XR5610 (1x L4, MaxQ) Offline power run: 634.015 W over 678 samples, 19.96 img/s/W", () => {
    // Average re-computed with the submission checker's rule from the run's spl.txt and detail log.
    const r = result("v3.0", "resnet50", "XR5610_L4x1_TRT_MaxQ", "Offline", "Dell");
    expect(r).toMatchObject({ accelerator: "l4", powerW: 634.015, throughput: 12657.8 });
    expect(r.imgPerJoule).toBeCloseTo(19.9645, 3);
  });

  it("per-accelerator values only for single-node systems", () => {
    const eight = result("v3.0", "resnet50", "ESC4000A_E12_L4x8_TRT", "Offline", "ASUSTeK");
    expect(perAccelerator(eight)).toBeCloseTo(104545 / 8, 6);
    const multi = results.filter((r) => r.nodes !== null && r.nodes > 1);
    expect(multi.length).toBeGreaterThan(0);
    expect(multi.every((r) => perAccelerator(r) === null)).toBe(true);
  });
});
