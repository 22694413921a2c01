// Site settings only; data and report settings live in data/ and report.config.json.
import { defineConfig } from "astro/config";
import report from "./report.config.json" with { type: "json" };

export default defineConfig({
  site: report.siteUrl,
  base: process.env.ATLAS_BASE ?? "/",
  trailingSlash: "always",
  // Pages render a few at a time so file writes overlap rendering (scripts/bench.ts).
  build: { format: "directory", inlineStylesheets: "always", concurrency: 4 },
  compressHTML: true,
  devToolbar: { enabled: false },
});
