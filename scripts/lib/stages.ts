/** Build stages shared by the CLIs. Each reports problems on stderr and returns false instead of throwing. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SourceError } from "../../src/pipeline/errors.ts";
import { runPipeline, type Atlas } from "../../src/pipeline/run.ts";
import { writeFileAtomic } from "../../src/pipeline/output/files.ts";
import { measurementsCsv, measurementsJson } from "../../src/pipeline/output/measurements.ts";
import { dataHash, reportVersion, type Release, type ReportVersion } from "../../src/pipeline/cite/version.ts";

/** What the site reads: the atlas plus its version and the release history. */
export type BuiltAtlas = Atlas & { version: ReportVersion; releases: Release[] };

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

/** Runs the data pipeline and writes `<out>/atlas.json` and `<out>/data/measurements.{csv,json}`. */
export function runIngest(dataDir: string, out: string, root = process.cwd()): BuiltAtlas | null {
  let atlas: Atlas;
  try {
    atlas = runPipeline(dataDir);
  } catch (e) {
    if (e instanceof SourceError) {
      process.stderr.write(`\nThe data in data/ has ${e.problems.length} problem(s); nothing was written.\n\n${e.message}\n\n`);
      return null;
    }
    throw e;
  }
  const csv = measurementsCsv(atlas.rows);
  const releases = readReleases(root);
  const built: BuiltAtlas = { ...atlas, version: reportVersion(packageVersion(root), dataHash(csv), releases), releases };
  writeFileAtomic(join(out, "atlas.json"), JSON.stringify(built));
  writeFileAtomic(join(out, "data", "measurements.csv"), csv);
  writeFileAtomic(join(out, "data", "measurements.json"), measurementsJson(atlas.rows));
  const measured = atlas.rows.filter((r) => r.kind === "measured").length;
  process.stdout.write(
    `ingest: ${atlas.studies.length} studies, ${atlas.accelerators.length} accelerators, ${measured} measured rows, ` +
      `${atlas.rows.length - measured} other rows, ${atlas.audit.length} audit findings\n`,
  );
  return built;
}
