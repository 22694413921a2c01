import type { APIRoute } from "astro";
import { allFigures } from "../../site/data.ts";
import { figureDownloadSvg } from "../../site/figures.ts";
import type { PublishedFigure } from "../../pipeline/figures/spec.ts";

export async function getStaticPaths() {
  return [...(await allFigures()).values()].map((spec) => ({ params: { id: spec.id }, props: { spec } }));
}
/** The download carries a footer with title, sources, version and permalink; the page's inline SVG does not. */
export const GET: APIRoute = async ({ props }) =>
  new Response(
    `<?xml version="1.0" encoding="UTF-8"?>\n${await figureDownloadSvg((props as { spec: PublishedFigure }).spec)}\n`,
    { headers: { "Content-Type": "image/svg+xml" } },
  );
