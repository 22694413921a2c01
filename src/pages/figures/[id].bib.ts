import type { APIRoute } from "astro";
import { allFigures } from "../../site/data.ts";
import { figureContext } from "../../site/figures.ts";
import type { PublishedFigure } from "../../pipeline/figures/spec.ts";

export async function getStaticPaths() {
  return [...(await allFigures()).values()].map((spec) => ({ params: { id: spec.id }, props: { spec } }));
}
/** The figure's BibTeX: the figure, pinned to this version, then every study it draws on. */
export const GET: APIRoute = async ({ props }) =>
  new Response((await figureContext((props as { spec: PublishedFigure }).spec)).citation.bibFile, {
    headers: { "Content-Type": "application/x-bibtex; charset=utf-8" },
  });
