/** CSL-JSON (CSL 1.0.2 input data) from citation records; test/schemas/csl-data.json is the schema it meets. */
import type { CitationRecord, RecordType } from "./record.ts";

/** CSL types, chosen to match the BibTeX entry types (bibtex.ts): a preprint is `article` in CSL 1.0.2. */
export const CSL_TYPE: Record<RecordType, string> = {
  dataset: "dataset",
  webpage: "webpage",
  arxiv: "article",
  poster: "speech",
  report: "report",
  unpublished: "manuscript",
};

export type CslItem = Record<string, unknown> & { id: string; type: string };

export function toCsl(r: CitationRecord): CslItem {
  const item: Record<string, unknown> = {
    id: r.key,
    "citation-key": r.key,
    type: CSL_TYPE[r.type],
    title: r.title,
    author: r.authors.map((p) =>
      "literal" in p ? { literal: p.literal } : { family: p.family, given: p.given },
    ),
    issued: r.date ? cslDate(r.date) : undefined,
    version: r.version,
    genre: r.genre,
    publisher: r.publisher ?? (r.type === "arxiv" ? "arXiv" : undefined),
    "container-title": r.container,
    number: r.eprint ? `arXiv:${r.eprint}` : undefined,
    DOI: r.doi,
    URL: r.url,
    accessed: r.accessed ? cslDate(r.accessed) : undefined,
    note: r.note,
  };
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as CslItem;
}

function cslDate(iso: string): { "date-parts": number[][] } {
  return { "date-parts": [iso.split("-").map(Number)] };
}
