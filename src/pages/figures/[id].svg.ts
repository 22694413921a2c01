import type { APIRoute } from "astro";
import { allFigures } from "../../site/data.ts";
import { renderFigure } from "../../pipeline/figures/render.ts";
import type { FigureSpec } from "../../pipeline/figures/spec.ts";

export async function getStaticPaths() {
  return [...(await allFigures()).values()].map((spec) => ({ params: { id: spec.id }, props: { spec } }));
}
export const GET: APIRoute = ({ props }) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${renderFigure((props as { spec: FigureSpec }).spec)}\n`, { headers: { "Content-Type": "image/svg+xml" } });
