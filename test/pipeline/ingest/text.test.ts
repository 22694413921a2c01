/** src/pipeline/ingest/text.ts: the errors it turns into located messages, and the ones it lets through. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SourceError } from "../../../src/pipeline/errors.ts";
import { readUtf8 } from "../../../src/pipeline/ingest/text.ts";

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

describe("readUtf8", () => {
  it("reads a UTF-8 file", () => {
    expect(readUtf8(join(dir, "table.csv"), "data/table.csv")).toBe("a,b\n");
  });

  it("says a missing file does not exist, also below a path that is a file", () => {
    for (const path of [join(dir, "missing.csv"), join(dir, "table.csv", "x.csv")]) {
      expect(problemOf(() => readUtf8(path, "data/x.csv"))).toMatchObject({
        file: "data/x.csv",
        message: "file does not exist",
      });
    }
  });

  it("points at the first byte that is not UTF-8", () => {
    expect(problemOf(() => readUtf8(join(dir, "latin1.csv"), "data/latin1.csv"))).toMatchObject({
      file: "data/latin1.csv",
      line: 2,
      column: 2,
    });
  });

  it("lets other failures through as they are, not as a missing file", () => {
    const tooLong = join(dir, `${"x".repeat(300)}.csv`);
    expect(() => readUtf8(tooLong, "data/long.csv")).toThrow(
      expect.objectContaining({ code: "ENAMETOOLONG" }),
    );
  });
});
