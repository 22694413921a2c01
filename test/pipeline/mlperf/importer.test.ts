/**
 * The MLPerf importer on a hand-made checkout in the real layout (test/fixtures/mlperf): a single- and
 * an eight-accelerator system, a power run, an INVALID result, a CPU-only system, an inferred result,
 * and a broken system file that must fail with its file, line and column.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { SourceError } from "../../../src/pipeline/errors.ts";
import { importRound, type ResultRow } from "../../../src/pipeline/mlperf/importer.ts";
import { resultsCsv, studyYaml } from "../../../src/pipeline/mlperf/study-files.ts";
import { BROKEN, COMMIT, FIXTURE } from "./fixture.ts";

const source = (root = FIXTURE, repository = "mlcommons/inference_results_v3.0") => ({
  root,
  repository,
  commit: COMMIT,
});

const imported = importRound(source(), "resnet50");
const find = (system: string, scenario: string, metric?: string): ResultRow[] =>
  imported.rows.filter(
    (r) => r.system === system && r.scenario === scenario && (metric === undefined || r.metric === metric),
  );

function problemsOf(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  throw new Error("expected a SourceError");
}

/** A copy of the fixture checkout in a temporary folder, to break one file. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), "mlperf-checkout-"));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

describe("importRound on the fixture checkout", () => {
  it("reads the round from the repository name and keeps every result line of every summary", () => {
    expect(imported.round).toBe("v3.0");
    // T4x1: Offline 1 + SingleStream 3; T4x8: Offline 1 + Server 1; edge_power: 1 + 2; cpu_only: 1.
    expect(imported.rows).toHaveLength(10);
  });

  it("records the values and names exactly as printed, with the reported line marked", () => {
    const [offline] = find("T4x1_TRT", "Offline");
    expect(offline).toMatchObject({
      metric: "Samples per second",
      value: "6035.57",
      unit: "samples/s",
      headline: true,
    });
    const ss = find("T4x1_TRT", "SingleStream");
    expect(ss.map((r) => [r.metric, r.value, r.headline])).toEqual([
      ["90th percentile latency (ns)", "818142", false],
      // From v2.0 the checker reports the early-stopping estimate for SingleStream.
      ["Early stopping 90th percentile estimate", "818169", true],
      ["Early stopping 99th percentile estimate", "825459", false],
    ]);
    expect(ss.every((r) => r.unit === "ns")).toBe(true);
  });

  it("keeps the system file's fields as printed, numbers as JSON prints them", () => {
    const [r] = find("T4x8_TRT", "Server");
    expect(r!.info).toMatchObject({
      accelerator_model_name: "NVIDIA T4",
      accelerators_per_node: "8",
      number_of_nodes: "1",
      system_type: "datacenter",
      status: "available",
      framework: "TensorRT 8.6.0, CUDA 12.0",
    });
    expect(find("T4x1_TRT", "Offline")[0]!.info.accelerators_per_node).toBe("1");
    expect(r).toMatchObject({ metric: "Scheduled samples per second", value: "44001.12", headline: true });
  });

  it("averages the power samples strictly inside the window, leaving out zero readings", () => {
    const [r] = find("edge_power", "Offline");
    // 90 W is before power_begin, 0 W is dropped, 95 W sits exactly on power_end: (30.5 + 31.25 + 29.75) / 3.
    expect(r!.powerW).toBeCloseTo(30.5, 12);
    expect(r!.powerSamples).toBe(3);
    expect(r!.powerSource).toBe(
      `mlcommons/inference_results_v3.0@${COMMIT}:closed/Beta/results/edge_power/resnet50/offline/performance/run_1/spl.txt`,
    );
    expect(find("T4x1_TRT", "Offline")[0]!.powerW).toBeNull();
  });

  it("keeps an INVALID result, reads 'Single Stream' as SingleStream and lower-case scenario folders", () => {
    const rows = find("edge_power", "SingleStream");
    expect(rows.map((r) => r.validity)).toEqual(["INVALID", "INVALID"]);
  });

  it("takes the submitter from the folder when the system file has none", () => {
    expect(find("cpu_only", "Offline")[0]).toMatchObject({ division: "open", submitter: "Gamma" });
    expect(find("T4x1_TRT", "Offline")[0]!.submitter).toBe("Acme");
  });

  it("names the repository, commit, path and line of every value", () => {
    const [r] = find("T4x1_TRT", "Offline");
    expect(r!.resultSource).toBe(
      `mlcommons/inference_results_v3.0@${COMMIT}:closed/Acme/results/T4x1_TRT/resnet50/Offline/performance/run_1/mlperf_log_summary.txt`,
    );
    expect(r!.resultLine).toBe(7);
    expect(r!.systemSource).toBe(
      `mlcommons/inference_results_v3.0@${COMMIT}:closed/Acme/systems/T4x1_TRT.json`,
    );
  });

  it("skips a result inferred from another scenario's run, saying so", () => {
    expect(find("T4x1_TRT", "MultiStream")).toEqual([]);
    expect(imported.skipped).toEqual([
      {
        path: "closed/Acme/results/T4x1_TRT/resnet50/MultiStream",
        reason:
          "holds a SingleStream run: the MultiStream result is inferred from it by the submission checker, not printed, so it is not imported",
      },
    ]);
  });

  it("reads a performance folder in any letter case, and skips a summary outside run_1/, saying where it is", () => {
    const dir = copy();
    const t4x8 = join(dir, "closed/Acme/results/T4x8_TRT/resnet50");
    // As v0.5's Intel nnpi-1000-2x_onnx: Performance/run_1/.
    renameSync(join(t4x8, "Offline/performance"), join(t4x8, "Offline/Performance"));
    // As v0.5's Tencent clx-8255c-4s_pytorch-caffe2: performance/mlperf_log_summary.txt, no run_1/.
    const server = join(t4x8, "Server/performance");
    renameSync(join(server, "run_1/mlperf_log_summary.txt"), join(server, "mlperf_log_summary.txt"));
    rmSync(join(server, "run_1"), { recursive: true });
    const again = importRound(source(dir), "resnet50");
    const offline = again.rows.filter((r) => r.system === "T4x8_TRT" && r.scenario === "Offline");
    expect(offline.map((r) => r.value)).toEqual(find("T4x8_TRT", "Offline").map((r) => r.value));
    expect(offline[0]!.resultSource).toMatch(/\/Offline\/Performance\/run_1\/mlperf_log_summary\.txt$/);
    expect(again.rows.filter((r) => r.system === "T4x8_TRT" && r.scenario === "Server")).toEqual([]);
    expect(again.skipped).toContainEqual({
      path: "closed/Acme/results/T4x8_TRT/resnet50/Server",
      reason:
        "its summary is performance/mlperf_log_summary.txt, outside the run_1/ folder the submission rules lay out, so it is not imported",
    });
    rmSync(dir, { recursive: true });
  });

  it("finds nothing for a benchmark the checkout does not have", () => {
    expect(importRound(source(), "retinanet").rows).toEqual([]);
  });

  it("writes the same bytes every time", () => {
    const again = importRound(source(), "resnet50");
    const license = { file: "LICENSE.md", apache2: true };
    expect(resultsCsv(again.rows)).toBe(resultsCsv(imported.rows));
    expect(studyYaml(again, license)).toBe(studyYaml(imported, license));
    expect(resultsCsv(imported.rows).split("\n")[1]).toBe(
      `closed,Acme,T4x1_TRT,"Acme Box (1x T4, TensorRT)","datacenter,edge",available,NVIDIA T4,16 GB,1,1,Fixture CPU 1000,1,"TensorRT 8.6.0, CUDA 12.0",Offline,Samples per second,6035.57,samples/s,yes,VALID,,,mlcommons/inference_results_v3.0@${COMMIT}:closed/Acme/results/T4x1_TRT/resnet50/Offline/performance/run_1/mlperf_log_summary.txt,7,mlcommons/inference_results_v3.0@${COMMIT}:closed/Acme/systems/T4x1_TRT.json,`,
    );
    expect(resultsCsv(imported.rows)).toContain(",30.500,3,");
  });

  it("cites the round as MLCommons' dataset at the imported commit, not as the submitters' work", () => {
    const yaml = parseYaml(studyYaml(imported, { file: "LICENSE.md", apache2: true })) as { cite: unknown };
    expect(yaml.cite).toEqual({
      type: "dataset",
      title: "MLPerf Inference v3.0 results",
      authors: [{ literal: "MLCommons" }],
      url: `https://github.com/mlcommons/inference_results_v3.0/tree/${COMMIT}`,
    });
  });

  it("writes cells as printed, a leading '-' or '=' included (the build defuses them when it publishes)", () => {
    const [first] = imported.rows;
    const row = { ...first!, info: { ...first!.info, status: "-", system_name: "=Acme" } };
    expect(resultsCsv([row]).split("\n")[1]).toMatch(/^closed,Acme,T4x1_TRT,=Acme,"datacenter,edge",-,/);
  });
});

describe("importRound refuses bad input with file, line and column", () => {
  it("a system file that is not JSON (the committed broken fixture)", () => {
    const e = problemsOf(() => importRound(source(BROKEN), "resnet50"));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({
      file: join(BROKEN, "closed/Acme/systems/T4x1_TRT.json"),
      line: 4,
      column: 5,
      message: "system description is not valid JSON",
      expected: '"," or "}" after a property value',
    });
    expect(e.message).toContain(`${join(BROKEN, "closed/Acme/systems/T4x1_TRT.json")}:4:5:`);
  });

  it("a result value that is not a number", () => {
    const dir = copy();
    const file = join(
      dir,
      "closed/Acme/results/T4x8_TRT/resnet50/Offline/performance/run_1/mlperf_log_summary.txt",
    );
    writeFileSync(file, readFileSync(file, "utf8").replace("48000.5", "48,000.5"));
    const e = problemsOf(() => importRound(source(dir), "resnet50"));
    expect(e.problems[0]).toMatchObject({
      file,
      line: 7,
      column: 21,
      expected: "a number",
      found: '"48,000.5"',
    });
    rmSync(dir, { recursive: true });
  });

  it("a power sample without a reading, and a detail log without a power window", () => {
    const dir = copy();
    const run = join(dir, "closed/Beta/results/edge_power/resnet50/offline/performance/run_1");
    writeFileSync(
      join(run, "spl.txt"),
      readFileSync(join(run, "spl.txt"), "utf8").replace("Watts,31.250000", "Watts,n/a"),
    );
    let e = problemsOf(() => importRound(source(dir), "resnet50"));
    expect(e.problems[0]).toMatchObject({ file: join(run, "spl.txt"), line: 4, column: 36 });
    writeFileSync(
      join(run, "mlperf_log_detail.txt"),
      ':::MLLOG {"key": "loadgen_version", "value": "3.0"}\n',
    );
    e = problemsOf(() => importRound(source(dir), "resnet50"));
    expect(e.problems[0]).toMatchObject({
      file: join(run, "mlperf_log_detail.txt"),
      message: "no power window in the detail log",
    });
    rmSync(dir, { recursive: true });
  });

  it("a summary without the round's reported line (and no detail log to read it from)", () => {
    const dir = copy();
    const file = join(
      dir,
      "closed/Acme/results/T4x1_TRT/resnet50/SingleStream/performance/run_1/mlperf_log_summary.txt",
    );
    writeFileSync(file, readFileSync(file, "utf8").replace(/ \* Early stopping 90th.*\n/, ""));
    const e = problemsOf(() => importRound(source(dir), "resnet50"));
    expect(e.problems[0]).toMatchObject({ file, message: "no v3.0 result line for SingleStream" });
    rmSync(dir, { recursive: true });
  });

  it("reads the reported value from the detail log when an older LoadGen did not print it (v4.1 Server)", () => {
    const dir = copy();
    const run = join(dir, "closed/Acme/results/T4x8_TRT/resnet50/Server/performance/run_1");
    writeFileSync(
      join(run, "mlperf_log_detail.txt"),
      ':::MLLOG {"key": "result_scheduled_samples_per_sec", "value": 44001.1, "time_ms": 1}\n:::MLLOG {"key": "result_completed_samples_per_sec", "value": 43998.7, "time_ms": 1}\n',
    );
    const rows = importRound(source(dir, "mlcommons/inference_results_v4.1"), "resnet50").rows.filter(
      (r) => r.system === "T4x8_TRT" && r.scenario === "Server",
    );
    expect(rows.map((r) => [r.metric, r.value, r.headline, r.resultLine])).toEqual([
      ["Scheduled samples per second", "44001.12", false, 7],
      ["result_completed_samples_per_sec", "43998.7", true, 2],
    ]);
    expect(rows[1]!.resultSource).toMatch(/Server\/performance\/run_1\/mlperf_log_detail\.txt$/);
    rmSync(dir, { recursive: true });
  });

  it("a repository that is not a results repository, or a short commit", () => {
    expect(
      problemsOf(() => importRound(source(FIXTURE, "mlcommons/inference"), "resnet50")).problems[0]!.message,
    ).toBe("not an MLPerf Inference results repository");
    expect(
      problemsOf(() => importRound({ ...source(), commit: "0123abc" }, "resnet50")).problems[0]!.message,
    ).toBe("commit is not a full hash");
  });
});
