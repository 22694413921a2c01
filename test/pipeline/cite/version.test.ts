/**
 * The report version: a build calls itself release X.Y.Z only when its source tree is exactly the
 * released tree (not merely the same data), and the source hash is the tree as git would commit it.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  dataHash,
  isReleaseRecord,
  reportVersion,
  sourceHash,
  versionLabel,
  type Release,
} from "../../../src/pipeline/cite/version.ts";
import { treeSourceHash } from "../../../scripts/lib/source-tree.ts";

const file = (path: string, text: string) => ({ path, bytes: Buffer.from(text) });
const tree = [
  file("src/a.ts", "export const a = 1;\n"),
  file("data/x.csv", "a,b\n1,2\n"),
  file("CHANGELOG.md", "# Changes\n"),
];
const release = (source: string | undefined): Release => ({
  version: "0.2.0",
  date: "2026-12-01",
  dataHash: "abcd1234",
  sourceHash: source,
  changes: [],
});

describe("the data hash", () => {
  it("hashes the dataset bytes, so a changed value changes the version's data hash", () => {
    expect(dataHash("a,b\n1,2\n")).toMatch(/^[0-9a-f]{8}$/);
    expect(dataHash("a,b\n1,2\n")).not.toBe(dataHash("a,b\n1,3\n"));
    expect(dataHash(["a,b\n", "1,2\n"])).toBe(dataHash("a,b\n1,2\n"));
  });
});

describe("the source hash", () => {
  it("depends on every path and byte of the tree, not on the order files are listed in", () => {
    const h = sourceHash(tree);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(sourceHash([...tree].reverse())).toBe(h);
    expect(sourceHash([...tree.slice(0, 2), file("CHANGELOG.md", "# Changes!\n")])).not.toBe(h);
    expect(sourceHash([...tree, file("docs/new.md", "")])).not.toBe(h);
    expect(sourceHash([file("src/b.ts", "export const a = 1;\n"), ...tree.slice(1)])).not.toBe(h);
  });

  it("leaves out the release records, which change after a release without changing the site", () => {
    for (const p of [
      "releases.json",
      "dois.json",
      "CITATION.cff",
      ".zenodo.json",
      "archive/v/0.2.0/index.html",
    ]) {
      expect(isReleaseRecord(p), p).toBe(true);
      expect(sourceHash([...tree, file(p, "anything")]), p).toBe(sourceHash(tree));
    }
    for (const p of ["package.json", "report.config.json", "archived.md", "data/releases.json"])
      expect(isReleaseRecord(p), p).toBe(false);
  });
});

describe("which build is a release", () => {
  const source = sourceHash(tree);

  it("is the release only when version, data and source tree all match the record", () => {
    expect(reportVersion("0.2.0", "abcd1234", source, [release(source)]).release?.version).toBe("0.2.0");
    expect(reportVersion("0.2.0", "abcd1234", "0".repeat(64), [release(source)]).release).toBeNull();
    expect(reportVersion("0.2.0", "ffff0000", source, [release(source)]).release).toBeNull();
    expect(reportVersion("0.3.0", "abcd1234", source, [release(source)]).release).toBeNull();
  });

  it("is never a release when the tree is unknown, or when the record has no source hash (0.1.0)", () => {
    expect(reportVersion("0.2.0", "abcd1234", null, [release(source)]).release).toBeNull();
    expect(reportVersion("0.2.0", "abcd1234", source, [release(undefined)]).release).toBeNull();
  });

  it("says 'release X.Y.Z' for a release and '+dev …, not a release' otherwise", () => {
    expect(versionLabel(reportVersion("0.2.0", "abcd1234", source, [release(source)]))).toBe(
      "release 0.2.0 (2026-12-01, data abcd1234)",
    );
    expect(versionLabel(reportVersion("0.2.0", "abcd1234", null, [release(source)]))).toBe(
      "version 0.2.0+dev (data abcd1234), not a release",
    );
    expect(() => reportVersion("0.2", "abcd1234", null, [])).toThrow(/MAJOR\.MINOR\.PATCH/);
  });
});

describe("the source tree of a git working tree", () => {
  const git = (cwd: string, ...args: string[]) => {
    const res = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (res.status !== 0) throw new Error(res.stderr);
  };

  it("is what `git add -A` would commit: tracked and untracked files, not ignored ones; unknown outside the top", () => {
    const dir = mkdtempSync(join(tmpdir(), "atlas-tree-"));
    git(dir, "init", "-q");
    writeFileSync(join(dir, ".gitignore"), "ignored/\n");
    writeFileSync(join(dir, "a.txt"), "a\n");
    git(dir, "add", "-A");
    const first = treeSourceHash(dir);
    expect(first).toBe(sourceHash([file(".gitignore", "ignored/\n"), file("a.txt", "a\n")]));
    mkdirSync(join(dir, "ignored"));
    writeFileSync(join(dir, "ignored", "cache.bin"), "x");
    writeFileSync(join(dir, "releases.json"), "[]\n");
    expect(treeSourceHash(dir)).toBe(first);
    writeFileSync(join(dir, "new.txt"), "untracked\n");
    expect(treeSourceHash(dir)).not.toBe(first);
    writeFileSync(join(dir, "a.txt"), "changed\n");
    expect(treeSourceHash(dir)).toBe(
      sourceHash([
        file(".gitignore", "ignored/\n"),
        file("a.txt", "changed\n"),
        file("new.txt", "untracked\n"),
      ]),
    );
    mkdirSync(join(dir, "sub"));
    expect(treeSourceHash(join(dir, "sub"))).toBeNull();
    expect(treeSourceHash(mkdtempSync(join(tmpdir(), "atlas-nogit-")))).toBeNull();
  });
});
