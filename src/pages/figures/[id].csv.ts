import type { APIRoute } from "astro";
import { allFigures } from "../../site/data.ts";
import { figureContext } from "../../site/figures.ts";
import { figureCsv } from "../../pipeline/figures/downloads.ts";
import type { PublishedFigure } from "../../pipeline/figures/spec.ts";

/** Only figures whose sources allow redistribution get a data download. */
export async function getStaticPaths() {
  const specs = [...(await allFigures()).values()];
  const allowed = await Promise.all(specs.map(async (s) => (await figureContext(s)).dataDownloads));
  return specs.filter((_, i) => allowed[i]).map((spec) => ({ params: { id: spec.id }, props: { spec } }));
}
export const GET: APIRoute = ({ props }) =>
  new Response(figureCsv((props as { spec: PublishedFigure }).spec), {
    headers: { "Content-Type": "text/csv; charset=utf-8" },
  });
