/** The few git commands releases need, run in a given folder; failures throw with git's own message. */
import { spawnSync } from "node:child_process";

export function git(cwd: string, args: string[]): string {
  const res = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (res.error) throw new Error(`git ${args.join(" ")}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`git ${args.join(" ")} failed:\n${res.stderr.trim()}`);
  return res.stdout;
}

/** Changes git would commit with `git add -A` (tracked changes and untracked files that are not ignored). */
export function uncommitted(cwd: string): string[] {
  return git(cwd, ["status", "--porcelain=v1", "--untracked-files=all"])
    .split("\n")
    .filter((l) => l.trim() !== "");
}

export function tagExists(cwd: string, tag: string): boolean {
  return spawnSync("git", ["rev-parse", "-q", "--verify", `refs/tags/${tag}`], { cwd }).status === 0;
}

/** A detached working tree of `ref` at `path`; `removeWorktree` takes it away again. */
export function addWorktree(cwd: string, path: string, ref: string): void {
  git(cwd, ["worktree", "add", "--detach", "--force", path, ref]);
}

export function removeWorktree(cwd: string, path: string): void {
  spawnSync("git", ["worktree", "remove", "--force", path], { cwd });
  spawnSync("git", ["worktree", "prune"], { cwd });
}
