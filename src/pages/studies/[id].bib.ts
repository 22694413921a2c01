import type { APIRoute } from "astro";
import { allStudies, type SiteStudy } from "../../site/data.ts";
import { studyCitation } from "../../site/cite.ts";

export async function getStaticPaths() {
  return (await allStudies()).map((s) => ({ params: { id: s.study.id }, props: { entry: s } }));
}
/** The atlas's page of the study, pinned to this version, then the original study. */
export const GET: APIRoute = async ({ props }) =>
  new Response((await studyCitation((props as { entry: SiteStudy }).entry.study)).bibFile, {
    headers: { "Content-Type": "application/x-bibtex; charset=utf-8" },
  });
