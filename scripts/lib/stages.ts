/** Build stages shared by the CLIs. Each reports problems on stderr and returns null instead of throwing. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SourceError } from "../../src/pipeline/errors.ts";
import { runPipeline, type Atlas } from "../../src/pipeline/run.ts";
import { writeFileAtomic } from "../../src/pipeline/output/files.ts";
import { measurementsCsvChunks, measurementsJsonChunks } from "../../src/pipeline/output/measurements.ts";
import {
  dataHash,
  reportVersion,
  type Dois,
  type Release,
  type ReportVersion,
} from "../../src/pipeline/cite/version.ts";
import { siteAtlas, siteAtlasJsonChunks, type SiteAtlas } from "../../src/pipeline/output/site-atlas.ts";
import { publishFigure } from "../../src/pipeline/figures/render.ts";
import type { PublishedFigure } from "../../src/pipeline/figures/spec.ts";
import type { ReportMeta } from "../../src/pipeline/cite/record.ts";
import type { AuditFinding } from "../../src/pipeline/normalize/audit.ts";
import { treeSourceHash } from "./source-tree.ts";
import { releasedFigureIds } from "./publish.ts";

/** dois.json, checked: DOIs minted by Zenodo after each release. */
export function readDois(root: string): Dois {
  const dois = JSON.parse(readFileSync(join(root, "dois.json"), "utf8")) as Dois;
  const DOI = /^10\.\d{4,9}\/\S+$/;
  for (const d of [dois.concept, ...Object.values(dois.versions ?? {})])
    if (d !== null && !DOI.test(d))
      throw new Error(`dois.json: ${JSON.stringify(d)} is not a DOI such as 10.5281/zenodo.123`);
  return { concept: dois.concept, versions: dois.versions ?? {} };
}

/** releases.json, with each release's version DOI from dois.json when one has been minted. */
export function readReleases(root: string, { versions } = readDois(root)): Release[] {
  const releases = JSON.parse(readFileSync(join(root, "releases.json"), "utf8")) as Release[];
  return releases.map((r) => (versions[r.version] ? { ...r, doi: versions[r.version] } : r));
}

/** report.config.json: the settings a fork changes (README, "Publish it"). */
export function readReportMeta(root: string): ReportMeta {
  return JSON.parse(readFileSync(join(root, "report.config.json"), "utf8")) as ReportMeta;
}

function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
}

/** Where the data lives: data/ of the repository, or ATLAS_DATA_DIR (tests point it at fixtures). */
export function dataDirOf(root: string): string {
  return process.env.ATLAS_DATA_DIR ?? join(root, "data");
}

/** What ingest makes before writing anything: the pipeline's atlas, this build's version and every figure rendered to SVG. */
interface Ingested {
  atlas: Atlas;
  figures: PublishedFigure[];
  version: ReportVersion;
  releases: Release[];
  /** Each release's figure ids, where the build copies the release snapshots (not under ATLAS_NO_ARCHIVE). */
  releasedFigures: Record<string, string[]>;
}

/**
 * This build's version: package.json's, the hash of the dataset it publishes, and the hash of the source
 * tree, which makes it a release only when the tree is exactly a released one. Data from outside the
 * repository (ATLAS_DATA_DIR, as tests and the bench use) is never a release.
 */
function buildVersion(
  atlas: Atlas,
  root: string,
  releases: Release[],
  concept: string | null,
): ReportVersion {
  const source = process.env.ATLAS_DATA_DIR ? null : treeSourceHash(root);
  const version = reportVersion(
    packageVersion(root),
    dataHash(measurementsCsvChunks(atlas.rows)),
    source,
    releases,
  );
  return concept ? { ...version, conceptDoi: concept } : version;
}

/**
 * Runs the data pipeline and renders the figures, handing each to `onFigure` (with this build's
 * version, which the figures' downloads carry) as soon as it is rendered.
 * Bad data: located messages on stderr, nothing written, null.
 */
export function ingest(
  dataDir: string,
  root: string,
  onFigure: (figure: PublishedFigure, context: { atlas: Atlas; version: ReportVersion }) => void = () => {},
  /** Where the simulator keeps its GPU fit between runs (refitted only when its inputs change). */
  cacheDir?: string,
): Ingested | null {
  try {
    const atlas = runPipeline(dataDir, { cacheDir });
    const dois = readDois(root);
    const releases = readReleases(root, dois);
    const version = buildVersion(atlas, root, releases, dois.concept);
    const figures = atlas.figures.map((spec) => {
      const figure = publishFigure(spec);
      onFigure(figure, { atlas, version });
      return figure;
    });
    const releasedFigures = process.env.ATLAS_NO_ARCHIVE
      ? {}
      : Object.fromEntries(releasedFigureIds(root, releases));
    return { atlas, figures, version, releases, releasedFigures };
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
export function writeIngested(
  { atlas, figures, version, releases, releasedFigures }: Ingested,
  out: string,
): SiteAtlas {
  // Written in pieces: the dataset grows with the simulator's sweep, past what one string can hold.
  writeFileAtomic(join(out, "data", "measurements.csv"), measurementsCsvChunks(atlas.rows));
  writeFileAtomic(join(out, "data", "measurements.json"), measurementsJsonChunks(atlas.rows));
  const site = siteAtlas(atlas, figures, version, releases, releasedFigures);
  writeFileAtomic(join(out, "atlas.json"), siteAtlasJsonChunks(site));
  const measured = atlas.rows.filter((r) => r.kind === "measured").length;
  process.stdout.write(
    `ingest: ${atlas.studies.length} studies, ${atlas.accelerators.length} accelerators, ${measured} measured rows, ` +
      `${atlas.rows.length - measured} other rows, ${atlas.audit.length} audit findings, ${figures.length} figures\n`,
  );
  process.stdout.write(auditWarningsLine(atlas.audit));
  return site;
}

/**
 * Which studies the audit warns about, and how often: a contributor sees at once whether the study
 * they added has published numbers that disagree (the study page's audit says which).
 */
export function auditWarningsLine(audit: AuditFinding[]): string {
  const warnings = new Map<string, number>();
  for (const f of audit)
    if (f.severity === "warning") warnings.set(f.study, (warnings.get(f.study) ?? 0) + 1);
  if (warnings.size === 0) return "";
  const each = [...warnings]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([study, n]) => `${study} ${n}`)
    .join(", ");
  return `audit warnings (published numbers in doubt; listed on each study page): ${each}\n`;
}
