/**
 * The source tree a build is made from, as git sees it: tracked files and untracked files that are not
 * ignored, with their bytes in the working tree. Release records (releases.json, archive/) are left out
 * (src/pipeline/cite/version.ts says why).
 */
import { spawnSync } from "node:child_process";
import { lstatSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { isReleaseRecord, sourceHash } from "../../src/pipeline/cite/version.ts";

function git(root: string, args: string[]): string | null {
  const res = spawnSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return res.error || res.status !== 0 ? null : res.stdout;
}

/** Paths of the tree at `root`, or null when `root` is not the top of a git working tree (or git is missing). */
export function sourcePaths(root: string): string[] | null {
  const top = git(root, ["rev-parse", "--show-toplevel"]);
  if (top === null || realpathSync(top.trim()) !== realpathSync(root)) return null;
  const listed = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  if (listed === null) return null;
  return [...new Set(listed.split("\0").filter((p) => p !== ""))].sort();
}

/** Hash of the tree at `root` (sourceHash), or null when it cannot be known. */
export function treeSourceHash(root: string): string | null {
  const paths = sourcePaths(root);
  if (paths === null) return null;
  const files: { path: string; bytes: Uint8Array }[] = [];
  for (const path of paths) {
    if (isReleaseRecord(path)) continue;
    let stat: ReturnType<typeof lstatSync>;
    try {
      stat = lstatSync(join(root, path));
    } catch {
      continue; // tracked but deleted in the working tree: not part of it
    }
    // A link counts by its target, as git records it; anything else that is not a file (a submodule) is skipped.
    if (stat.isSymbolicLink()) files.push({ path, bytes: Buffer.from(readlinkSync(join(root, path))) });
    else if (stat.isFile()) files.push({ path, bytes: readFileSync(join(root, path)) });
  }
  return sourceHash(files);
}
