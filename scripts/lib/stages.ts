/** Build stages shared by the CLIs. Each reports problems on stderr and returns null instead of throwing. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SourceError } from "../../src/pipeline/errors.ts";
import { runPipeline, type Atlas } from "../../src/pipeline/run.ts";
import { readInBlocks, writeFileAtomic } from "../../src/pipeline/output/files.ts";
import { measurementsCsvChunks, measurementsJsonChunks } from "../../src/pipeline/output/measurements.ts";
import { dataHash, reportVersion, type Release } from "../../src/pipeline/cite/version.ts";
import { siteAtlas, type SiteAtlas } from "../../src/pipeline/output/site-atlas.ts";
import { publishFigure } from "../../src/pipeline/figures/render.ts";
import type { PublishedFigure } from "../../src/pipeline/figures/spec.ts";

export function readReleases(root: string): Release[] {
  return JSON.parse(readFileSync(join(root, "releases.json"), "utf8")) as Release[];
}

export function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
}

/** Where the data lives: data/ of the repository, or ATLAS_DATA_DIR (tests point it at fixtures). */
export function dataDirOf(root: string): string {
  return process.env.ATLAS_DATA_DIR ?? join(root, "data");
}

/** What ingest makes before writing anything: the pipeline's atlas and every figure rendered to SVG. */
export interface Ingested {
  atlas: Atlas;
  figures: PublishedFigure[];
}

/**
 * Runs the data pipeline and renders the figures, handing each to `onFigure` as soon as it is rendered.
 * Bad data: located messages on stderr, nothing written, null.
 */
export function ingest(
  dataDir: string,
  onFigure: (figure: PublishedFigure) => void = () => {},
  /** Where the simulator keeps its GPU fit between runs (refitted only when its inputs change). */
  cacheDir?: string,
): Ingested | null {
  try {
    const atlas = runPipeline(dataDir, { cacheDir });
    const figures = atlas.figures.map((spec) => {
      const figure = publishFigure(spec);
      onFigure(figure);
      return figure;
    });
    return { atlas, figures };
  } catch (e) {
    if (e instanceof SourceError) {
      process.stderr.write(
        `\nThe data in data/ has ${e.problems.length} problem(s); nothing was written.\n\n${e.message}\n\n`,
      );
      return null;
    }
    throw e;
  }
}

/** Writes what the site and its downloads read: `<out>/data/measurements.{csv,json}` and, last, `<out>/atlas.json`. */
export function writeIngested({ atlas, figures }: Ingested, out: string, root = process.cwd()): SiteAtlas {
  // Written in pieces: the dataset grows with the simulator's sweep, past what one string can hold.
  const csvPath = join(out, "data", "measurements.csv");
  writeFileAtomic(csvPath, measurementsCsvChunks(atlas.rows));
  writeFileAtomic(join(out, "data", "measurements.json"), measurementsJsonChunks(atlas.rows));
  const releases = readReleases(root);
  const site = siteAtlas(
    atlas,
    figures,
    reportVersion(packageVersion(root), dataHash(readInBlocks(csvPath)), releases),
    releases,
  );
  writeFileAtomic(join(out, "atlas.json"), JSON.stringify(site));
  const measured = atlas.rows.filter((r) => r.kind === "measured").length;
  process.stdout.write(
    `ingest: ${atlas.studies.length} studies, ${atlas.accelerators.length} accelerators, ${measured} measured rows, ` +
      `${atlas.rows.length - measured} other rows, ${atlas.audit.length} audit findings, ${figures.length} figures\n`,
  );
  return site;
}
