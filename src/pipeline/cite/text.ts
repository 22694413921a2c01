/**
 * Plain-text citations, rendered from the CSL-JSON by citeproc-js (through citation-js) in APA style,
 * so the words a reader copies come from the same record as the BibTeX.
 */
import { Cite } from "@citation-js/core";
import "@citation-js/plugin-csl";
import type { CslItem } from "./csl.ts";

const rendered = new Map<string, string>();

/** One reference in APA style, as plain text; the same item always gives the same text. */
export function plainText(item: CslItem): string {
  const key = JSON.stringify(item);
  let text = rendered.get(key);
  if (text === undefined) {
    text = new Cite([item])
      .format("bibliography", { format: "text", template: "apa", lang: "en-US" })
      .trim()
      // APA writes "Retrieved <date>, from <url>" for undated pages; a development build has no date and
      // the atlas never takes one from the clock, which leaves a bare "Retrieved <url>".
      .replace(/\bRetrieved (?=https?:\/\/)/, "");
    rendered.set(key, text);
  }
  return text;
}
