/**
 * The site's input: .build/atlas.json from the ingest stage (or ATLAS_JSON). The content loaders take
 * their entries from it; pages read the bulky parts (rows, raw tables, SVGs) from it directly
 * (src/content.config.ts says why).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import type { SiteAtlas } from "../pipeline/output/site-atlas.ts";

export const ATLAS_JSON = process.env.ATLAS_JSON ?? ".build/atlas.json";

let read: { mtimeMs: number; atlas: SiteAtlas } | null = null;
/** Parsed once per version of the file (it is large at 100× the data); a missing or empty atlas fails loudly. */
export function readSiteAtlas(): SiteAtlas {
  if (!existsSync(ATLAS_JSON)) {
    throw new Error(`${ATLAS_JSON} is missing: run \`npm run ingest\` (or \`npm run build\`) first`);
  }
  const { mtimeMs } = statSync(ATLAS_JSON);
  if (read?.mtimeMs !== mtimeMs)
    read = { mtimeMs, atlas: JSON.parse(readFileSync(ATLAS_JSON, "utf8")) as SiteAtlas };
  const { atlas } = read;
  if (atlas.studies.length === 0 || atlas.accelerators.length === 0) {
    throw new Error(`${ATLAS_JSON} has no studies or no accelerators`);
  }
  return atlas;
}
