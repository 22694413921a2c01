/**
 * The bad-input corpus (corpus.ts) through the pure pipeline: every case ends in a SourceError whose
 * problems all carry a file, a line and a column, and nothing under the data folder changes.
 */
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { runPipeline } from "../../src/pipeline/run.ts";
import { INVISIBLE, SourceError } from "../../src/pipeline/errors.ts";
import { copyFixture, treeHash } from "../helpers/fixtures.ts";
import { BAD_INPUTS, CSV_CASES, METADATA_CASES } from "./corpus.ts";
import { V2_CASES } from "./corpus-v2.ts";

const made: string[] = [];
afterAll(() => {
  for (const d of made) for (const p of [d, `${d}-outside`]) rmSync(p, { recursive: true, force: true });
});

/** Applies a case to a fresh copy of the fixture and returns the error the pipeline threw. */
function rejectionOf(apply: (dir: string) => void): { error: unknown; dir: string } {
  const dir = copyFixture();
  made.push(dir);
  apply(dir);
  const before = treeHash(dir);
  let error: unknown = null;
  try {
    runPipeline(dir);
  } catch (e) {
    error = e;
  }
  expect(treeHash(dir), "the data folder changed").toBe(before);
  return { error, dir };
}

describe("the bad-input corpus", () => {
  it("has at least 30 cases across CSV and metadata files", () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
    expect(CSV_CASES.length).toBeGreaterThanOrEqual(15);
    expect(METADATA_CASES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(BAD_INPUTS.map((c) => c.name)).size).toBe(BAD_INPUTS.length);
  });

  it("has hardening v2's cases too, each named once", () => {
    expect(V2_CASES.length).toBeGreaterThanOrEqual(50);
    const names = [...BAD_INPUTS, ...V2_CASES].map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([...BAD_INPUTS, ...V2_CASES].map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const { error } = rejectionOf(c.apply);
    expect(error, "expected the pipeline to reject the input").toBeInstanceOf(SourceError);
    const e = error as SourceError;
    for (const p of e.problems) {
      expect(p.file).toMatch(/^data\//);
      expect(Number.isInteger(p.line) && p.line >= 0, `line ${p.line}`).toBe(true);
      expect(Number.isInteger(p.column) && p.column >= 0, `column ${p.column}`).toBe(true);
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.expected.length).toBeGreaterThan(0);
    }
    // Printed messages stay readable: one problem per few lines, no raw control characters.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters.
    expect(e.message).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F]/);
    expect(e.message).toContain(c.expect);
    for (const part of c.also ?? []) expect(e.message).toContain(part);
    // Invisible characters never reach the terminal raw (U+200B, U+FEFF, U+FFFE and kin are escaped).
    expect(e.message).not.toMatch(INVISIBLE);
  });
});
