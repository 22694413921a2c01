/** scripts/lib/link-or-copy.ts: the build links downloads into the staged site, copying only where linking cannot work. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { linkOrCopy } from "../../../scripts/lib/link-or-copy.ts";

const dir = mkdtempSync(join(tmpdir(), "atlas-link-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const source = join(dir, "measurements.csv");
writeFileSync(source, "a,b\n");
const refusing = (code: string) => () => {
  throw Object.assign(new Error(`${code}: refused`), { code });
};

describe("linkOrCopy", () => {
  it("hard-links on one file system", () => {
    linkOrCopy(source, join(dir, "linked.csv"));
    expect(statSync(join(dir, "linked.csv")).ino).toBe(statSync(source).ino);
  });

  it("copies across file systems (EXDEV) and where the file system has no hard links (EPERM)", () => {
    for (const code of ["EXDEV", "EPERM"]) {
      const to = join(dir, `copied-${code}.csv`);
      linkOrCopy(source, to, refusing(code));
      expect(readFileSync(to, "utf8")).toBe("a,b\n");
      expect(statSync(to).ino).not.toBe(statSync(source).ino);
    }
  });

  it("throws every other failure instead of hiding it behind a copy", () => {
    expect(() => linkOrCopy(join(dir, "missing.csv"), join(dir, "x.csv"))).toThrow(/ENOENT/);
    expect(() => linkOrCopy(source, join(dir, "linked.csv"))).toThrow(/EEXIST/);
    expect(() => linkOrCopy(source, join(dir, "y.csv"), refusing("EIO"))).toThrow(/EIO/);
  });
});
