/**
 * Each figure's PNG download, written to <dir>/<id>.png. resvg draws a given SVG at most once: PNGs are
 * cached by the SHA-256 of the SVG and the renderer (resvg version, scale, font files), so a rebuild
 * redraws only the figures that changed. Drawing runs several figures at once on libuv's thread pool.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/pipeline/output/files.ts";
import { FIGURE_FONT_FILES, PNG_SCALE, svgToPngAsync } from "../../src/pipeline/figures/png.ts";

function rendererKey(): string {
  const resvg = (createRequire(import.meta.url)("@resvg/resvg-js/package.json") as { version: string }).version;
  const fonts = createHash("sha256");
  for (const f of FIGURE_FONT_FILES) fonts.update(readFileSync(f));
  return `resvg-js ${resvg}, zoom ${PNG_SCALE}, fonts ${fonts.digest("hex")}`;
}

/** Writes every figure's PNG; removes PNGs (and cache entries) of figures no longer in the report. */
export async function writeFigurePngs(figures: { id: string; svg: string }[], dir: string, cacheDir: string): Promise<{ drawn: number; cached: number }> {
  mkdirSync(dir, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  const renderer = rendererKey();
  const keys = figures.map((f) => createHash("sha256").update(renderer).update("\0").update(f.svg).digest("hex"));
  let drawn = 0;
  let next = 0;
  // A few more drawings in flight than cores, so encoding on this thread overlaps drawing on the pool.
  const workers = Array.from({ length: availableParallelism() + 1 }, async () => {
    while (next < figures.length) {
      const i = next++;
      const cached = join(cacheDir, `${keys[i]}.png`);
      let png: Buffer;
      if (existsSync(cached)) png = readFileSync(cached);
      else {
        png = await svgToPngAsync(figures[i]!.svg);
        writeFileAtomic(cached, png);
        drawn++;
      }
      writeFileAtomic(join(dir, `${figures[i]!.id}.png`), png);
    }
  });
  await Promise.all(workers);
  const ids = new Set(figures.map((f) => `${f.id}.png`));
  for (const f of readdirSync(dir)) if (!ids.has(f)) rmSync(join(dir, f), { force: true });
  const used = new Set(keys.map((k) => `${k}.png`));
  for (const f of readdirSync(cacheDir)) if (!used.has(f)) rmSync(join(cacheDir, f), { force: true });
  return { drawn, cached: figures.length - drawn };
}
