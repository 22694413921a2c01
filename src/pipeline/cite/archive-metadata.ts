/**
 * The repository's citation metadata for a release, from the same records as the site's citations:
 * CITATION.cff (GitHub's "Cite this repository"; CFF 1.2.0) and .zenodo.json (what Zenodo archives and
 * gives a DOI when the release is published on GitHub). `npm run release` writes both; after Zenodo
 * has minted DOIs (dois.json), `npm run citation-files` writes them again with the DOIs.
 */
import { stringify } from "yaml";
import type { Person } from "../schema.ts";
import { toCsl } from "./csl.ts";
import { releaseRecord, siteUrl, type CitationRecord, type RecordType, type ReportMeta } from "./record.ts";
import { plainText } from "./text.ts";
import type { Release } from "./version.ts";

export interface RepositoryMeta extends ReportMeta {
  shortDescription: string;
  repository: string;
  /** SPDX licence identifier of the atlas's text and derived data. */
  licenseId: string;
  keywords: string[];
}

/** CFF reference types, chosen to match the BibTeX entry types (bibtex.ts). */
export const CFF_TYPE: Record<RecordType, string> = {
  dataset: "data",
  webpage: "website",
  arxiv: "article",
  poster: "unpublished",
  report: "report",
  unpublished: "unpublished",
};

function cffPerson(p: Person): Record<string, string> {
  return "literal" in p ? { name: p.literal } : { "family-names": p.family, "given-names": p.given };
}

/** A CFF reference from a citation record. */
function cffReference(r: CitationRecord): Record<string, unknown> {
  const year = r.date ? Number(r.date.slice(0, 4)) : undefined;
  const ref: Record<string, unknown> = {
    type: CFF_TYPE[r.type],
    title: r.title,
    authors: r.authors.map(cffPerson),
    year,
    "date-published": r.date && r.date.length === 10 ? r.date : undefined,
    version: r.version,
    doi: r.doi,
    url: r.url,
    "date-accessed": r.accessed,
    publisher: r.type === "webpage" && r.container ? { name: r.container } : undefined,
    institution: r.type === "report" && r.publisher ? { name: r.publisher } : undefined,
    identifiers: r.eprint
      ? [{ type: "other", value: `arXiv:${r.eprint}`, description: "arXiv identifier" }]
      : undefined,
    notes:
      [r.genre, r.type !== "report" && r.type !== "webpage" ? r.publisher : undefined]
        .filter((x) => x !== undefined)
        .join(". ") || undefined,
  };
  return dropUndefined(ref);
}

/** CITATION.cff for `release`: the atlas as a dataset, the release as the preferred citation, the original studies as references. */
export function citationCff(meta: RepositoryMeta, release: Release, originals: CitationRecord[]): string {
  const preferred = releaseRecord(meta, release);
  const cff = dropUndefined({
    "cff-version": "1.2.0",
    message:
      "If you use the Inference Scaling Atlas, cite the release you used (preferred-citation below; the site's /cite/ page has BibTeX and CSL-JSON), and the original studies whose data you use (references).",
    type: "dataset",
    title: meta.title,
    abstract: meta.shortDescription,
    authors: preferred.authors.map(cffPerson),
    version: release.version,
    "date-released": release.date,
    doi: release.doi,
    identifiers: [
      ...(meta.doi
        ? [{ type: "doi", value: meta.doi, description: "Concept DOI: every version of the atlas" }]
        : []),
      ...(release.doi
        ? [{ type: "doi", value: release.doi, description: `Version DOI of release ${release.version}` }]
        : []),
      {
        type: "url",
        value: siteUrl(meta, "/", release.version),
        description: `Release ${release.version} as published, unchanged`,
      },
    ],
    license: meta.licenseId,
    "repository-code": meta.repository,
    url: siteUrl(meta, "/"),
    keywords: meta.keywords,
    "preferred-citation": cffReference(preferred),
    // CFF requires at least one reference when the key is present.
    references: originals.length ? distinct(originals.map(cffReference)) : undefined,
  });
  return `# Written by \`npm run release\` and \`npm run citation-files\` from report.config.json, releases.json,\n# dois.json and the studies' metadata: edit those, not this file.\n${stringify(cff, { lineWidth: 0, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })}`;
}

/** .zenodo.json for `release`: Zenodo's metadata for the archive of the tagged repository. */
export function zenodoJson(meta: RepositoryMeta, release: Release, originals: CitationRecord[]): string {
  const creators = meta.authors.map((a) =>
    "name" in a ? { name: a.name } : { name: `${a.family}, ${a.given}` },
  );
  const zenodo = {
    upload_type: "dataset",
    title: meta.title,
    version: release.version,
    publication_date: release.date,
    description: `${meta.shortDescription} Release ${release.version}; the site as released: ${siteUrl(meta, "/", release.version)}`,
    creators,
    access_right: "open",
    license: meta.licenseId.toLowerCase(),
    keywords: meta.keywords,
    // Zenodo links the GitHub repository itself; this adds the site as released.
    related_identifiers: [
      { identifier: siteUrl(meta, "/", release.version), relation: "isSupplementedBy", scheme: "url" },
    ],
    references: distinct(originals.map((r) => plainText(toCsl(r)))),
  };
  return `${JSON.stringify(zenodo, null, 2)}\n`;
}

/**
 * Each reference once: studies may share an original (two MLPerf benchmarks of one round cite the
 * same results repository), and CFF requires the items of `references` to be unique.
 */
function distinct<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const key = JSON.stringify(x);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
