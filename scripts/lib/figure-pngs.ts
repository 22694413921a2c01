/**
 * The figures' PNG downloads, drawn by resvg on worker threads. A PNG is drawn at most once per SVG:
 * files are kept in a cache folder named by the SHA-256 of the SVG and the renderer (resvg version,
 * scale, the font files' contents), so a rebuild draws only the figures that changed. Each worker gets its whole
 * share of the work up front and writes its files itself, so drawing goes on while this thread is
 * busy (writing the dataset, rendering pages).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { PNG_SCALE, pngOptions } from "../../src/pipeline/figures/png.ts";

export interface FigurePngs {
  drawn: number;
  cached: number;
  /** Figure id → its PNG in the cache folder. */
  files: Map<string, string>;
}

/** What besides the SVG decides a PNG's bytes: resvg's version, the scale and the font files' contents. */
function rendererKey(): (fontFiles: string[]) => string {
  const resvg = (createRequire(import.meta.url)("@resvg/resvg-js/package.json") as { version: string }).version;
  const hashes = new Map<string, string>();
  const fontHash = (f: string) => hashes.get(f) ?? hashes.set(f, createHash("sha256").update(readFileSync(f)).digest("hex")).get(f)!;
  return (fontFiles) => `resvg-js ${resvg}, zoom ${PNG_SCALE}, fonts ${fontFiles.map(fontHash).join(" ")}`;
}

/** Draws the PNGs missing from `cacheDir`, then removes cache entries no figure uses any more. */
export async function drawFigurePngs(figures: { id: string; svg: string }[], cacheDir: string): Promise<FigurePngs> {
  mkdirSync(cacheDir, { recursive: true });
  const renderer = rendererKey();
  const files = new Map<string, string>();
  const jobs: { svg: string; path: string; options: ReturnType<typeof pngOptions> }[] = [];
  const queued = new Set<string>();
  for (const f of figures) {
    const options = pngOptions(f.svg);
    const key = createHash("sha256").update(renderer(options.font!.fontFiles!)).update("\0").update(f.svg).digest("hex");
    const path = join(cacheDir, `${key}.png`);
    if (!existsSync(path) && !queued.has(path)) {
      queued.add(path);
      jobs.push({ svg: f.svg, path, options });
    }
    files.set(f.id, path);
  }
  const workers = Math.min(availableParallelism(), jobs.length);
  // Dealt out in turn, so each worker gets figures from all parts of the report.
  const shares = Array.from({ length: workers }, (_, w) => jobs.filter((_, i) => i % workers === w));
  await Promise.all(shares.map(runWorker));
  const used = new Set([...files.values()]);
  for (const name of readdirSync(cacheDir)) if (!used.has(join(cacheDir, name))) rmSync(join(cacheDir, name), { force: true });
  return { drawn: jobs.length, cached: figures.length - jobs.length, files };
}

function runWorker(jobs: { svg: string; path: string; options: ReturnType<typeof pngOptions> }[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./png-worker.mjs", import.meta.url), { workerData: { jobs } });
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`PNG worker exited with code ${code}`))));
  });
}
