/**
 * A release snapshot: the site built from a committed tree (a temporary git worktree of a commit, so
 * nothing uncommitted can leak in) with base <site path>v/X.Y.Z/, and the byte-for-byte comparison of
 * two built trees that `npm run verify-release` makes.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { addWorktree, removeWorktree } from "./git.ts";

/** The path the site is served under, from report.config.json's siteUrl ("/" or "/repo/"). */
function sitePath(root: string): string {
  const { siteUrl } = JSON.parse(readFileSync(join(root, "report.config.json"), "utf8")) as {
    siteUrl: string;
  };
  return new URL(siteUrl).pathname.replace(/\/?$/, "/");
}

/**
 * Builds the site of commit `ref` for release `version` into `out`. The worktree lives in the
 * repository's ignored .build/ folder, so the build finds the repository's node_modules above it.
 */
export function buildSnapshot(root: string, ref: string, version: string, out: string, label: string): void {
  const tree = join(root, ".build", `${label}-${version}`);
  removeWorktree(root, tree);
  rmSync(tree, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  addWorktree(root, tree, ref);
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ATLAS_BASE: `${sitePath(tree)}v/${version}/`,
      ATLAS_OUT_DIR: out,
      ATLAS_WORK_DIR: join(tree, ".build"),
      ATLAS_NO_ARCHIVE: "1",
    };
    // The snapshot is the repository's own data, never a folder named from outside; and Vite's own
    // variables from a calling process (a test runner sets BASE_URL and MODE) must not reach Astro.
    for (const k of ["ATLAS_DATA_DIR", "BASE_URL", "MODE", "DEV", "PROD", "SSR"]) delete env[k];
    const res = spawnSync(
      process.execPath,
      ["--max-semi-space-size=64", "--import", "tsx", "scripts/build.ts"],
      {
        cwd: tree,
        env,
        stdio: "inherit",
      },
    );
    if (res.status !== 0) throw new Error(`the build of ${ref} failed (exit ${res.status ?? res.signal})`);
  } finally {
    removeWorktree(root, tree);
    rmSync(tree, { recursive: true, force: true });
  }
}

/** Every file under `dir` by relative path, with its SHA-256. */
function treeDigests(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  walk(dir);
  return out;
}

interface TreeDifference {
  /** Files of the expected tree the other lacks. */
  missing: string[];
  /** Files the other tree has beyond the expected one. */
  extra: string[];
  /** Files in both whose bytes differ. */
  changed: string[];
  /** Files in both with the same bytes. */
  same: number;
}

export function compareTrees(expected: string, actual: string): TreeDifference {
  const a = treeDigests(expected);
  const b = treeDigests(actual);
  const missing = [...a.keys()].filter((k) => !b.has(k));
  const extra = [...b.keys()].filter((k) => !a.has(k));
  const changed = [...a].filter(([k, v]) => b.has(k) && b.get(k) !== v).map(([k]) => k);
  return { missing, extra, changed, same: a.size - missing.length - changed.length };
}
