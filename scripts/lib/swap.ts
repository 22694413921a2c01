/** The last step of a build: a finished site folder replaces the published one, or nothing changes. */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Replaces `target` with `fresh`: rename the old one aside, move the new one in, then delete the old.
 * If the move fails, the old folder is put back, so `target` is always either the old or the new site.
 * A `fresh` on another file system (a rename cannot cross one) is first copied beside `target`.
 */
export function swapInto(fresh: string, target: string, tag: string | number = process.pid): void {
  const old = `${target}.old-${tag}`;
  // A first build, or a release snapshot (archive/v/X.Y.Z), may have no parent folder yet.
  mkdirSync(dirname(target), { recursive: true });
  const copied = statSync(fresh).dev !== statSync(dirname(target)).dev;
  const incoming = copied ? `${target}.new-${tag}` : fresh;
  if (copied) {
    rmSync(incoming, { recursive: true, force: true });
    cpSync(fresh, incoming, { recursive: true });
  }
  if (existsSync(target)) renameSync(target, old);
  try {
    renameSync(incoming, target);
  } catch (e) {
    if (existsSync(old)) renameSync(old, target);
    if (copied) rmSync(incoming, { recursive: true, force: true });
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
  if (copied) rmSync(fresh, { recursive: true, force: true });
}
