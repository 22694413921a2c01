import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Whole-site builds share dist-like temp folders; keep files sequential where they say so.
    fileParallelism: true,
  },
});
