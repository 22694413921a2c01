/**
 * A representative handful of the bad-input corpus through the real CLI (`node --import tsx
 * scripts/build.ts`): exit code 1, the located message on stderr, no stack trace, data and the
 * previous dist/ untouched. The rest of the corpus runs through the pure pipeline (bad-input.test.ts).
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyFixture, treeHash } from "../helpers/fixtures.ts";
import { BAD_INPUTS } from "./corpus.ts";
import { V2_CASES } from "./corpus-v2.ts";
import { buildCli, STACK_LINE } from "./run-build.ts";

const CLI_CASES = [
  "ragged row: more cells than the header",
  "bytes that are not UTF-8 (Latin-1 µ)",
  "a 50 MB file",
  "symbolic link to a file outside data/",
  "billion laughs as the whole file",
  "study folder name with a terminal escape",
  "finding with quotes nested 5,000 deep",
  // Hardening v2: these ended in a stack trace, or read from outside data/, before.
  "two models whose figure ids collide after slugging (resnet50-unversioned and resnet50)",
  "U+FFFE in an accelerator name (a figure title)",
  "data/findings is a symbolic link to a folder outside data/",
  "latency of 1 followed by 306 zeros in seconds (infinite in ms)",
];

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe("the build CLI on bad input", () => {
  it("exits 1 with a located message, no stack trace, and leaves data/ and the previous dist/ as they were", async () => {
    const cases = CLI_CASES.map((name) => [...BAD_INPUTS, ...V2_CASES].find((c) => c.name === name)!);
    expect(cases.every(Boolean)).toBe(true);
    const runs = cases.map(async (c) => {
      const data = copyFixture();
      const parent = mkdtempSync(join(tmpdir(), "atlas-cli-"));
      made.push(data, `${data}-outside`, parent);
      c.apply(data);
      // The previous dist/ is a folder with one page; the failed build must not touch it.
      const dist = join(parent, "dist");
      mkdirSync(dist);
      writeFileSync(join(dist, "index.html"), "the previous build");
      const before = { data: treeHash(data), dist: treeHash(dist) };
      const run = await buildCli({
        ATLAS_DATA_DIR: data,
        ATLAS_OUT_DIR: dist,
        ATLAS_WORK_DIR: join(parent, "work"),
      });
      return { c, run, before, after: { data: treeHash(data), dist: treeHash(dist) } };
    });
    for (const { c, run, before, after } of await Promise.all(runs)) {
      expect(run.status, `${c.name}\n${run.stderr}`).toBe(1);
      expect(run.stderr, c.name).toContain(c.expect);
      expect(run.stderr, c.name).toContain("nothing was written");
      expect(run.stderr, `${c.name}: stack trace on stderr`).not.toMatch(STACK_LINE);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters.
      expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F]/);
      expect(after.data, `${c.name}: data changed`).toBe(before.data);
      expect(after.dist, `${c.name}: previous dist changed`).toBe(before.dist);
    }
  }, 120_000);
});
