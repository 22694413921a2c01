import type { APIRoute } from "astro";
import { allFigures } from "../../site/data.ts";
import { figureContext } from "../../site/figures.ts";
import { figureJson } from "../../pipeline/figures/downloads.ts";
import type { PublishedFigure } from "../../pipeline/figures/spec.ts";

/** Only figures whose sources allow redistribution get a data download. */
export async function getStaticPaths() {
  const specs = [...(await allFigures()).values()];
  const allowed = await Promise.all(specs.map(async (s) => (await figureContext(s)).dataDownloads));
  return specs.filter((_, i) => allowed[i]).map((spec) => ({ params: { id: spec.id }, props: { spec } }));
}
export const GET: APIRoute = async ({ props }) => {
  const spec = (props as { spec: PublishedFigure }).spec;
  const ctx = await figureContext(spec);
  const body = figureJson(spec, {
    version: ctx.version,
    dataHash: ctx.dataHash,
    url: ctx.url,
    sources: ctx.sources.map((s) => ({ id: s.id, citation: s.citation })),
  });
  return new Response(body, { headers: { "Content-Type": "application/json" } });
};
