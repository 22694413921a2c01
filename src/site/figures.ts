/** What a figure page and its downloads need: sources, redistribution terms, citation, pinned URL, stamped SVG. */
import report from "../../report.config.json";
import type { PublishedFigure } from "../pipeline/figures/spec.ts";
import type { Study } from "../pipeline/schema.ts";
import { citation, type Citation } from "../pipeline/cite/citation.ts";
import { editionLabel, figureRecord, originalRecord, pinnedUrl } from "../pipeline/cite/record.ts";
import { stampedFigureSvg } from "../pipeline/cite/stamp.ts";
import { once, studiesById, versionInfo } from "./data.ts";
import { downloadUrl, url } from "./urls.ts";
import { compareSemver, type Release, type ReportVersion } from "../pipeline/cite/version.ts";

interface FigureContext {
  sources: Study[];
  /** False when any source forbids redistribution: the figure is shown, its data is not offered. */
  dataDownloads: boolean;
  /** Why data downloads are withheld, naming the studies. */
  withheldBecause: string | null;
  citation: Citation;
  url: string;
  version: string;
  dataHash: string;
  /** Where the downloads are: the immutable /v/<version>/ copies on a release build, the live files otherwise. */
  downloads: Record<"svg" | "png" | "csv" | "json" | "bib" | "atlasBib", string>;
  /** On a build that is not a release: the figure's copy in the newest release that has it. */
  released: { version: string; date: string; url: string } | null;
}

/** Made once per figure: its page and its downloads ask for it. */
export function figureContext(spec: PublishedFigure): Promise<FigureContext> {
  return once(`figure context ${spec.id}`, () => makeFigureContext(spec));
}

/** Every study by id, as the stamp names them. */
function studyMetadata(): Promise<Map<string, Study>> {
  return once("study metadata by id", async () => {
    const studies = await studiesById();
    return new Map([...studies].map(([id, s]) => [id, s.study]));
  });
}

async function makeFigureContext(spec: PublishedFigure): Promise<FigureContext> {
  const studies = await studyMetadata();
  const { version, releases, releasedFigures = {} } = await versionInfo();
  const sources = spec.sources.map((id) => studies.get(id)).filter((s): s is Study => s !== undefined);
  const blocked = sources.filter((s) => s.license.redistribution === "not-allowed");
  const url = pinnedUrl(report, version, `/figures/${spec.id}/`);
  const release = version.release ? version.version : undefined;
  const file = (ext: string) => downloadUrl(`/figures/${spec.id}.${ext}`, release);
  return {
    sources,
    dataDownloads: blocked.length === 0,
    withheldBecause: blocked.length
      ? `${blocked.map((s) => `${s.title} (${s.license.note})`).join("; ")} does not allow redistribution of its data`
      : null,
    citation: citation(figureRecord(report, version, spec), sources.map(originalRecord)),
    released: releasedCopy(version, releases, releasedFigures, spec.id),
    url,
    // A development build says so, as its citation does ("0.2.0+dev"): it is not release 0.2.0.
    version: editionLabel(version),
    dataHash: version.dataHash,
    downloads: {
      svg: file("svg"),
      png: file("png"),
      csv: file("csv"),
      json: file("json"),
      bib: file("bib"),
      atlasBib: downloadUrl("/cite/atlas.bib", release),
    },
  };
}

/** The SVG download: the figure with its footer (title, sources, version, permalink), as the PNG is drawn. */
export async function figureDownloadSvg(spec: PublishedFigure): Promise<string> {
  const { version } = await versionInfo();
  return stampedFigureSvg(report, version, spec, await studyMetadata());
}

/**
 * On a build that is not a release, the figure as the newest release holding it published it: what a
 * citer should link to, since this page follows the data. Null on a release build or when no release
 * has the figure.
 */
function releasedCopy(
  version: ReportVersion,
  releases: Release[],
  releasedFigures: Record<string, string[]>,
  id: string,
): { version: string; date: string; url: string } | null {
  if (version.release) return null;
  const newest = [...releases]
    .filter((r) => releasedFigures[r.version]?.includes(id))
    .sort((a, b) => compareSemver(b.version, a.version))[0];
  return newest
    ? { version: newest.version, date: newest.date, url: url(`/v/${newest.version}/figures/${id}/`) }
    : null;
}
