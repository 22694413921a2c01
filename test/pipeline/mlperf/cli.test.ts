/** `npm run import:mlperf` end to end on the fixture checkout: files written, same bytes twice, errors located. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BROKEN, COMMIT, FIXTURE } from "./fixture.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const out = mkdtempSync(join(tmpdir(), "mlperf-import-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/import-mlperf.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
const spec = (root: string) => `${root}=mlcommons/inference_results_v3.0@${COMMIT}`;

describe("scripts/import-mlperf.ts", () => {
  it("writes one study folder per round, byte for byte the same when re-run", () => {
    const first = run(spec(FIXTURE), "--out", out);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("mlperf-inference-v3-0-resnet50: 10 rows, 1 result folders skipped");
    const folder = join(out, "mlperf-inference-v3-0-resnet50");
    expect(readdirSync(folder).sort()).toEqual(["results.csv", "study.yaml"]);
    const before = ["results.csv", "study.yaml"].map((f) => readFileSync(join(folder, f), "utf8"));
    expect(run(spec(FIXTURE), "--out", out).status).toBe(0);
    expect(["results.csv", "study.yaml"].map((f) => readFileSync(join(folder, f), "utf8"))).toEqual(before);
    expect(before[1]).toContain("redistribution: allowed");
    expect(before[1]).not.toMatch(/\/tmp\/|\/work\//);
  });

  it("stops on a malformed file with its line and column, writing nothing", () => {
    const empty = mkdtempSync(join(tmpdir(), "mlperf-import-"));
    const res = run(spec(BROKEN), "--out", empty);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(
      `${join(BROKEN, "closed/Acme/systems/T4x1_TRT.json")}:4:5: system description is not valid JSON`,
    );
    expect(res.stderr).toContain("nothing was written");
    expect(readdirSync(empty)).toEqual([]);
    rmSync(empty, { recursive: true });
  });

  it("refuses bad arguments with exit code 2", () => {
    expect(run().status).toBe(2);
    expect(run(spec(FIXTURE), "--benchmark", "bert").status).toBe(2);
    expect(run(`${FIXTURE}=mlcommons/inference_results_v3.0@abc`).status).toBe(2);
    expect(existsSync(join(out, "mlperf-inference-v3-0-bert"))).toBe(false);
  });
});
