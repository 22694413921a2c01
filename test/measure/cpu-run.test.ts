/**
 * The harness for real, without a GPU: `npm run measure -- --device cpu` on a tiny grid (about ten
 * seconds of PyTorch on one core) writes a study folder into a temporary copy of data/, and the
 * atlas' pipeline ingests it: one row per measured point, with the numbers the run recorded. The GPU
 * path differs only in the CUDA calls (events, graphs, memory statistics, NVML).
 * Skipped where no Python with PyTorch is found, unless ATLAS_REQUIRE_TORCH=1 (.ci/run).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPipeline } from "../../src/pipeline/run.ts";
import { NO_TORCH, REQUIRE_TORCH, ROOT, TORCH } from "./python.ts";

const dir = mkdtempSync(join(tmpdir(), "atlas-cpu-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The accelerator the CPU run names (`cpu`), for the temporary data/ only: no specs, so nothing is simulated for it. */
const CPU_ACCELERATOR = `id: cpu
name: "CPU (harness smoke test)"
vendor: "none"
kind: other
summary: "The CPU that ran npm run measure -- --device cpu in a test: a smoke test of the harness, not data for the atlas."
specs: {}
`;

/**
 * ResNet-50 at 32×32, batches 1 and 2, FP32 and FP16, eager and CUDA graphs: about ten seconds, at most
 * 40 (a point may take 20 s, so that a loaded machine still fits the minimum number of calls).
 */
const GRID = [
  ...["--device", "cpu", "--quick", "--models", "resnet50", "--sizes", "32"],
  ...["--precisions", "fp32", "fp16", "--executions", "eager", "cuda-graph", "--max-batch", "2"],
  ...["--budget-s", "40", "--point-budget-s", "20"],
];

interface RecordedPoint {
  precision: string;
  execution: string;
  batch: number;
  status: "measured" | "skipped";
  kind?: string;
  reason?: string;
  mean_ms?: number;
  p90_ms?: number | null;
  throughput_img_s?: number;
  iterations?: number;
}

/** Equal to the 4 significant digits (or more) the harness writes. */
const near = (actual: number | null | undefined, expected: number) =>
  Math.abs((actual ?? Number.NaN) - expected) <= 1e-3 * Math.abs(expected);

describe.runIf(TORCH || REQUIRE_TORCH)("npm run measure -- --device cpu", () => {
  it("measures a tiny grid into a study folder that the atlas' pipeline ingests, row for recorded row", () => {
    expect(TORCH, NO_TORCH).not.toBeNull();
    const data = join(dir, "data");
    cpSync(join(ROOT, "data"), data, { recursive: true });
    writeFileSync(join(data, "accelerators", "cpu.yaml"), CPU_ACCELERATOR);
    const study = join(data, "studies", "cpu-smoke");
    const record = join(dir, "run.json");
    const run = spawnSync(
      "npm",
      ["run", "--silent", "measure", "--", "--out", study, "--record", record, ...GRID],
      {
        cwd: ROOT,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
        encoding: "utf8",
        timeout: 240_000,
      },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("PyTorch networks match the simulator's graphs");

    const points = (JSON.parse(readFileSync(record, "utf8")) as { points: RecordedPoint[] }).points;
    expect(points).toHaveLength(8);
    const measured = points.filter((p) => p.status === "measured");
    // FP32 eager batch 1 always fits the budget; CUDA graphs need a CUDA device. (FP16 depends on the
    // PyTorch build: 1.13's CPU kernels have no FP16 convolution, and the run records that as unsupported.)
    expect(measured.some((p) => p.precision === "fp32" && p.execution === "eager" && p.batch === 1)).toBe(
      true,
    );
    for (const p of points.filter((p) => p.execution === "cuda-graph"))
      expect(p).toMatchObject({ status: "skipped", kind: "unsupported" });
    const text = readFileSync(join(study, "study.yaml"), "utf8");
    for (const p of points.filter((p) => p.status === "skipped"))
      expect(text).toContain(JSON.stringify(p.reason).slice(1, -1));

    const atlas = runPipeline(data);
    const rows = atlas.rows.filter((r) => r.study === "cpu-smoke");
    expect(rows).toHaveLength(measured.length);
    for (const p of measured) {
      const series = `cpu-smoke-rn50-32x32-${p.precision}-eager`;
      const row = rows.find((r) => r.series === series && r.batch_size === p.batch);
      expect(row, `${series} batch ${p.batch}`).toMatchObject({
        kind: "measured",
        accelerator: "cpu",
        model: "resnet50_v1.5",
        input_width: 32,
        input_height: 32,
        precision: p.precision,
        note: expect.stringContaining(`Timed iterations: ${p.iterations}`),
      });
      expect(near(row!.latency_ms, p.mean_ms!), `mean latency ${row!.latency_ms} vs ${p.mean_ms}`).toBe(true);
      expect(near(row!.throughput_img_s, p.throughput_img_s!), "throughput").toBe(true);
      if (p.p90_ms != null) expect(near(row!.latency_p90_ms, p.p90_ms), "p90").toBe(true);
    }
    expect(atlas.audit.filter((f) => f.study === "cpu-smoke" && f.severity === "warning")).toEqual([]);
  }, 300_000);
});
