/**
 * The build side of an imported round: the fixture checkout imported into a copy of the minimal data
 * folder, with an alias table, run through the whole pipeline.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SourceError } from "../../../src/pipeline/errors.ts";
import { importRound } from "../../../src/pipeline/mlperf/importer.ts";
import { perAccelerator } from "../../../src/pipeline/mlperf/normalize.ts";
import { resultsCsv, studyYaml } from "../../../src/pipeline/mlperf/study-files.ts";
import { runPipeline } from "../../../src/pipeline/run.ts";
import { copyFixture } from "../../helpers/fixtures.ts";
import { COMMIT, FIXTURE } from "./fixture.ts";

const ALIASES = `no_accelerator: ["N/A"]
accelerators:
  - id: acc-a
    names: ["NVIDIA T4"]
cpus:
  - id: cpu-a
    names: ["Fixture CPU 1000"]
unmapped:
  - names: ["Fixture NPU"]
    reason: "a fixture part without an accelerator file"
`;

function dataDir(aliases = ALIASES): string {
  const dir = copyFixture();
  const imported = importRound(
    { root: FIXTURE, repository: "mlcommons/inference_results_v3.0", commit: COMMIT },
    "resnet50",
  );
  const study = join(dir, "studies", "mlperf-inference-v3-0-resnet50");
  mkdirSync(study, { recursive: true });
  writeFileSync(join(study, "results.csv"), resultsCsv(imported.rows));
  writeFileSync(join(study, "study.yaml"), studyYaml(imported, { file: "LICENSE.md", apache2: true }));
  writeFileSync(
    join(dir, "accelerators", "cpu-a.yaml"),
    'id: cpu-a\nname: "CPU A (fixture)"\nvendor: "Fixture Inc."\nkind: cpu\nspecs: {}\n',
  );
  mkdirSync(join(dir, "mlperf"));
  writeFileSync(join(dir, "mlperf", "accelerators.yaml"), aliases);
  return dir;
}

const dir = dataDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const atlas = runPipeline(dir, { simulate: false });
const find = (system: string, scenario: string) =>
  atlas.mlperf.find((r) => r.system === system && r.scenario === scenario)!;

describe("an imported round in the pipeline", () => {
  it("one result per system and scenario, from the reported line", () => {
    expect(atlas.mlperf.map((r) => `${r.system} ${r.scenario}`)).toEqual([
      "T4x1_TRT Offline",
      "T4x1_TRT SingleStream",
      "T4x8_TRT Offline",
      "T4x8_TRT Server",
      "edge_power Offline",
      "edge_power SingleStream",
      "cpu_only Offline",
    ]);
    expect(find("T4x1_TRT", "SingleStream")).toMatchObject({ value: 818169, latencyMs: 0.818169 });
  });

  it("maps spellings through the table: an accelerator, a CPU-only system's processor, an unmapped part", () => {
    expect(find("T4x8_TRT", "Offline")).toMatchObject({
      accelerator: "acc-a",
      deviceKind: "accelerator",
      perNode: 8,
    });
    expect(find("cpu_only", "Offline")).toMatchObject({
      accelerator: "cpu-a",
      deviceKind: "cpu",
      perNode: 2,
    });
    expect(find("edge_power", "Offline")).toMatchObject({
      accelerator: null,
      unmappedReason: "a fixture part without an accelerator file",
    });
  });

  it("canonical rows for valid, mapped results only; SingleStream throughput derived as batch 1", () => {
    const rows = atlas.rows.filter((r) => r.study === "mlperf-inference-v3-0-resnet50");
    expect(rows).toHaveLength(5);
    const ss = rows.find((r) => r.latency_p90_ms !== null)!;
    expect(ss).toMatchObject({
      accelerator: "acc-a",
      devices: 1,
      throughput_img_s: Number((1e9 / 818169).toPrecision(6)),
    });
    expect(ss.derived).toContain("throughput_img_s=1000 / latency_p90_ms");
    expect(rows.find((r) => r.series === find("T4x8_TRT", "Server").series)).toMatchObject({
      devices: 8,
      throughput_img_s: 44001.12,
      execution: "MLPerf Server, closed division",
    });
  });

  it("per accelerator: the system value shared out, single-node systems only", () => {
    expect(perAccelerator(find("T4x8_TRT", "Offline"))).toBeCloseTo(48000.5 / 8, 9);
    expect(perAccelerator({ ...find("T4x8_TRT", "Offline"), nodes: 2 })).toBeNull();
  });

  it("power runs give img/s/W from the importer's average power", () => {
    expect(find("edge_power", "Offline")).toMatchObject({
      powerW: 30.5,
      imgPerJoule: Number((1500 / 30.5).toPrecision(6)),
    });
  });

  it("lists what stays out of the figures in the audit: the INVALID result and the unmapped spelling", () => {
    const checks = atlas.audit.filter((f) => f.study === "mlperf-inference-v3-0-resnet50");
    expect(checks.map((f) => f.check).sort()).toEqual(["mlperf-invalid", "mlperf-unmapped"]);
    const unmapped = checks.find((f) => f.check === "mlperf-unmapped")!;
    expect(unmapped.rows).toHaveLength(2);
    expect(unmapped.message).toContain('"Fixture NPU"');
  });
});

/** The first problem the pipeline reports on a data folder, which it removes afterwards. */
function firstProblem(d: string) {
  try {
    runPipeline(d, { simulate: false });
  } catch (e) {
    if (e instanceof SourceError) return e.problems[0];
    throw e;
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
  throw new Error("expected a SourceError");
}

describe("the alias table is checked", () => {
  const error = (aliases: string) => firstProblem(dataDir(aliases));

  it("refuses an id without an accelerator file, with its line", () => {
    expect(error(ALIASES.replace("id: acc-a", "id: acc-z"))).toMatchObject({
      file: "data/mlperf/accelerators.yaml",
      line: 3,
      message: "alias points to an unknown accelerator",
    });
  });

  it("refuses a spelling listed twice", () => {
    expect(error(ALIASES.replace('names: ["Fixture NPU"]', 'names: ["NVIDIA T4"]'))).toMatchObject({
      message: "spelling listed twice",
      found: '"NVIDIA T4" (also in accelerators[0])',
    });
  });
});

describe("corrections of a system's device count (data/mlperf/corrections.yaml)", () => {
  const corrections = (published: string, system = "cpu_only") => `corrections:
  - round: v3.0
    submitter: Gamma
    system: ${system}
    field: host_processors_per_node
    published: "${published}"
    read_as: "1"
    reason: "made up for the test: one chip counted twice"
    source: "mlcommons/inference_results_v3.0@${COMMIT}:open/Gamma/systems/cpu_only.json"
`;
  const withCorrections = (text: string) => {
    const d = dataDir();
    writeFileSync(join(d, "mlperf", "corrections.yaml"), text);
    return d;
  };

  it("reads the count as corrected, keeps the published one in results.csv, and says so in the audit and the row", () => {
    const d = withCorrections(corrections("2"));
    const csv = readFileSync(join(d, "studies", "mlperf-inference-v3-0-resnet50", "results.csv"), "utf8");
    const corrected = runPipeline(d, { simulate: false });
    expect(readFileSync(join(d, "studies", "mlperf-inference-v3-0-resnet50", "results.csv"), "utf8")).toBe(
      csv,
    );
    rmSync(d, { recursive: true, force: true });
    const r = corrected.mlperf.find((x) => x.system === "cpu_only" && x.scenario === "Offline")!;
    expect(r.perNode).toBe(1);
    expect(perAccelerator(r)).toBe(r.throughput);
    const audit = corrected.audit.filter((f) => f.check === "mlperf-corrected");
    expect(audit.map((f) => f.message)).toEqual([
      `Gamma cpu_only (open), Offline: host_processors_per_node read as 1, published 2 (data/mlperf/corrections.yaml): made up for the test: one chip counted twice. Evidence: mlcommons/inference_results_v3.0@${COMMIT}:open/Gamma/systems/cpu_only.json`,
    ]);
    const row = corrected.rows.find(
      (x) => x.study === "mlperf-inference-v3-0-resnet50" && x.accelerator === "cpu-a",
    )!;
    expect(row.devices).toBe(1);
    expect(row.note).toContain("host_processors_per_node read as 1, published 2 (see the audit)");
  });

  const error = (text: string) => firstProblem(withCorrections(text));

  it("refuses a correction whose published count is not the one results.csv gives, at its line", () => {
    expect(error(corrections("3"))).toMatchObject({
      file: "data/mlperf/corrections.yaml",
      line: 6,
      message: "the correction's published host_processors_per_node is not the one results.csv gives",
      expected: '"2"',
      found: '"3"',
    });
  });

  it("refuses a correction of a count the build does not divide by, and a second correction of one count", () => {
    const onAccelerators = corrections("1")
      .replace("submitter: Gamma", "submitter: Acme")
      .replace("system: cpu_only", "system: T4x1_TRT");
    expect(error(onAccelerators)).toMatchObject({
      line: 5,
      message: "the correction changes a count the build does not divide this system's results by",
      expected: "accelerators_per_node",
      found: "host_processors_per_node",
    });
    const twice = `${corrections("2")}${corrections("2").replace("corrections:\n", "")}`;
    expect(error(twice)).toMatchObject({
      line: 12,
      message: "a second correction of one count",
      found: "this one and the one at line 4",
    });
  });

  it("refuses a correction that matches no imported result", () => {
    expect(error(corrections("2", "cpu_onl"))).toMatchObject({
      file: "data/mlperf/corrections.yaml",
      line: 4,
      message: "the correction names no imported result",
      found: '"cpu_onl"',
    });
  });
});

describe("one round, one work", () => {
  it("refuses a round whose studies come from two commits of its results repository, at the second's commit", () => {
    const d = dataDir();
    const other = "f".repeat(40);
    const from = join(d, "studies", "mlperf-inference-v3-0-resnet50");
    const to = join(d, "studies", "mlperf-inference-v3-0-resnet50-again");
    mkdirSync(to);
    for (const f of ["results.csv", "study.yaml"])
      writeFileSync(
        join(to, f),
        readFileSync(join(from, f), "utf8")
          .replaceAll(COMMIT, other)
          .replace("id: mlperf-inference-v3-0-resnet50", "id: mlperf-inference-v3-0-resnet50-again"),
      );
    let problems: SourceError["problems"] = [];
    try {
      runPipeline(d, { simulate: false });
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      problems = e.problems;
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: "data/studies/mlperf-inference-v3-0-resnet50-again/study.yaml",
        message:
          "imported from another commit of mlcommons/inference_results_v3.0 than mlperf-inference-v3-0-resnet50",
        expected: COMMIT,
        found: other,
      }),
    );
  });
});

