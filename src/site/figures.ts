/** What a figure page and its downloads need: sources, redistribution terms, citation, pinned URL. */
import report from "../../report.config.json";
import type { PublishedFigure } from "../pipeline/figures/spec.ts";
import type { Study } from "../pipeline/schema.ts";
import { cite, pinnedUrl, type Citation } from "../pipeline/cite/citation.ts";
import { once, studiesById, versionInfo } from "./data.ts";

export interface FigureContext {
  sources: Study[];
  /** False when any source forbids redistribution: the figure is shown, its data is not offered. */
  dataDownloads: boolean;
  /** Why data downloads are withheld, naming the studies. */
  withheldBecause: string | null;
  citation: Citation;
  url: string;
  version: string;
  dataHash: string;
}

/** Made once per figure: its page and both data downloads ask for it. */
export function figureContext(spec: PublishedFigure): Promise<FigureContext> {
  return once(`figure context ${spec.id}`, () => makeFigureContext(spec));
}

async function makeFigureContext(spec: PublishedFigure): Promise<FigureContext> {
  const studies = await studiesById();
  const { version } = await versionInfo();
  const sources = spec.sources.map((id) => studies.get(id)?.study).filter((s): s is Study => s !== undefined);
  const blocked = sources.filter((s) => s.license.redistribution === "not-allowed");
  const url = pinnedUrl(report, version, `/figures/${spec.id}/`);
  return {
    sources,
    dataDownloads: blocked.length === 0,
    withheldBecause: blocked.length
      ? `${blocked.map((s) => `${s.title} (${s.license.note})`).join("; ")} does not allow redistribution of its data`
      : null,
    citation: cite(report, version, { key: spec.id, title: spec.title, url, originals: sources }),
    url,
    version: version.version,
    dataHash: version.dataHash,
  };
}
