import type { APIRoute } from "astro";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allFigures } from "../../site/data.ts";
import { FIGURE_PNG_DIR } from "../../site/build-paths.ts";
import type { PublishedFigure } from "../../pipeline/figures/spec.ts";

export async function getStaticPaths() {
  return [...(await allFigures()).values()].map((spec) => ({ params: { id: spec.id }, props: { spec } }));
}
/** Drawn by the ingest stage beside atlas.json (scripts/lib/figure-pngs.ts), from the same SVG. */
export const GET: APIRoute = ({ props }) =>
  new Response(new Uint8Array(readFileSync(join(FIGURE_PNG_DIR, `${(props as { spec: PublishedFigure }).spec.id}.png`))), { headers: { "Content-Type": "image/png" } });
