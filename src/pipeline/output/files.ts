/** Writing outputs so that a reader never sees half a file: write beside, then rename over. */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** Writes `content` (or its pieces in order, for files too large for one string) beside `path`, then renames it over. */
export function writeFileAtomic(path: string, content: string | Uint8Array | Iterable<string>): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  if (typeof content === "string" || content instanceof Uint8Array) writeFileSync(tmp, content);
  else {
    const fd = openSync(tmp, "w");
    try {
      for (const piece of content) writeSync(fd, piece);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(fd);
  }
  renameSync(tmp, path);
}
