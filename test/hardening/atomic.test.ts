/**
 * Atomic builds: a build that fails, in ingest or later in the Astro stage, leaves the previous dist/
 * byte for byte; and the final swap (scripts/lib/swap.ts) leaves either the old or the new site.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { swapInto } from "../../scripts/lib/swap.ts";
import { copyFixture, treeHash } from "../helpers/fixtures.ts";
import { finding } from "./corpus.ts";
import { buildCli, STACK_LINE } from "./run-build.ts";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** A folder holding a "site" with the given pages. */
function site(parent: string, name: string, pages: Record<string, string>): string {
  const dir = join(parent, name);
  for (const [path, text] of Object.entries(pages)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("swapInto", () => {
  it("replaces the old site with the new one and deletes the old", () => {
    const parent = temp("atlas-swap-");
    const target = site(parent, "dist", { "index.html": "old", "stale/index.html": "old page" });
    const fresh = site(parent, "staging", { "index.html": "new" });
    swapInto(fresh, target, "t");
    expect(readFileSync(join(target, "index.html"), "utf8")).toBe("new");
    expect(existsSync(join(target, "stale"))).toBe(false);
    expect(readdirSync(parent)).toEqual(["dist"]);
  });

  it("moves the new site in when there was none", () => {
    const parent = temp("atlas-swap-");
    const fresh = site(parent, "staging", { "index.html": "new" });
    swapInto(fresh, join(parent, "dist"), "t");
    expect(readFileSync(join(parent, "dist", "index.html"), "utf8")).toBe("new");
  });

  // /dev/shm is a tmpfs on Linux: another file system than the temporary folder's on most machines.
  const otherFs = existsSync("/dev/shm") && statSync("/dev/shm").dev !== statSync(tmpdir()).dev;
  it.skipIf(!otherFs)("copies a new site from another file system (a rename cannot cross one)", () => {
    const parent = temp("atlas-swap-");
    const target = site(parent, "dist", { "index.html": "old" });
    const elsewhere = mkdtempSync(join("/dev/shm", "atlas-staging-"));
    made.push(elsewhere);
    const fresh = site(elsewhere, "staging", { "index.html": "new", "a/b.html": "deep" });
    swapInto(fresh, target, "t");
    expect(readFileSync(join(target, "a", "b.html"), "utf8")).toBe("deep");
    expect(readdirSync(parent)).toEqual(["dist"]);
    expect(existsSync(fresh)).toBe(false);
  });

  it("puts the old site back when the new one cannot be moved in", () => {
    const parent = temp("atlas-swap-");
    const target = site(parent, "dist", { "index.html": "old", "a/b.html": "deep" });
    const before = treeHash(target);
    expect(() => swapInto(join(parent, "missing-staging"), target, "t")).toThrow(/ENOENT/);
    expect(treeHash(target)).toBe(before);
    expect(readdirSync(parent)).toEqual(["dist"]);
  });
});

describe("a failed build keeps the previous dist/", () => {
  it("when ingest fails (a finding names an unknown figure) and when the Astro stage fails (a corrupted cache)", async () => {
    const runs = ["ingest", "astro"].map(async (stage) => {
      const data = copyFixture();
      made.push(data);
      const parent = temp("atlas-atomic-");
      const dist = site(parent, "dist", {
        "index.html": "previous build",
        "studies/old/index.html": "previous study page",
      });
      const work = join(parent, "work");
      mkdirSync(work);
      if (stage === "ingest") finding(data, "broken.md", "Text.\n\n{{figure:fig-missing}}\n");
      // A file where Astro's cache folder belongs: ingest succeeds and writes its output, then Astro fails.
      else writeFileSync(join(work, "astro-cache"), "not a folder");
      const before = treeHash(dist);
      const run = await buildCli({
        ATLAS_DATA_DIR: data,
        ATLAS_OUT_DIR: dist,
        ATLAS_WORK_DIR: work,
        ATLAS_NO_ARCHIVE: "1",
      });
      return { stage, run, before, after: treeHash(dist) };
    });
    for (const { stage, run, before, after } of await Promise.all(runs)) {
      expect(run.status, `${stage}: ${run.stderr}`).not.toBe(0);
      expect(after, `${stage}: dist changed`).toBe(before);
      if (stage === "ingest") {
        expect(run.stderr).toContain('data/findings/broken.md:9:1: unknown figure "fig-missing"');
        expect(run.stderr).not.toMatch(STACK_LINE);
      } else {
        expect(run.stdout).toContain("ingest: 1 studies");
        expect(run.stderr).toContain("The site build failed;");
        expect(run.stderr).toContain("was left as it was");
      }
    }
  }, 120_000);
});
