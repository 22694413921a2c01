/**
 * Property tests draw the same inputs on every run, so `npm test` (and CI) passes or fails on the code
 * alone, never on the luck of a draw. `npm run fuzz` draws fresh inputs (ATLAS_FUZZ_SEED=random) to
 * look for new counterexamples; a failure prints its seed, and ATLAS_FUZZ_SEED=<seed> replays it.
 */
import fc from "fast-check";

const FIXED_SEED = 20261204;
const chosen = process.env.ATLAS_FUZZ_SEED;
if (chosen !== "random") {
  const seed = chosen === undefined ? FIXED_SEED : Number(chosen);
  if (!Number.isSafeInteger(seed))
    throw new Error(`ATLAS_FUZZ_SEED must be "random" or a whole number, not "${chosen}"`);
  fc.configureGlobal({ seed });
}
