// Site settings only; data and report settings live in data/ and report.config.json.
import { defineConfig } from "astro/config";
import report from "./report.config.json" with { type: "json" };

export default defineConfig({
  site: report.siteUrl,
  base: process.env.ATLAS_BASE ?? "/",
  trailingSlash: "always",
  build: { format: "directory", inlineStylesheets: "always" },
  compressHTML: true,
  devToolbar: { enabled: false },
});
