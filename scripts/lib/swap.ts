/** The last step of a build: a finished site folder replaces the published one, or nothing changes. */
import { existsSync, renameSync, rmSync } from "node:fs";

/**
 * Replaces `target` with `fresh`: rename the old one aside, move the new one in, then delete the old.
 * If the move fails, the old folder is put back, so `target` is always either the old or the new site.
 */
export function swapInto(fresh: string, target: string, tag: string | number = process.pid): void {
  const old = `${target}.old-${tag}`;
  if (existsSync(target)) renameSync(target, old);
  try {
    renameSync(fresh, target);
  } catch (e) {
    if (existsSync(old)) renameSync(old, target);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}
