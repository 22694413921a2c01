/** Citations of the report, a figure or a study page: plain text, BibTeX and CSL-JSON, pinned to a version. */
import type { Study } from "../schema.ts";
import type { ReportVersion } from "./version.ts";

export interface ReportMeta {
  title: string;
  siteUrl: string;
  authors: { name: string }[];
}

export interface CiteTarget {
  /** Key part, e.g. "fig-batch-scaling-architectures" or "report". */
  key: string;
  /** Title of the cited thing (figure title, study page title); null for the whole report. */
  title: string | null;
  /** Absolute URL with the version pinned. */
  url: string;
  /** Original studies whose data the cited thing shows. */
  originals: Study[];
}

export interface Citation {
  text: string;
  bibtex: string;
  csl: Record<string, unknown>[];
}

/** The pinned URL of a page: the immutable /v/<version>/ copy for releases, the live page otherwise. */
export function pinnedUrl(meta: ReportMeta, v: ReportVersion, path: string): string {
  const base = meta.siteUrl.replace(/\/$/, "");
  return v.release ? `${base}/v/${v.version}${path}` : `${base}${path}`;
}

export function cite(meta: ReportMeta, v: ReportVersion, target: CiteTarget): Citation {
  const year = v.release ? v.release.date.slice(0, 4) : null;
  const authors = meta.authors.map((a) => a.name);
  const versionText = `version ${v.version}${v.release ? "" : "+dev"}, data ${v.dataHash}`;
  const what = target.title ? `“${target.title}”. In ${meta.title}` : meta.title;
  const text =
    `${authors.join(", ")} (${year ?? "n.d."}). ${what} (${versionText}). ${target.url}` +
    (target.originals.length ? ` Data from: ${target.originals.map((s) => s.citation).join(" ")}` : "");
  const key = bibKey(`atlas-${v.version}-${target.key}`);
  const fields: [string, string][] = [
    ["title", bibTitle(target.title ? `${target.title}. In ${meta.title}` : meta.title)],
    ["author", bibAuthors(authors)],
    ["year", escapeBibtex(year ?? "n.d.")],
    ["version", escapeBibtex(`${v.version}${v.release ? "" : "+dev"}`)],
    ["url", escapeBibtex(target.url)],
    [
      "note",
      escapeBibtex(
        `Data version ${v.dataHash}${target.originals.length ? `. Shows data from ${target.originals.map((s) => s.citation).join(" ")}` : ""}`,
      ),
    ],
  ];
  if (v.release) fields.push(["urldate", v.release.date]);
  const bibtex = [bibEntry(key, fields), ...target.originals.map((s) => studyBibtex(s))].join("\n");
  const csl: Record<string, unknown>[] = [
    {
      id: key,
      type: target.title ? "figure" : "report",
      title: target.title ? `${target.title}` : meta.title,
      "container-title": target.title ? meta.title : undefined,
      author: authors.map((literal) => ({ literal })),
      issued: year ? { "date-parts": [[Number(year)]] } : undefined,
      version: `${v.version}${v.release ? "" : "+dev"}`,
      URL: target.url,
      note: `Data version ${v.dataHash}`,
    },
    ...target.originals.map(studyCsl),
  ].map(dropUndefined);
  return { text, bibtex, csl };
}

/** BibTeX of an original study, from its metadata. */
export function studyBibtex(s: Study): string {
  const fields: [string, string][] = [
    ["title", bibTitle(s.title)],
    ["author", bibAuthors(s.authors)],
    ["year", String(s.year)],
    ["note", escapeBibtex(s.citation)],
  ];
  if (s.url) fields.push(["url", escapeBibtex(s.url)]);
  return bibEntry(bibKey(s.id), fields);
}

/** `@misc{key, field = {value}, …}` with values already escaped. */
function bibEntry(key: string, fields: [string, string][]): string {
  return [
    `@misc{${key},`,
    ...fields.map(([k, v], i) => `  ${k} = {${v}}${i < fields.length - 1 ? "," : ""}`),
    "}",
  ].join("\n");
}

/** Titles in an extra pair of braces: bibliography styles must not re-case names like "ResNet" or "V100". */
function bibTitle(title: string): string {
  return `{${escapeBibtex(title)}}`;
}

/** Each name in braces so BibTeX keeps it as written (organisations, non-Western names). */
function bibAuthors(names: string[]): string {
  return names.map((a) => `{${escapeBibtex(a)}}`).join(" and ");
}

function studyCsl(s: Study): Record<string, unknown> {
  return {
    id: bibKey(s.id),
    type: "article",
    title: s.title,
    author: s.authors.map((literal) => ({ literal })),
    issued: { "date-parts": [[s.year]] },
    URL: s.url,
    note: s.citation,
  };
}

/** Keys may contain letters, digits and - _ : . only. */
export function bibKey(s: string): string {
  return s.replace(/[^A-Za-z0-9_:.-]/g, "-");
}

/**
 * Escapes text for a BibTeX field value in braces: specials become commands, and braces stay balanced
 * because literal braces are escaped. Author names are wrapped in braces by the caller afterwards.
 */
export function escapeBibtex(s: string): string {
  return s
    .replace(/\\/g, "\\textbackslash{}")
    .replace(/([{}])/g, "\\$1")
    .replace(/\\textbackslash\\\{\\\}/g, "\\textbackslash{}")
    .replace(/([&%$#_])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}")
    .replace(/\^/g, "\\textasciicircum{}");
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
