/**
 * The pipeline's result on the repository's own data/, made once per test worker and shared by the
 * test files that check it (vitest.config.ts runs files without isolation, so this module and its
 * value outlive one file). It is deep-frozen: a test or a pipeline stage that changed it would change
 * what the next file sees, so any write throws instead (Maps and Sets stay writable: the atlas holds none).
 */
import { join } from "node:path";
import { type Atlas, runPipeline } from "../../src/pipeline/run.ts";

const REPO_DATA = join(import.meta.dirname, "..", "..", "data");

let shared: Atlas | undefined;

export function realAtlas(): Atlas {
  shared ??= deepFreeze(runPipeline(REPO_DATA));
  return shared;
}

function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const x = pending.pop();
    if (x === null || typeof x !== "object" || seen.has(x)) continue;
    seen.add(x);
    if (x instanceof Map) for (const [k, v] of x) pending.push(k, v);
    else if (x instanceof Set) for (const v of x) pending.push(v);
    else for (const v of Object.values(x)) pending.push(v);
    Object.freeze(x);
  }
  return value;
}
