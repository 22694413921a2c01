/** Build stages shared by the CLIs. Each reports problems on stderr and returns false instead of throwing. */
import { join } from "node:path";
import { SourceError } from "../../src/pipeline/errors.ts";
import { runPipeline, type Atlas } from "../../src/pipeline/run.ts";
import { writeFileAtomic } from "../../src/pipeline/output/files.ts";
import { measurementsCsv, measurementsJson } from "../../src/pipeline/output/measurements.ts";

/** Where the data lives: data/ of the repository, or ATLAS_DATA_DIR (tests point it at fixtures). */
export function dataDirOf(root: string): string {
  return process.env.ATLAS_DATA_DIR ?? join(root, "data");
}

/** Runs the data pipeline and writes `<out>/atlas.json` and `<out>/data/measurements.{csv,json}`. */
export function runIngest(dataDir: string, out: string): Atlas | null {
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
  writeFileAtomic(join(out, "atlas.json"), JSON.stringify(atlas));
  writeFileAtomic(join(out, "data", "measurements.csv"), measurementsCsv(atlas.rows));
  writeFileAtomic(join(out, "data", "measurements.json"), measurementsJson(atlas.rows));
  const measured = atlas.rows.filter((r) => r.kind === "measured").length;
  process.stdout.write(
    `ingest: ${atlas.studies.length} studies, ${atlas.accelerators.length} accelerators, ${measured} measured rows, ` +
      `${atlas.rows.length - measured} other rows, ${atlas.audit.length} audit findings\n`,
  );
  return atlas;
}
