/**
 * The site's input: the atlas the build hands over in memory (Astro renders in the build's own process),
 * else .build/atlas.json from the ingest stage (or ATLAS_JSON), as `npm run dev` and `astro sync` read
 * it. The content loaders take their entries from it; pages read the bulky parts (rows, raw tables, SVGs) from it directly
 * (src/content.config.ts says why).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import type { SiteAtlas } from "../pipeline/output/site-atlas.ts";

const ATLAS_JSON = process.env.ATLAS_JSON ?? ".build/atlas.json";

// On globalThis, not in a module variable: Vite loads this module afresh for the pages it renders.
const HANDED_OVER = Symbol.for("inference-scaling-atlas.site-atlas");
type Holder = { [HANDED_OVER]?: SiteAtlas };

/** Hands the atlas to the pages of an Astro build running in this process: no file round trip. */
export function handOverSiteAtlas(atlas: SiteAtlas | undefined): void {
  (globalThis as Holder)[HANDED_OVER] = atlas;
}

let read: { mtimeMs: number; atlas: SiteAtlas } | null = null;
/** Parsed once per version of the file (it is large at 100× the data); a missing or empty atlas fails loudly. */
export function readSiteAtlas(): SiteAtlas {
  const atlas = (globalThis as Holder)[HANDED_OVER] ?? readAtlasFile();
  if (atlas.studies.length === 0 || atlas.accelerators.length === 0) {
    throw new Error(`${ATLAS_JSON} has no studies or no accelerators`);
  }
  return atlas;
}

function readAtlasFile(): SiteAtlas {
  if (!existsSync(ATLAS_JSON)) {
    throw new Error(`${ATLAS_JSON} is missing: run \`npm run ingest\` (or \`npm run build\`) first`);
  }
  const { mtimeMs } = statSync(ATLAS_JSON);
  if (read?.mtimeMs !== mtimeMs)
    read = { mtimeMs, atlas: JSON.parse(readFileSync(ATLAS_JSON, "utf8")) as SiteAtlas };
  return read.atlas;
}
