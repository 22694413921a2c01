/**
 * What the site reads (.build/atlas.json): the atlas with its figures rendered and without the
 * simulator's rows. Those rows are published in data/measurements.* and drawn in the figures; the pages
 * need nothing else from them, and carrying them would make this file (and Astro's content store)
 * grow with accelerators × sweep points.
 */
import type { Atlas } from "../run.ts";
import type { PublishedFigure } from "../figures/spec.ts";
import { publishFigure } from "../figures/render.ts";
import type { Release, ReportVersion } from "../cite/version.ts";

export type SiteAtlas = Omit<Atlas, "figures"> & { figures: PublishedFigure[]; version: ReportVersion; releases: Release[] };

export function siteAtlas(atlas: Atlas, version: ReportVersion, releases: Release[]): SiteAtlas {
  return {
    ...atlas,
    rows: atlas.rows.filter((r) => r.kind !== "simulated"),
    figures: atlas.figures.map(publishFigure),
    version,
    releases,
  };
}
