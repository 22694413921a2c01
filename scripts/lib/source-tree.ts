/**
 * The source tree a build is made from, as git sees it: tracked files and untracked files that are not
 * ignored, with their bytes in the working tree. Release records (releases.json, archive/) are left out
 * (src/pipeline/cite/version.ts says why).
 */
import { spawnSync } from "node:child_process";
import { lstatSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { isReleaseRecord, sourceHash } from "../../src/pipeline/cite/version.ts";
import { git } from "./git.ts";

/** The top of the git working tree `root` is in, or null when it is in none or git is not installed. */
function workingTreeTop(root: string): string | null {
  const res = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: root, encoding: "utf8" });
  if ((res.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return null;
  if (res.error) throw res.error;
  return res.status === 0 ? res.stdout.trim() : null;
}

/** Paths of the tree at `root`, or null when `root` is not the top of a git working tree (or git is missing). */
export function sourcePaths(root: string): string[] | null {
  const top = workingTreeTop(root);
  if (top === null || realpathSync(top) !== realpathSync(root)) return null;
  // In a working tree a failure to list it is an error, never "not a release".
  const listed = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
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
    } catch (e) {
      // Tracked but deleted in the working tree (or a folder of it replaced by a file): not part of it.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") continue;
      throw e;
    }
    // A link counts by its target, as git records it; anything else that is not a file (a submodule) is skipped.
    if (stat.isSymbolicLink()) files.push({ path, bytes: Buffer.from(readlinkSync(join(root, path))) });
    else if (stat.isFile()) files.push({ path, bytes: readFileSync(join(root, path)) });
  }
  return sourceHash(files);
}
