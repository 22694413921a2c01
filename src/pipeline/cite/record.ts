/**
 * One citation record per thing cited: the atlas, a release (or this development build), a figure, a
 * study page of the atlas, and the original study. BibTeX (bibtex.ts), CSL-JSON (csl.ts) and plain
 * text (text.ts) are all written from these records, so the three cannot disagree.
 */
import { RESERVED_STUDY_ID, type Person, type Study } from "../schema.ts";
import { compareSemver, type Release, type ReportVersion } from "./version.ts";

/**
 * What kind of thing is cited; each maps to one BibTeX entry type and one CSL type. A report is
 * published by an institution; a document that was only handed in or handed out (a course report) is
 * unpublished.
 */
export type RecordType = "dataset" | "webpage" | "arxiv" | "poster" | "report" | "unpublished";

export interface CitationRecord {
  /** BibTeX key and CSL id: the same key always names the same record, across the whole site. */
  key: string;
  type: RecordType;
  title: string;
  /** People as family and given names, organisations as literal names. */
  authors: Person[];
  /** YYYY, YYYY-MM or YYYY-MM-DD; null when undated (a development build is not published). */
  date: string | null;
  version?: string;
  url?: string;
  /** When the url was read (recorded in the data); never the build or release date. */
  accessed?: string;
  publisher?: string;
  /** The website, blog or series the item appeared in. */
  container?: string;
  /** What kind of document, in words ("Figure", "Poster", "Course report"). */
  genre?: string;
  /** arXiv identifier (type arxiv). */
  eprint?: string;
  doi?: string;
  /** A short remark; never a repeat of the citation. */
  note?: string;
}

/** report.config.json as citations need it. */
export interface ReportMeta {
  title: string;
  /** Where the live site is served, with its path for a project site (https://owner.github.io/repo/). */
  siteUrl: string;
  /** `name` is an organisation or group; people are given as family and given names. */
  authors: ({ name: string } | { family: string; given: string })[];
  /** The concept DOI (all versions) once Zenodo has minted one. */
  doi?: string | null;
}

/** A URL on the site: the live page, or with `release`, its immutable copy under /v/<version>/. */
export function siteUrl(meta: ReportMeta, path: string, release?: string): string {
  const base = meta.siteUrl.replace(/\/$/, "");
  const clean = path.startsWith("/") ? path : `/${path}`;
  return release ? `${base}/v/${release}${clean}` : `${base}${clean}`;
}

/** The pinned URL of a page: the /v/<version>/ copy for a release build, the live page otherwise. */
export function pinnedUrl(meta: ReportMeta, v: ReportVersion, path: string): string {
  return siteUrl(meta, path, v.release ? v.version : undefined);
}

function atlasAuthors(meta: ReportMeta): Person[] {
  return meta.authors.map((a) => ("name" in a ? { literal: a.name } : { family: a.family, given: a.given }));
}

/** "0.2.0" for a release build, "0.2.0+dev" otherwise. */
export function editionLabel(v: ReportVersion): string {
  return v.release ? v.version : `${v.version}+dev`;
}

/** Key prefix of everything this build publishes: atlas-0.2.0, or atlas-0.2.0-dev for a development build. */
function editionKey(v: ReportVersion): string {
  return v.release ? `atlas-${v.version}` : `atlas-${v.version}-dev`;
}

function devNote(v: ReportVersion): string | undefined {
  return v.release ? undefined : `Development build (data ${v.dataHash}), not a release`;
}

/** The newest release, by version number. */
export function latestRelease(releases: Release[]): Release | null {
  return [...releases].sort((a, b) => compareSemver(b.version, a.version))[0] ?? null;
}

/** The atlas as a whole, every version (Zenodo's concept record): the year of the newest release. */
export function atlasRecord(meta: ReportMeta, releases: Release[]): CitationRecord {
  const latest = latestRelease(releases);
  return clean({
    key: "atlas",
    type: "dataset",
    title: meta.title,
    authors: atlasAuthors(meta),
    date: latest ? latest.date.slice(0, 4) : null,
    url: siteUrl(meta, "/"),
    doi: meta.doi ?? undefined,
  });
}

