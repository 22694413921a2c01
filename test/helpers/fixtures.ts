/** Copies of test/fixtures/data-minimal in a temporary folder, optionally changed by a test. */
import {
  cpSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const MINIMAL = join(import.meta.dirname, "..", "fixtures", "data-minimal");

export function copyFixture(source = MINIMAL): string {
  const dir = mkdtempSync(join(tmpdir(), "atlas-data-"));
  cpSync(source, dir, { recursive: true });
  return dir;
}

export function edit(dir: string, rel: string, change: (text: string) => string): void {
  const p = join(dir, rel);
  writeFileSync(p, change(readFileSync(p, "utf8")));
}

/**
 * Hash of every file's path and bytes under `dir`: equal hashes mean nothing was changed. Links are
 * hashed by their target and never followed; pipes and other special files by their type only.
 */
export function treeHash(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const stat = lstatSync(p);
      h.update(p.slice(dir.length)).update("\0");
      if (stat.isDirectory()) walk(p);
      else if (stat.isSymbolicLink()) h.update(`link:${readlinkSync(p)}`);
      else if (stat.isFile()) h.update(readFileSync(p));
      else h.update(`special:${stat.mode}`);
      h.update("\0");
    }
  };
  walk(dir);
  return h.digest("hex");
}
