/**
 * What the site reads (.build/atlas.json): the atlas with its figures rendered and without the
 * simulator's rows and validation points (and the MLPerf comparisons, which pages show as figures and
 * the findings' numbers). Those are published in data/measurements.* and drawn in
 * the figures; the pages need nothing else from them, and carrying them would make this file grow
 * with accelerators × sweep points.
 */
import type { Atlas } from "../atlas.ts";
import type { PublishedFigure } from "../figures/spec.ts";
import type { Release, ReportVersion } from "../cite/version.ts";
import type { ValidationReport } from "../simulate/validate.ts";

export type SiteAtlas = Omit<Atlas, "figures" | "validation" | "mlperfAnalysis"> & {
  figures: PublishedFigure[];
  /** Per series and per study; the points themselves are drawn (and downloadable) in the validation figure. */
  validation: Omit<ValidationReport, "points"> | null;
  version: ReportVersion;
  releases: Release[];
  /** Each release's figure ids (its snapshot's figures.json): a figure page links its released copy. */
  releasedFigures: Record<string, string[]>;
};

/** `figures` are the atlas's figures, published (publishFigure: rendered once, by the caller). */
export function siteAtlas(
  atlas: Atlas,
  figures: PublishedFigure[],
  version: ReportVersion,
  releases: Release[],
  releasedFigures: Record<string, string[]> = {},
): SiteAtlas {
  const { mlperfAnalysis: _, ...shown } = atlas;
  return {
    ...shown,
    rows: atlas.rows.filter((r) => r.kind !== "simulated"),
    validation: atlas.validation && (({ points: _, ...rest }) => rest)(atlas.validation),
    figures,
    version,
    releases,
    releasedFigures,
  };
}

/**
 * The bytes of JSON.stringify(atlas), in pieces: at 100× the data the figures alone (two renderings and
 * a download SVG each) pass the longest string V8 can hold. Top-level arrays go an element at a time.
 */
export function* siteAtlasJsonChunks(atlas: SiteAtlas): Generator<string> {
  let first = true;
  for (const [key, value] of Object.entries(atlas)) {
    if (value === undefined) continue;
    yield `${first ? "{" : ","}${JSON.stringify(key)}:`;
    first = false;
    if (Array.isArray(value)) {
      yield "[";
      for (let i = 0; i < value.length; i++) yield `${i ? "," : ""}${JSON.stringify(value[i]) ?? "null"}`;
      yield "]";
    } else yield JSON.stringify(value);
  }
  yield first ? "{}" : "}";
}
