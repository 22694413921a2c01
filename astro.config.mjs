// Site settings only; data and report settings live in data/ and report.config.json.
import { defineConfig } from "astro/config";
import report from "./report.config.json" with { type: "json" };

// The site's path comes from its address (a project site is served at https://owner.github.io/repo/);
// a release snapshot is built under <path>v/X.Y.Z/ (scripts/release.ts sets ATLAS_BASE).
const sitePath = new URL(report.siteUrl).pathname.replace(/\/?$/, "/");

export default defineConfig({
  site: report.siteUrl,
  base: process.env.ATLAS_BASE ?? sitePath,
  trailingSlash: "always",
  // Pages render a few at a time so file writes overlap rendering (scripts/bench.ts).
  build: { format: "directory", inlineStylesheets: "always", concurrency: 4 },
  compressHTML: true,
  devToolbar: { enabled: false },
});
