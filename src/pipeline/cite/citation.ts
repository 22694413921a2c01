/**
 * A "cite this" for one thing (the atlas, a figure, a study page): its record and the records of the
 * original studies it draws on, each as plain text, BibTeX and CSL-JSON, and the .bib file of them all.
 */
import { toBibFile, toBibtex } from "./bibtex.ts";
import { toCsl, type CslItem } from "./csl.ts";
import type { CitationRecord } from "./record.ts";
import { plainText } from "./text.ts";

export interface Cited {
  record: CitationRecord;
  text: string;
  bibtex: string;
  csl: CslItem;
}

export interface Citation {
  /** What is cited. */
  main: Cited;
  /** The original studies it draws on (none for the atlas itself). */
  sources: Cited[];
  /** The .bib download: the main entry, then the studies. */
  bibFile: string;
  /** The two halves of bibFile, shown and copied apart: several citations share their studies. */
  mainBibFile: string;
  sourcesBibFile: string;
  /** CSL-JSON of the main entry and the studies. */
  csl: CslItem[];
}

function cited(record: CitationRecord): Cited {
  const csl = toCsl(record);
  return { record, text: plainText(csl), bibtex: toBibtex(record), csl };
}

export function citation(main: CitationRecord, sources: CitationRecord[] = []): Citation {
  const all = [main, ...distinctWorks(sources)].map(cited);
  return {
    main: all[0]!,
    sources: all.slice(1),
    bibFile: toBibFile(all.map((c) => c.record)),
    mainBibFile: toBibFile([main]),
    sourcesBibFile: all.length > 1 ? toBibFile(all.slice(1).map((c) => c.record)) : "",
    csl: all.map((c) => c.csl),
  };
}

/**
 * Each cited work once: studies may share their original (an MLPerf round's two benchmarks cite one
 * results repository, under one key). One key with two different records is a bug, never merged.
 */
export function distinctWorks(records: CitationRecord[]): CitationRecord[] {
  const byKey = new Map<string, CitationRecord>();
  for (const r of records) {
    const seen = byKey.get(r.key);
    if (seen === undefined) byKey.set(r.key, r);
    else if (JSON.stringify(seen) !== JSON.stringify(r))
      throw new Error(`citation key ${r.key} names two different works`);
  }
  return [...byKey.values()];
}
