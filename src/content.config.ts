/**
 * Content collections, filled by a custom loader from the pipeline's output (.build/atlas.json).
 * The pipeline validated everything already; a missing or empty input fails the build loudly here
 * rather than producing an empty site (Astro's file() loader would swallow the error).
 *
 * Astro bundles the whole content store into its server build as one JavaScript module, which Rollup
 * then parses: with every row and SVG in it the build at 100× the data ran out of memory, and with
 * every record it still spent seconds per 10 MB (scripts/bench.ts). So collections that grow with
 * the data (accelerators, studies, figures) hold index entries (id and name), and src/site/data.ts
 * gives pages the full records from atlas.json, checking that both list the same ids.
 */
import { defineCollection, z } from "astro:content";
import type { Loader } from "astro/loaders";
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
    loader: atlasLoader((a) =>
      a.findings.map((f) => ({ id: f.id, data: f as unknown as Record<string, unknown> })),
    ),
    schema: passthrough,
  }),
  // Index entries: pages get the full records from src/site/data.ts (see the comment at the top).
  accelerators: defineCollection({
    loader: atlasLoader((a) => a.accelerators.map((acc) => ({ id: acc.id, data: { name: acc.name } }))),
    schema: passthrough,
  }),
  studies: defineCollection({
    loader: atlasLoader((a) => a.studies.map((s) => ({ id: s.study.id, data: { title: s.study.title } }))),
    schema: passthrough,
  }),
  figures: defineCollection({
    loader: atlasLoader((a) => a.figures.map((f) => ({ id: f.id, data: { title: f.title } }))),
    schema: passthrough,
  }),
  // Atlas-wide results that belong to no single study and stay small as the data grows.
  report: defineCollection({
    loader: atlasLoader((a) => [
      { id: "ledger", data: { entries: a.ledger } },
      {
        id: "version",
        data: { version: a.version, releases: a.releases, releasedFigures: a.releasedFigures },
      },
      { id: "memory", data: { rows: a.memory } },
      { id: "summary", data: { rows: a.summary } },
      { id: "simulator-specs", data: { entries: a.simulatorSpecs } },
    ]),
    schema: passthrough,
  }),
};
