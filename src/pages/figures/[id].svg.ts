import type { APIRoute } from "astro";
import { allFigures } from "../../site/data.ts";
import type { PublishedFigure } from "../../pipeline/figures/spec.ts";

export async function getStaticPaths() {
  return [...(await allFigures()).values()].map((spec) => ({ params: { id: spec.id }, props: { spec } }));
}
export const GET: APIRoute = ({ props }) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${(props as { spec: PublishedFigure }).spec.svg}\n`, {
    headers: { "Content-Type": "image/svg+xml" },
  });
