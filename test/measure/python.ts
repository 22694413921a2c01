/**
 * The Python the harness runs with, chosen as `npm run measure` chooses it (scripts/measure/python.sh:
 * $ATLAS_PYTHON, else python3 or Debian's /usr/bin/python3 with PyTorch, else python3).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const MEASURE = join(ROOT, "scripts", "measure");

export function python(args: string[], cwd = ROOT) {
  const r = spawnSync("sh", [join(MEASURE, "python.sh"), ...args], {
    cwd,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    encoding: "utf8",
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`scripts/measure/python.sh could not run: ${r.error.message}`);
  return r;
}

/** PyTorch's version in that Python, or null without PyTorch. */
export const TORCH: string | null = (() => {
  const r = python(["-c", "import torch; print(torch.__version__)"]);
  return r.status === 0 ? r.stdout.trim() : null;
})();

/**
 * .ci/run sets ATLAS_REQUIRE_TORCH=1 (after installing Debian's python3-torch): there the tests that
 * need PyTorch fail without it instead of being skipped.
 */
export const REQUIRE_TORCH = process.env.ATLAS_REQUIRE_TORCH === "1";
export const NO_TORCH =
  "ATLAS_REQUIRE_TORCH=1, but no Python with PyTorch was found ($ATLAS_PYTHON, python3, /usr/bin/python3): " +
  "apt-get install python3-torch, or set ATLAS_PYTHON";
