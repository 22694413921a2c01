/**
 * No input makes the build slower than linear in its size (issue 19, defect 5). Each case runs the
 * pipeline in a child process that is killed after KILL_AFTER_S, so an input that would hang the
 * build fails the test instead of stalling the run. The bound is generous (a fixture ingests in well
 * under a second); before the fix every one of these ran for minutes.
 */
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_PRINTED_CHARS, MAX_PROBLEMS_SHOWN } from "../../src/pipeline/errors.ts";
import { copyFixture, edit } from "../helpers/fixtures.ts";
import { CSV, META, POPART_MATCH_LINE, setLine, withSimulator } from "./corpus.ts";
import { nestedKey } from "./corpus-v2.ts";
import { ROOT } from "./run-build.ts";

/** Seconds a case may take: 30× what the slowest takes on a loaded two-core machine. */
const BOUND_S = 30;
const KILL_AFTER_S = 90;

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function runOn(apply: (dir: string) => void): {
  seconds: number;
  error: string | null;
  sourceError: boolean;
} {
  const dir = copyFixture();
  made.push(dir);
  apply(dir);
  const start = performance.now();
  const run = spawnSync(process.execPath, ["--import", "tsx", "test/hardening/run-pipeline.ts", dir], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: KILL_AFTER_S * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = (performance.now() - start) / 1000;
  expect(run.signal, `killed after ${wall.toFixed(0)} s: the input hangs the pipeline`).toBeNull();
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!);
}

/** A refused input: a located SourceError, quickly, and a message of bounded size. */
function expectFastLocatedRefusal(r: ReturnType<typeof runOn>, start: string): void {
  expect(r.seconds).toBeLessThan(BOUND_S);
  expect(r.sourceError, r.error ?? "no error").toBe(true);
  expect(r.error).toContain(start);
  // At most MAX_PROBLEMS_SHOWN problems of four parts of at most MAX_PRINTED_CHARS each, plus the location.
  expect(r.error!.length).toBeLessThan(MAX_PROBLEMS_SHOWN * 4 * (MAX_PRINTED_CHARS + 200));
}

describe("inputs that made the build slower than linear", () => {
  it("a stack pattern that backtracks (.*.*.*…#) against long framework strings", () => {
    const r = runOn((d) => {
      setLine(d, META, 19, `    framework: "${"FixtureFlow 1.0 with a long description ".repeat(4).trim()}"`);
      withSimulator(d, (t) =>
        t.replace('match: ["popart", "poplar"]', `match: ["popart", "${".*".repeat(12)}#"]`),
      );
    });
    expectFastLocatedRefusal(r, `data/simulator/stacks.yaml:${POPART_MATCH_LINE}:23: stacks.0.match.1:`);
  }, 120_000);

  it("an explicit mapping key of 700 nested flow mappings (1.4 KB) in study.yaml", () => {
    const r = runOn((d) => edit(d, META, (t) => `${t}? ${nestedKey(700).slice(0, -3)}\n: 1\n`));
    expectFastLocatedRefusal(r, "data/studies/study-a/study.yaml:32:3: mapping key is not a plain value");
    expect(r.error!.length).toBeLessThan(2000);
  }, 120_000);

  it("a study.yaml of 0.8 MB with a problem in each of 12,800 columns (one parse, not one per problem)", () => {
    const r = runOn((d) => {
      const columns = Array.from(
        { length: 64 },
        (_, j) => `      - { name: "c${j}", field: text, unit: furlongs }`,
      );
      const tables = Array.from({ length: 200 }, (_, i) =>
        [
          `  - file: t${i}.csv`,
          `    title: "Table ${i}"`,
          '    source: "Table"',
          `    series: s-${i}`,
          "    accelerator: acc-a",
          "    model: resnet50_v1.5",
          "    input: { width: 224, height: 224, stated: true }",
          "    precision: fp32",
          '    framework: "F"',
          "    execution: eager",
          "    columns:",
          ...columns,
        ].join("\n"),
      );
      edit(d, META, (t) => `${t.slice(0, t.indexOf("tables:"))}tables:\n${tables.join("\n")}\n`);
      rmSync(join(d, CSV));
      const csv = `${Array.from({ length: 64 }, (_, j) => `c${j}`).join(",")}\n${Array(64).fill("x").join(",")}\n`;
      for (let i = 0; i < 200; i++) writeFileSync(join(d, `studies/study-a/t${i}.csv`), csv);
    });
    expectFastLocatedRefusal(r, 'unknown unit "furlongs"');
    expect(r.error).toContain(`… and ${200 * 64 - MAX_PROBLEMS_SHOWN} more problems`);
  }, 120_000);

  it("a 200-character key of 100 nested flow mappings: the message quotes an excerpt, not the key's expansion", () => {
    const r = runOn((d) => edit(d, META, (t) => `${t}${nestedKey(100)}\n`));
    expectFastLocatedRefusal(r, "data/studies/study-a/study.yaml:32:1: mapping key is not a plain value");
    expect(r.error!.length).toBeLessThan(2000);
  }, 120_000);
});
