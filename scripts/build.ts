/**
 * `npm run build`: the whole pipeline into dist/.
 * 1. ingest + simulate → .build/atlas.json, the dataset and the figures' PNGs (stops here on bad data, dist/ untouched)
 * 2. Astro renders the site into a fresh temporary folder
 * 3. the search index is built from those pages (before release snapshots join them)
 * 4. the published dataset, the release archive and the figure manifest are added beside the pages
 * 5. the temporary folder replaces dist/ (the previous dist/ survives any failure before this step)
 */
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "astro";
import { dataDirOf, runIngest } from "./lib/stages.ts";
import { copyArchive, writeFigureManifest } from "./lib/publish.ts";
import { writeSearchIndex } from "./lib/search-index.ts";
import { swapInto } from "./lib/swap.ts";

process.env.ASTRO_TELEMETRY_DISABLED = "1";
const root = process.cwd();
const work = process.env.ATLAS_WORK_DIR ?? join(root, ".build");
process.env.ATLAS_JSON = join(work, "atlas.json");
const outDir = process.env.ATLAS_OUT_DIR ?? join(root, "dist");

const atlas = await runIngest(dataDirOf(root), work);
if (!atlas) process.exit(1);

const staging = join(work, `site-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
try {
  // A cache per work folder keeps concurrent builds (tests) from sharing Astro's data store.
  await build({ root, outDir: staging, cacheDir: join(work, "astro-cache"), logLevel: "warn" });
  await writeSearchIndex(staging);
  mkdirSync(join(staging, "data"), { recursive: true });
  cpSync(join(work, "data"), join(staging, "data"), { recursive: true });
  // Releases are built once, by `npm run release`, and only copied from then on.
  if (!process.env.ATLAS_NO_ARCHIVE) copyArchive(root, staging, atlas.releases);
  writeFigureManifest(staging, atlas.version, atlas.figures);
} catch (e) {
  rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`\nThe site build failed; ${outDir} was left as it was.\n`);
  throw e;
}
swapInto(staging, outDir);
process.stdout.write(`build: site written to ${outDir}\n`);
