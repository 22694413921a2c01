import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/fast-check-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // At least two workers, also on a 2-core machine (Vitest's default there is one): most files run
    // on one thread, so a second worker uses the core that sits idle while they do (docs/build.md, Tests).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Files share each worker's modules: importing the pipeline, Astro's helpers and Plot once per worker
    // instead of once per file, and one run of the pipeline on the real data for every file that checks
    // it (test/helpers/real-atlas.ts, frozen so no file can change what the next one sees).
    isolate: false,
  },
});
