/**
 * The report version: semantic version from package.json plus a short hash of the normalized data,
 * and the release record (releases.json) that gives each released version its date. No clock.
 */
import { createHash } from "node:crypto";

export interface Release {
  version: string;
  /** Release date, YYYY-MM-DD, recorded by `npm run release`. */
  date: string;
  /** Data hash of the release (see dataHash). */
  dataHash: string;
  /** One line per change, in Keep a Changelog terms. */
  changes: string[];
}

export interface ReportVersion {
  version: string;
  dataHash: string;
  /** The release record when this build is a released version with the same data; null otherwise. */
  release: Release | null;
}

/** First 8 hex digits of the SHA-256 of the normalized dataset (measurements.csv bytes, whole or in pieces). */
export function dataHash(measurementsCsv: string | Iterable<string | Uint8Array>): string {
  const hash = createHash("sha256");
  for (const piece of typeof measurementsCsv === "string" ? [measurementsCsv] : measurementsCsv)
    hash.update(piece);
  return hash.digest("hex").slice(0, 8);
}

export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export function reportVersion(version: string, hash: string, releases: Release[]): ReportVersion {
  if (!SEMVER.test(version))
    throw new Error(`package.json version ${JSON.stringify(version)} is not MAJOR.MINOR.PATCH`);
  const release = releases.find((r) => r.version === version && r.dataHash === hash) ?? null;
  return { version, dataHash: hash, release };
}

/** "0.2.0 (data 1a2b3c4d), released 2026-11-23" or "0.2.0+dev (data …), unreleased". */
export function versionLabel(v: ReportVersion): string {
  return v.release
    ? `version ${v.version} (data ${v.dataHash}), released ${v.release.date}`
    : `version ${v.version}+dev (data ${v.dataHash}), not a release`;
}

export function compareSemver(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}