/** One release: its version, date, immutable address and (once minted) version DOI. */
export function releaseRecord(meta: ReportMeta, release: Release): CitationRecord {
  return clean({
    key: `atlas-${release.version}`,
    type: "dataset",
    title: meta.title,
    authors: atlasAuthors(meta),
    date: release.date,
    version: release.version,
    url: siteUrl(meta, "/", release.version),
    doi: release.doi,
  });
}

/** This build: its release when it is one, otherwise an undated development version of the live site. */
export function editionRecord(meta: ReportMeta, v: ReportVersion): CitationRecord {
  if (v.release) return releaseRecord(meta, v.release);
  return clean({
    key: editionKey(v),
    type: "dataset",
    title: meta.title,
    authors: atlasAuthors(meta),
    date: null,
    version: editionLabel(v),
    url: siteUrl(meta, "/"),
    note: devNote(v),
  });
}

/** A figure of this build, pinned to its version. */
export function figureRecord(
  meta: ReportMeta,
  v: ReportVersion,
  figure: { id: string; title: string },
): CitationRecord {
  return clean({
    key: `${editionKey(v)}-${figure.id}`,
    type: "dataset",
    genre: "Figure",
    title: figure.title,
    authors: atlasAuthors(meta),
    date: v.release?.date ?? null,
    version: editionLabel(v),
    publisher: meta.title,
    url: pinnedUrl(meta, v, `/figures/${figure.id}/`),
    note: devNote(v),
  });
}

/** The atlas's page of a study (its transcribed tables, claims and audit), pinned to this build's version. */
export function studyPageRecord(meta: ReportMeta, v: ReportVersion, study: Study): CitationRecord {
  return clean({
    key: `${editionKey(v)}-study-${study.id}`,
    type: "dataset",
    genre: "Transcribed data and audit",
    title: study.title,
    authors: atlasAuthors(meta),
    date: v.release?.date ?? null,
    version: editionLabel(v),
    publisher: meta.title,
    url: pinnedUrl(meta, v, `/studies/${study.id}/`),
    note: devNote(v),
  });
}

/**
 * The original study, from its metadata (study.yaml `cite`). Without a `cite` block the study is a web
 * page (unpublished when it has no url) by its `authors`, each taken as an organisation. Its key is the
 * study id, except for an imported MLPerf round: the work cited is the results repository, which the
 * round's ResNet-50 and RetinaNet studies share, so they share one key ("mlcommons-inference_results_v3.0",
 * which no study id can be: ids have no "_" or ".").
 */
export function originalRecord(study: Study): CitationRecord {
  if (RESERVED_STUDY_ID.test(study.id))
    throw new Error(
      `study id ${JSON.stringify(study.id)}: ids starting with "atlas" are reserved for the atlas's own citation keys`,
    );
  const c = study.cite;
  const url = c?.url === null ? undefined : (c?.url ?? study.url);
  return clean({
    key: study.mlperf ? study.mlperf.repository.replace("/", "-") : study.id,
    type: c?.type ?? (study.url ? "webpage" : "unpublished"),
    title: c?.title ?? study.title,
    authors: c?.authors ?? study.authors.map((literal) => ({ literal })),
    date: c?.date ?? String(study.year),
    url,
    accessed: c?.accessed,
    publisher: c?.publisher,
    container: c?.container,
    genre: c?.genre,
    eprint: c?.eprint,
    doi: c?.doi,
  });
}

/** "Kacher et al." / "Tate" / "NVIDIA Corporation": how a footer or list names the authors briefly. */
export function shortAuthors(r: CitationRecord): string {
  const name = (p: Person) => ("literal" in p ? p.literal : p.family);
  if (r.authors.length === 0) return "";
  if (r.authors.length === 1) return name(r.authors[0]!);
  if (r.authors.length === 2) return `${name(r.authors[0]!)} and ${name(r.authors[1]!)}`;
  return `${name(r.authors[0]!)} et al.`;
}

/** Drops undefined fields so records compare and serialise the same however they were made. */
function clean(r: CitationRecord): CitationRecord {
  return Object.fromEntries(
    Object.entries(r).filter(([, v]) => v !== undefined),
  ) as unknown as CitationRecord;
}
