/**
 * Content collections, filled by a custom loader from the pipeline's output (.build/atlas.json).
 * The pipeline validated everything already; a missing or empty input fails the build loudly here
 * rather than producing an empty site (Astro's file() loader would swallow the error).
 *
 * Entries hold what pages list, route and link by. Astro bundles the whole content store into its
 * server build as one JavaScript module, so the bulky parts (study rows and raw tables, figure SVGs
 * and plotted rows) stay in atlas.json and src/site/data.ts adds them to the entries; with them in
 * the store, the build at 100× the data ran out of heap (scripts/bench.ts).
 */
import { defineCollection, z } from "astro:content";
import type { Loader } from "astro/loaders";
import { groupBy } from "./pipeline/group.ts";
import { readSiteAtlas } from "./site/atlas-file.ts";
import type { SiteAtlas } from "./pipeline/output/site-atlas.ts";

function atlasLoader(pick: (atlas: SiteAtlas) => { id: string; data: Record<string, unknown> }[]): Loader {
  return {
    name: "atlas-loader",
    load: async ({ store, parseData, generateDigest }) => {
      store.clear();
      for (const { id, data } of pick(readSiteAtlas())) {
        const parsed = await parseData({ id, data });
        store.set({ id, data: parsed, digest: generateDigest(data) });
      }
    },
  };
}

// The pipeline's zod schemas already validated these records; here they pass through as typed data.
const passthrough = z.object({}).passthrough();

export const collections = {
  findings: defineCollection({
    loader: atlasLoader((a) => a.findings.map((f) => ({ id: f.id, data: f as unknown as Record<string, unknown> }))),
    schema: passthrough,
  }),
  // Every figure with its SVG, rendered once by the pipeline (src/pipeline/output/site-atlas.ts).
  figures: defineCollection({
    loader: atlasLoader((a) => a.figures.map(({ svg: _svg, rows: _rows, ...f }) => ({ id: f.id, data: f as unknown as Record<string, unknown> }))),
    schema: passthrough,
  }),
  // Atlas-wide results that belong to no single study: the claims ledger, the version and the simulator's summaries.
  report: defineCollection({
    loader: atlasLoader((a) => [
      { id: "ledger", data: { entries: a.ledger } },
      { id: "version", data: { version: a.version, releases: a.releases } },
      { id: "simulator", data: { validation: a.validation, memory: a.memory } },
    ]),
    schema: passthrough,
  }),
  accelerators: defineCollection({
    loader: atlasLoader((a) => a.accelerators.map((acc) => ({ id: acc.id, data: acc as unknown as Record<string, unknown> }))),
    schema: passthrough,
  }),
  studies: defineCollection({
    loader: atlasLoader((a) => {
      const audit = groupBy(a.audit, (f) => f.study);
      return a.studies.map((s) => ({ id: s.study.id, data: { study: s.study, metaFile: s.metaFile, audit: audit.get(s.study.id) ?? [] } }));
    }),
    schema: passthrough,
  }),
};
