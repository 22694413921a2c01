/**
 * The measurement harness (scripts/measure/, docs/measure.md) from the atlas' side:
 * - the committed layer graphs equal what scripts/export-graphs.ts exports now, where the harness reads them;
 * - the harness' Python unit tests pass, with PyTorch where the harness finds it (all of them then run);
 * - the harness reads the graphs as the simulator builds them, at sizes other than the exported one;
 * - a study folder written by the harness (from synthetic numbers) passes the atlas' ingest, audit and
 *   whole pipeline. (cpu-run.test.ts measures for real, on the CPU.)
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportGraphs, GRAPHS_DIR, staleGraphs } from "../../scripts/export-graphs.ts";
import { loadData } from "../../src/pipeline/ingest/index.ts";
import { auditStudy } from "../../src/pipeline/normalize/audit.ts";
import { normalizeStudy } from "../../src/pipeline/normalize/normalize.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { graphToJson } from "../../src/pipeline/simulate/graph-json.ts";
import { buildModel, SWEEP_MODELS } from "../../src/pipeline/simulate/models/index.ts";
import { MEASURE, NO_TORCH, python, REQUIRE_TORCH, ROOT, TORCH } from "./python.ts";

const temps: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe("layer graphs for the harness", () => {
  it("are up to date with the simulator (run `npx tsx scripts/export-graphs.ts` after changing a model)", () => {
    expect(staleGraphs(ROOT)).toEqual([]);
    expect([...exportGraphs().keys()].sort()).toEqual(SWEEP_MODELS.map((m) => `${m}.json`).sort());
  });

  it("are read by the harness exactly as the simulator builds them at other sizes", () => {
    const sizes: [number, number][] = [
      [224, 224],
      [608, 608],
      [1024, 1024],
      [1440, 1440],
      [2048, 1024],
      [1920, 1080],
      [320, 256],
    ];
    for (const model of SWEEP_MODELS) {
      const r = python([
        join(MEASURE, "measure.py"),
        "--describe",
        model,
        ...sizes.map(([w, h]) => `${w}x${h}`),
      ]);
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.trim().split("\n");
      expect(lines).toHaveLength(sizes.length);
      for (const [i, [w, h]] of sizes.entries()) {
        const mine = JSON.parse(lines[i]!) as {
          input: number[];
          nodes: { name: string; op: string; output: number[]; macs: number; params: number }[];
        };
        const sim = graphToJson(buildModel(model, w, h).graph);
        expect(mine.input, `${model} ${w}x${h}`).toEqual(sim.input);
        expect(mine.nodes, `${model} ${w}x${h}`).toEqual(
          sim.nodes.map((n) => ({
            name: n.name,
            op: n.op,
            output: n.output,
            macs: n.macs,
            params: n.params,
          })),
        );
      }
    }
  });

  it("are written where the harness reads them", () => {
    const r = python(["-c", "from atlas_measure import graph; print(graph.GRAPHS_DIR)"], MEASURE);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(join(ROOT, GRAPHS_DIR));
  });
});

describe("harness unit tests (python -m unittest)", () => {
  it(`pass, ${TORCH ? `every one of them (PyTorch ${TORCH} on the CPU)` : "those that need no PyTorch (none found)"}`, () => {
    if (REQUIRE_TORCH) expect(TORCH, NO_TORCH).not.toBeNull();
    const r = python(["-m", "unittest", "discover", "-s", "scripts/measure", "-p", "test_*.py"]);
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status, output).toBe(0);
    expect(output).toMatch(/Ran \d+ tests/);
    expect(output).toMatch(/\nOK/);
    // With PyTorch nothing is skipped; without it, only the PyTorch tests are.
    if (TORCH) expect(output).not.toMatch(/skipped/);
  }, 300_000);
});

describe("a study folder written by the harness", () => {
  /** Writes the synthetic study of scripts/measure/tests/fixtures.py into `<dir>/studies/`. */
  function writeFixture(dataDir: string): string {
    const r = python([join(MEASURE, "tests", "fixtures.py"), join(dataDir, "studies")]);
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim();
  }

  it("passes the data contract, with one row per measured batch and no audit warning", () => {
    const dir = tempDir("atlas-measure-");
    cpSync(join(ROOT, "data", "accelerators", "h100-sxm.yaml"), join(dir, "accelerators", "h100-sxm.yaml"));
    writeFixture(dir);
    const data = loadData(dir);
    expect(data.studies.map((s) => s.study.id)).toEqual(["test-h100-sxm"]);
    const study = data.studies[0]!;
    expect(study.tables.map((t) => [t.meta.file, t.rows.length])).toEqual([
      ["rn50-224x224-fp16-eager.csv", 4],
      ["rn50-224x224-fp16-cudagraph.csv", 2],
    ]);
    const row = study.tables[0]!.rows[1]!; // batch 2, 2.6 ms (synthetic)
    expect(row.values.batch_size?.value).toBe(2);
    expect(row.values.latency_ms?.value).toBe(2.6);
    expect(row.values.latency_p50_ms?.value).toBe(2.574);
    expect(row.values.throughput_img_s?.value).toBe(769.23);
    expect(row.values.power_w?.value).toBe(400);
    expect(row.values.memory_used_mb?.value).toBeCloseTo(340 * 1.048576, 6); // MiB → MB
    expect(row.note).toContain("Timed iterations: 200");
    const rows = normalizeStudy(study);
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.series))).toEqual(
      new Set(["test-h100-sxm-rn50-224x224-fp16-eager", "test-h100-sxm-rn50-224x224-fp16-cudagraph"]),
    );
    expect(
      rows.every((r) => r.kind === "measured" && r.accelerator === "h100-sxm" && r.precision === "fp16"),
    ).toBe(true);
    expect(auditStudy(study).filter((f) => f.severity === "warning")).toEqual([]);
    expect(study.study.method).toContain("torch.cuda.Event(enable_timing=True)");
  });

  it("goes through the whole pipeline with the atlas' data, simulated twins included", () => {
    const dir = tempDir("atlas-measure-full-");
    cpSync(join(ROOT, "data"), dir, { recursive: true });
    writeFixture(dir);
    const atlas = runPipeline(dir);
    const mine = atlas.rows.filter((r) => r.study === "test-h100-sxm");
    expect(mine).toHaveLength(6);
    expect(atlas.audit.filter((f) => f.study === "test-h100-sxm" && f.severity === "warning")).toEqual([]);
    // data/ has the simulator's parameters, so the pipeline simulates and validates.
    expect(atlas.validation).not.toBeNull();
    expect(atlas.rows.some((r) => r.series === "sim-test-h100-sxm-rn50-224x224-fp16-eager")).toBe(true);
  });
});
