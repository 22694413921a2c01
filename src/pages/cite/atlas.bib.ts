import type { APIRoute } from "astro";
import { atlasCitation } from "../../site/cite.ts";

/** The atlas, the release to cite and every original study, in one .bib file. */
export const GET: APIRoute = async () =>
  new Response((await atlasCitation()).bibFile, {
    headers: { "Content-Type": "application/x-bibtex; charset=utf-8" },
  });
