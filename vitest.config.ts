import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/fast-check-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Whole-site builds share dist-like temp folders; keep files sequential where they say so.
    fileParallelism: true,
    // Files share each worker's modules: importing the pipeline, Astro's helpers and Plot once per worker
    // instead of once per file, and one run of the pipeline on the real data for every file that checks
    // it (test/helpers/real-atlas.ts, frozen so no file can change what the next one sees).
    isolate: false,
  },
});
