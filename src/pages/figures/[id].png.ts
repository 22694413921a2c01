import type { APIRoute } from "astro";
import { allFigures } from "../../site/data.ts";
import { renderFigure } from "../../pipeline/figures/render.ts";
import { svgToPng } from "../../pipeline/figures/png.ts";
import type { FigureSpec } from "../../pipeline/figures/spec.ts";

export async function getStaticPaths() {
  return [...(await allFigures()).values()].map((spec) => ({ params: { id: spec.id }, props: { spec } }));
}
export const GET: APIRoute = ({ props }) =>
  new Response(new Uint8Array(svgToPng(renderFigure((props as { spec: FigureSpec }).spec))), { headers: { "Content-Type": "image/png" } });