describe("results.csv is read and checked like any data file", () => {
  const STUDY = join("studies", "mlperf-inference-v3-0-resnet50");
  const problems = (edit: (d: string) => void) => {
    const d = dataDir();
    try {
      edit(d);
      runPipeline(d, { simulate: false });
    } catch (e) {
      if (e instanceof SourceError) return e.problems;
      throw e;
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
    throw new Error("expected a SourceError");
  };
  const editCsv = (d: string, f: (lines: string[]) => string[]) => {
    const file = join(d, STUDY, "results.csv");
    writeFileSync(file, `${f(readFileSync(file, "utf8").trimEnd().split("\n")).join("\n")}\n`);
  };

  it("refuses a value outside the physical range, at its cell", () => {
    let line = "";
    const [p] = problems((d) =>
      editCsv(d, (lines) => {
        const i = lines.findIndex((l) => l.includes(",48000.5,"));
        lines[i] = lines[i]!.replace(",48000.5,", ",2000000000,");
        line = lines[i]!;
        return lines;
      }),
    );
    expect(p).toMatchObject({
      file: "data/studies/mlperf-inference-v3-0-resnet50/results.csv",
      line: expect.any(Number),
      column: line.indexOf(",2000000000,") + 2,
      message: 'column "Value": not a valid value',
      expected: "a number from 0.000001 to 1,000,000,000 img/s",
    });
  });

  it("refuses a derived img/s/W outside the physical range, at the power cell", () => {
    const [p] = problems((d) => editCsv(d, (lines) => lines.map((l) => l.replace(",30.500,", ",0.000001,"))));
    expect(p).toMatchObject({
      message: "derived img_s_per_w is outside the physical range",
      found: expect.stringMatching(/^1500000000 from img_s_per_w=/),
    });
  });

  it("refuses a result listed twice, naming the first line", () => {
    const found = problems((d) =>
      editCsv(d, (lines) => {
        const i = lines.findIndex((l) => l.includes(",48000.5,"));
        return [...lines, lines[i]!];
      }),
    );
    expect(found.map((p) => p.message)).toContain("a second metric for one system and scenario");
    expect(found.find((p) => p.message.startsWith("a second metric"))!.found).toMatch(/first at line \d+/);
  });

  it("locates a missing results file in study.yaml, and refuses a linked one", () => {
    const [missing] = problems((d) => rmSync(join(d, STUDY, "results.csv")));
    expect(missing).toMatchObject({
      file: "data/studies/mlperf-inference-v3-0-resnet50/study.yaml",
      message: "MLPerf results file named in study.yaml does not exist",
    });
    expect(missing!.line).toBeGreaterThan(0);
    const [linked] = problems((d) => {
      const file = join(d, STUDY, "results.csv");
      renameSync(file, join(d, "elsewhere.csv"));
      symlinkSync(join(d, "elsewhere.csv"), file);
    });
    expect(linked).toMatchObject({ message: "file is a symbolic link" });
  });
});
