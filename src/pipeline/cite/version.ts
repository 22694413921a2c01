/**
 * The report version: semantic version from package.json, a short hash of the normalized data, a hash
 * of the source tree the site is built from, and the release record (releases.json) when the tree is a
 * release. No clock.
 */
import { createHash } from "node:crypto";

export interface Release {
  version: string;
  /** Release date, YYYY-MM-DD, recorded by `npm run release`. */
  date: string;
  /** Data hash of the release (see dataHash). */
  dataHash: string;
  /**
   * Hash of the release's source tree (see sourceHash), recorded by `npm run release`. A build is this
   * release only when its tree has the same hash; 0.1.0 was recorded before this existed and has none.
   */
  sourceHash?: string;
  /** The version DOI, from dois.json once Zenodo has minted it (README, "Cite it"); not stored in releases.json. */
  doi?: string;
  /** One line per change, in Keep a Changelog terms. */
  changes: string[];
}

export interface ReportVersion {
  version: string;
  dataHash: string;
  /** Hash of the tree this build was made from; null when it cannot be known (no git, data from elsewhere). */
  sourceHash: string | null;
  /** The release record when this build's tree is exactly a released tree; null otherwise. */
  release: Release | null;
  /** The atlas's concept DOI (every version), from dois.json once minted. */
  conceptDoi?: string;
}

/** First 8 hex digits of the SHA-256 of the normalized dataset (measurements.csv bytes, whole or in pieces). */
export function dataHash(measurementsCsv: string | Iterable<string | Uint8Array>): string {
  const hash = createHash("sha256");
  for (const piece of typeof measurementsCsv === "string" ? [measurementsCsv] : measurementsCsv)
    hash.update(piece);
  return hash.digest("hex").slice(0, 8);
}

/**
 * Files that record releases rather than make the site: the release list (it holds the hash itself),
 * the release snapshots (copied, never rebuilt, by later builds), and the DOIs and citation metadata
 * that are completed after a release, once Zenodo has minted its DOI.
 */
const RELEASE_RECORDS = new Set(["releases.json", "dois.json", "CITATION.cff", ".zenodo.json"]);
export function isReleaseRecord(path: string): boolean {
  return RELEASE_RECORDS.has(path) || path === "archive" || path.startsWith("archive/");
}

/** dois.json: identifiers minted after a release (README, "Cite it"). */
export interface Dois {
  /** The concept DOI: every version of the atlas, resolving to the newest. */
  concept: string | null;
  /** Version DOIs by release version. */
  versions: Record<string, string>;
}

/**
 * SHA-256 of a source tree: every file's repository path and bytes, in path order, except the release
 * records. Two trees with the same hash build the same site.
 */
export function sourceHash(files: Iterable<{ path: string; bytes: Uint8Array }>): string {
  const sorted = [...files].filter((f) => !isReleaseRecord(f.path));
  sorted.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash("sha256");
  for (const f of sorted) hash.update(`${f.path}\0${f.bytes.length}\0`).update(f.bytes);
  return hash.digest("hex");
}

export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** This build's version; it is a release only when version, data and source tree all match the record. */
export function reportVersion(
  version: string,
  hash: string,
  source: string | null,
  releases: Release[],
): ReportVersion {
  if (!SEMVER.test(version))
    throw new Error(`package.json version ${JSON.stringify(version)} is not MAJOR.MINOR.PATCH`);
  const release =
    source === null
      ? null
      : (releases.find((r) => r.version === version && r.dataHash === hash && r.sourceHash === source) ??
        null);
  return { version, dataHash: hash, sourceHash: source, release };
}

/** "release 0.2.0 (2026-12-01, data 1a2b3c4d)" or "version 0.2.0+dev (data 1a2b3c4d), not a release". */
export function versionLabel(v: ReportVersion): string {
  return v.release
    ? `release ${v.version} (${v.release.date}, data ${v.dataHash})`
    : `version ${v.version}+dev (data ${v.dataHash}), not a release`;
}

export function compareSemver(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}
