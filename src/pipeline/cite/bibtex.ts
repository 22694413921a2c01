/**
 * BibTeX (biblatex/biber data model, with a `year` for classic BibTeX styles) from citation records. Text fields are escaped for LaTeX; url, doi
 * and eprint are verbatim fields and stay raw. People are "Family, Given"; organisations are braced
 * whole so they are never split into a family and a given name.
 */
import type { Person } from "../schema.ts";
import type { CitationRecord, RecordType } from "./record.ts";

/** biblatex entry types: a dataset, a web page (README, blog post), an arXiv preprint, a poster, a report, an unpublished document. */
export const BIBTEX_TYPE: Record<RecordType, string> = {
  dataset: "dataset",
  webpage: "online",
  arxiv: "misc",
  poster: "unpublished",
  report: "report",
  unpublished: "unpublished",
};

/** Keys: letters, digits and - _ : . only (biber and BibTeX both accept these). */
const BIBTEX_KEY = /^[A-Za-z0-9][A-Za-z0-9_:.-]*$/;

/** One entry. Field order is fixed, so the same record always gives the same bytes. */
export function toBibtex(r: CitationRecord): string {
  if (!BIBTEX_KEY.test(r.key))
    throw new Error(`citation key ${JSON.stringify(r.key)} has characters BibTeX keys cannot hold`);
  const fields: [string, string | undefined][] = [
    ["author", r.authors.map(bibName).join(" and ")],
    // Braced whole: styles must not re-case names such as ResNet, V100 or MN-Core.
    ["title", `{${escapeLatex(r.title)}}`],
    ["type", r.type === "webpage" || r.type === "arxiv" ? undefined : text(r.genre)],
    ["version", text(r.version)],
    ["date", r.date ?? undefined],
    // Classic BibTeX styles (natbib's plainnat, …) read only `year`; biber takes `date` and accepts a
    // year that agrees with it.
    ["year", r.date?.slice(0, 4)],
    [publisherField(r.type), text(r.publisher ?? (r.type === "webpage" ? r.container : undefined))],
    ["eprint", r.eprint],
    ["eprinttype", r.eprint ? "arxiv" : undefined],
    ["doi", r.doi],
    ["url", r.url === undefined ? undefined : verbatimUrl(r.url)],
    ["urldate", r.accessed],
    ["note", text(r.note)],
  ];
  const present = fields.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== "");
  return [
    `@${BIBTEX_TYPE[r.type]}{${r.key},`,
    ...present.map(([k, v], i) => `  ${k} = {${v}}${i < present.length - 1 ? "," : ""}`),
    "}",
  ].join("\n");
}

/** Several entries, one blank line apart, ending in a newline: the body of a .bib file. */
export function toBibFile(records: CitationRecord[]): string {
  const keys = new Set<string>();
  for (const r of records) {
    if (keys.has(r.key)) throw new Error(`citation key ${r.key} appears twice in one .bib`);
    keys.add(r.key);
  }
  return `${records.map(toBibtex).join("\n\n")}\n`;
}

/** Who published it, in the field biblatex has for that entry type. */
function publisherField(type: RecordType): string {
  switch (type) {
    case "dataset":
      return "publisher";
    case "webpage":
      return "organization";
    case "report":
      return "institution";
    case "poster":
    case "unpublished":
      return "howpublished";
    case "arxiv":
      return "howpublished";
  }
}

function text(s: string | undefined): string | undefined {
  return s === undefined ? undefined : escapeLatex(s);
}

/** "Family, Given" with each part escaped; a part holding a comma or " and " is braced; organisations braced whole. */
function bibName(p: Person): string {
  if ("literal" in p) return `{${escapeLatex(p.literal)}}`;
  const part = (s: string) => {
    const e = escapeLatex(s);
    return /,|\band\b/i.test(s) ? `{${e}}` : e;
  };
  return `${part(p.family)}, ${part(p.given)}`;
}

/**
 * A URL as a verbatim field: kept as it is (no LaTeX escapes, which would corrupt it), except the few
 * characters that cannot stand in a braced BibTeX value, which are percent-encoded as URLs allow.
 */
export function verbatimUrl(url: string): string {
  return url.replace(/[{}\\\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/**
 * Escapes text for a braced BibTeX value: LaTeX specials become commands biber decodes back, and
 * braces stay balanced because literal braces are escaped. Other characters stay UTF-8.
 */
export function escapeLatex(s: string): string {
  return s.replace(/[\\{}&%$#_~^]/g, (c) => {
    switch (c) {
      case "\\":
        return "\\textbackslash{}";
      case "~":
        return "\\textasciitilde{}";
      case "^":
        return "\\textasciicircum{}";
      default:
        return `\\${c}`;
    }
  });
}
