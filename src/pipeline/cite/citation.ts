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
  const all = [main, ...sources].map(cited);
  return {
    main: all[0]!,
    sources: all.slice(1),
    bibFile: toBibFile(all.map((c) => c.record)),
    mainBibFile: toBibFile([main]),
    sourcesBibFile: sources.length ? toBibFile(sources) : "",
    csl: all.map((c) => c.csl),
  };
}
