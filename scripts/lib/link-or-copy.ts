/** Hard-links a published file into the staged site, or copies it where the file system will not link. */
import { copyFileSync, linkSync } from "node:fs";

/**
 * A hard link (both sides are replaced by rename, never written in place), or a copy where link(2)
 * refuses: EXDEV, across file systems; EPERM, a file system without hard links. Anything else (a
 * missing source, an existing target) is a real failure and is thrown.
 */
export function linkOrCopy(
  from: string,
  to: string,
  link: (from: string, to: string) => void = linkSync,
): void {
  try {
    link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EXDEV" && code !== "EPERM") throw e;
    copyFileSync(from, to);
  }
}
