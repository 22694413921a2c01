/** Writes CITATION.cff and .zenodo.json for a release (src/pipeline/cite/archive-metadata.ts). */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { citationCff, zenodoJson, type RepositoryMeta } from "../../src/pipeline/cite/archive-metadata.ts";
import { originalRecord } from "../../src/pipeline/cite/record.ts";
import type { Release } from "../../src/pipeline/cite/version.ts";
import type { Study } from "../../src/pipeline/schema.ts";
import { writeFileAtomic } from "../../src/pipeline/output/files.ts";
import { readDois } from "./stages.ts";

function readRepositoryMeta(root: string): RepositoryMeta {
  const meta = JSON.parse(readFileSync(join(root, "report.config.json"), "utf8")) as RepositoryMeta;
  return { ...meta, doi: readDois(root).concept };
}

/** The studies a release published: the study pages in its snapshot, when it has one. */
export function releasedStudyIds(root: string, version: string): Set<string> | null {
  const dir = join(root, "archive", "v", version, "studies");
  if (!existsSync(dir)) return null;
  return new Set(
    readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name),
  );
}

/** Writes both files for `release`, citing `studies` (the release's studies) as references. */
export function writeCitationFiles(root: string, release: Release, studies: Study[]): void {
  const meta = readRepositoryMeta(root);
  const originals = [...studies].sort((a, b) => a.id.localeCompare(b.id, "en")).map(originalRecord);
  writeFileAtomic(join(root, "CITATION.cff"), citationCff(meta, release, originals));
  writeFileAtomic(join(root, ".zenodo.json"), zenodoJson(meta, release, originals));
}
