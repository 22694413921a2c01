/** src/pipeline/ingest/text.ts: the errors it turns into located messages, and the ones it lets through. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SourceError } from "../../../src/pipeline/errors.ts";
import { readDataFile } from "../../../src/pipeline/ingest/text.ts";

const dir = mkdtempSync(join(tmpdir(), "atlas-text-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "table.csv"), "a,b\n");
writeFileSync(join(dir, "latin1.csv"), Buffer.from("a,b\nM\xfcnchen,1\n", "latin1"));

function problemOf(run: () => unknown) {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return (e as SourceError).problems[0];
  }
  throw new Error("no error");
}

const root = { dir, display: "data" };

describe("readDataFile", () => {
  it("reads a UTF-8 file", () => {
    expect(readDataFile(root, "table.csv")).toBe("a,b\n");
  });

  it("says a missing file does not exist, also below a path that is a file", () => {
    for (const [rel, shown] of [
      ["missing.csv", "data/missing.csv"],
      ["table.csv/x.csv", "data/table.csv/x.csv"],
    ] as const) {
      expect(problemOf(() => readDataFile(root, rel))).toMatchObject({
        file: shown,
        message: "file does not exist",
      });
    }
  });

  it("points at the first byte that is not UTF-8", () => {
    expect(problemOf(() => readDataFile(root, "latin1.csv"))).toMatchObject({
      file: "data/latin1.csv",
      line: 2,
      column: 2,
    });
  });

  it("lets other failures through as they are, not as a missing file", () => {
    expect(() => readDataFile(root, `${"x".repeat(300)}.csv`)).toThrow(
      expect.objectContaining({ code: "ENAMETOOLONG" }),
    );
  });
});
