/**
 * Content collections, filled by a custom loader from the pipeline's output (.build/atlas.json).
 * The pipeline validated everything already; a missing or empty input fails the build loudly here
 * rather than producing an empty site (Astro's file() loader would swallow the error).
 */
import { defineCollection, z } from "astro:content";
import type { Loader } from "astro/loaders";
import { readFileSync, existsSync } from "node:fs";
import type { Atlas } from "./pipeline/run.ts";
import type { Release, ReportVersion } from "./pipeline/cite/version.ts";

export const ATLAS_JSON = process.env.ATLAS_JSON ?? ".build/atlas.json";

type BuiltAtlas = Atlas & { version: ReportVersion; releases: Release[] };

function readAtlas(): BuiltAtlas {
  if (!existsSync(ATLAS_JSON)) {
    throw new Error(`${ATLAS_JSON} is missing: run \`npm run ingest\` (or \`npm run build\`) first`);
  }
  const atlas = JSON.parse(readFileSync(ATLAS_JSON, "utf8")) as BuiltAtlas;
  if (atlas.studies.length === 0 || atlas.accelerators.length === 0) {
    throw new Error(`${ATLAS_JSON} has no studies or no accelerators`);
  }
  return atlas;
}

function atlasLoader(pick: (atlas: BuiltAtlas) => { id: string; data: Record<string, unknown> }[]): Loader {
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
  // Atlas-wide results that belong to no single study: the claims ledger and the simulator's rows.
  report: defineCollection({
    loader: atlasLoader((a) => [
      { id: "ledger", data: { entries: a.ledger } },
      { id: "simulated", data: { rows: a.rows.filter((r) => r.kind === "simulated") } },
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
    loader: atlasLoader((a) =>
      a.studies.map((s) => ({
        id: s.study.id,
        data: { ...s, rows: a.rows.filter((r) => r.study === s.study.id), audit: a.audit.filter((f) => f.study === s.study.id) },
      })),
    ),
    schema: passthrough,
  }),
};
