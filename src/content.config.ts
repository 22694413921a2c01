/**
 * Content collections, filled by a custom loader from the pipeline's output (.build/atlas.json).
 * The pipeline validated everything already; a missing or empty input fails the build loudly here
 * rather than producing an empty site (Astro's file() loader would swallow the error).
 */
import { defineCollection, z } from "astro:content";
import type { Loader } from "astro/loaders";
import { readFileSync, existsSync, statSync } from "node:fs";
import type { SiteAtlas } from "./pipeline/output/site-atlas.ts";
import { groupBy } from "./pipeline/group.ts";
import { ATLAS_JSON } from "./site/build-paths.ts";


let read: { mtimeMs: number; atlas: SiteAtlas } | null = null;
/** Parsed once per version of the file, not once per collection: at 100× the data it is large. */
function readAtlas(): SiteAtlas {
  if (!existsSync(ATLAS_JSON)) {
    throw new Error(`${ATLAS_JSON} is missing: run \`npm run ingest\` (or \`npm run build\`) first`);
  }
  const { mtimeMs } = statSync(ATLAS_JSON);
  if (read?.mtimeMs !== mtimeMs) read = { mtimeMs, atlas: JSON.parse(readFileSync(ATLAS_JSON, "utf8")) as SiteAtlas };
  const { atlas } = read;
  if (atlas.studies.length === 0 || atlas.accelerators.length === 0) {
    throw new Error(`${ATLAS_JSON} has no studies or no accelerators`);
  }
  return atlas;
}

function atlasLoader(pick: (atlas: SiteAtlas) => { id: string; data: Record<string, unknown> }[]): Loader {
  return {
    name: "atlas-loader",
    load: async ({ store, parseData, generateDigest }) => {
      store.clear();
      for (const { id, data } of pick(readAtlas())) {
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
    loader: atlasLoader((a) => a.figures.map((f) => ({ id: f.id, data: f as unknown as Record<string, unknown> }))),
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
      const rows = groupBy(a.rows, (r) => r.study);
      const audit = groupBy(a.audit, (f) => f.study);
      return a.studies.map((s) => ({ id: s.study.id, data: { ...s, rows: rows.get(s.study.id) ?? [], audit: audit.get(s.study.id) ?? [] } }));
    }),
    schema: passthrough,
  }),
};
