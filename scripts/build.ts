/**
 * `npm run build`: the whole pipeline into dist/.
 * 1. ingest + simulate + figures rendered to SVG (stops here on bad data: nothing written, dist/ untouched)
 * 2. worker threads draw the figures' PNGs from the moment each SVG exists; meanwhile the dataset and
 *    .build/atlas.json are written and Astro renders the site into a fresh temporary folder
 * 3. the search index is built from those pages (before release snapshots join them)
 * 4. the published dataset, the PNGs, the release archive and the figure manifest are added beside the pages
 * 5. the temporary folder replaces dist/ (the previous dist/ survives any failure before this step)
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { dataDirOf, ingest, readReportMeta, writeIngested } from "./lib/stages.ts";
import {
  copyArchive,
  readRetiredFigures,
  writeFigureManifest,
  writeRetiredFigurePages,
} from "./lib/publish.ts";
import { writeSearchIndex } from "./lib/search-index.ts";
import { swapInto } from "./lib/swap.ts";
import { FigurePngDrawer } from "./lib/figure-pngs.ts";
import { linkOrCopy } from "./lib/link-or-copy.ts";
import { writeFileAtomic } from "../src/pipeline/output/files.ts";
import { handOverSiteAtlas } from "../src/site/atlas-file.ts";
import { stampedFigureSvg } from "../src/pipeline/cite/stamp.ts";
import type { Study } from "../src/pipeline/schema.ts";

process.env.ASTRO_TELEMETRY_DISABLED = "1";
const root = process.cwd();
const work = process.env.ATLAS_WORK_DIR ?? join(root, ".build");
process.env.ATLAS_JSON = join(work, "atlas.json");
const outDir = process.env.ATLAS_OUT_DIR ?? join(root, "dist");

/** Seconds per stage, written to <work>/build-times.json (with the CPU time) for `npm run bench`'s breakdown. */
const times: Record<string, number> = {};
async function timed<T>(stage: string, run: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  times[stage] = Math.round(performance.now() - start) / 1000;
  return result;
}

// PNGs are drawn on worker threads from the moment each figure's SVG exists, while this thread goes on
// (more SVGs, the dataset, Astro's pages); they are downloads, added at the end like the dataset, and
// carry the same footer (title, sources, version, permalink) as the SVG download.
const pngs = new FigurePngDrawer(join(work, "png-cache"));
const meta = readReportMeta(root);
let studies: Map<string, Study> | null = null;
const ingested = await timed("ingest, simulate, figures (SVG)", () =>
  ingest(
    dataDirOf(root),
    root,
    (figure, { atlas, version }) => {
      studies ??= new Map(atlas.studies.map((s) => [s.study.id, s.study]));
      pngs.add({ id: figure.id, svg: stampedFigureSvg(meta, version, figure, studies) });
    },
    join(work, "sim-cache"),
  ),
);
if (!ingested) process.exit(1);
const drawn = pngs.finish();
drawn.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled meanwhile
const atlas = await timed("dataset and atlas.json", () => writeIngested(ingested, work));
handOverSiteAtlas(atlas);

// In the repository's .build/ whatever the work folder: Astro renders a site that lies outside its
// working directory through ./.astro/ and then copies that whole folder in, its own content-layer files
// too, a folder concurrent builds would share.
const staging = join(root, ".build", `site-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
try {
  // Imported only once the data is good: Astro takes over a second to load, which a contributor whose
  // file has a problem would otherwise wait through before seeing the message.
  const { build } = await import("astro");
  // A cache per work folder keeps concurrent builds (tests) from sharing Astro's data store.
  await timed("astro", () =>
    build({
      root,
      outDir: staging,
      cacheDir: join(work, "astro-cache"),
      // Vite's dependency pre-bundling too (node_modules/.vite/ by default, which builds with different
      // settings would rewrite under each other: the tests run several builds at once).
      vite: { cacheDir: join(work, "vite-cache") },
      logLevel: process.env.ATLAS_ASTRO_LOG === "info" ? "info" : "warn",
    }),
  );
  // This thread has little left to do: the other cores join in on the PNGs still waiting.
  pngs.addWorkers();
  await timed("search index", () => writeSearchIndex(staging));
  const { files, seconds } = await drawn;
  times["PNG figures (alongside)"] = Math.round(seconds * 1000) / 1000;
  await timed("dataset, PNGs, archive, manifest", () => {
    // Linked rather than copied where the file system allows: at 100× the data the dataset is a gigabyte.
    mkdirSync(join(staging, "data"), { recursive: true });
    for (const name of readdirSync(join(work, "data")))
      linkOrCopy(join(work, "data", name), join(staging, "data", name));
    for (const [id, png] of files) linkOrCopy(png, join(staging, "figures", `${id}.png`));
    // Releases are built once, by `npm run release`, and only copied from then on.
    if (!process.env.ATLAS_NO_ARCHIVE) copyArchive(root, staging, atlas.releases);
    // The release copies the site links to: none in a build without the archive (a release snapshot),
    // whose pages could only point at snapshots it does not hold.
    writeRetiredFigurePages(
      staging,
      readRetiredFigures(root),
      new Set(atlas.figures.map((f) => f.id)),
      new Map(Object.entries(atlas.releasedFigures)),
    );
    writeFigureManifest(staging, atlas.version, atlas.figures);
  });
} catch (e) {
  rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`\nThe site build failed; ${outDir} was left as it was.\n`);
  throw e;
}
await timed("swap", () => swapInto(staging, outDir));
// CPU time of this process, every thread (workers, libuv) but no child process (Pagefind, esbuild):
// steadier than wall time on a shared machine, for comparing builds (npm run bench).
const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
const usage = {
  cpuSeconds: Math.round((userCPUTime + systemCPUTime) / 1000) / 1000,
  peakRssMb: Math.round(maxRSS / 1024),
};
writeFileAtomic(join(work, "build-times.json"), `${JSON.stringify({ stages: times, ...usage })}\n`);
process.stdout.write(
  `build: site written to ${outDir} (${Object.entries(times)
    .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
    .join(", ")})\n`,
);
