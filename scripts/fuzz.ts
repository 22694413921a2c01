/**
 * `npm run fuzz [-- runs]`: runs every property-test file (those importing fast-check) `runs` times
 * (default 5), each time with fresh random inputs, and names the seed of every failure so that
 * `ATLAS_FUZZ_SEED=<seed> ATLAS_SKIP_SITE_BUILD=1 npm test -- <file>` replays it. `npm test` itself draws fixed inputs.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const runs = Number(process.argv[2] ?? 5);
if (!Number.isSafeInteger(runs) || runs < 1) {
  process.stderr.write(
    `npm run fuzz: the number of runs must be a whole number from 1, not "${process.argv[2]}"\n`,
  );
  process.exit(2);
}

const files = readdirSync(join(root, "test"), { recursive: true, encoding: "utf8" })
  .filter(
    (f) =>
      f.endsWith(".test.ts") && readFileSync(join(root, "test", f), "utf8").includes('from "fast-check"'),
  )
  .map((f) => relative(root, join(root, "test", f)))
  .sort();
const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

let failed = 0;
for (let i = 1; i <= runs; i++) {
  process.stdout.write(`npm run fuzz: run ${i} of ${runs} over ${files.join(", ")}\n`);
  const run = spawnSync(process.execPath, [vitest, "run", ...files], {
    cwd: root,
    stdio: "inherit",
    // These files read no built site, so the run skips building one.
    env: { ...process.env, ATLAS_FUZZ_SEED: "random", ATLAS_SKIP_SITE_BUILD: "1" },
  });
  if (run.status !== 0) failed++;
}
process.stdout.write(
  `npm run fuzz: ${failed} of ${runs} runs failed${failed ? " (each failure above names its seed)" : ""}\n`,
);
process.exit(failed ? 1 : 0);
