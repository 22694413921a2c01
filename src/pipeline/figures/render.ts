/**
 * The only module that touches a DOM: a figure spec → inline SVG markup.
 * Plot runs on a linkedom document at build time; its process-global ids are rewritten per figure so
 * the same data always gives the same bytes, whatever else was rendered before.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import type { FigureSpec, PublishedFigure } from "./spec.ts";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Shipped with the repository (public/fonts) so PNG text renders identically everywhere. */
export const FIGURE_FONT = "DejaVu Sans";

let shared: Document | null = null;
function documentForPlots(): Document {
  // One document per process: creating one per chart is slow and uses much more memory.
  shared ??= parseHTML("<!doctype html><html><body></body></html>").document as unknown as Document;
  return shared;
}

export function renderFigure(spec: FigureSpec): string {
  const document = documentForPlots();
  const el = Plot.plot({
    ...spec.plot,
    document,
    className: "atlas-plot",
    style: {
      fontFamily: `${FIGURE_FONT}, sans-serif`,
      fontSize: "12px",
      background: "white",
      color: "#1b1f24",
    },
  }) as unknown as Element;
  const svgs = el.tagName.toLowerCase() === "svg" ? [el] : [...el.querySelectorAll("svg")];
  const main = svgs[svgs.length - 1]!;
  for (const s of svgs) {
    s.setAttribute("xmlns", SVG_NS);
    s.setAttribute("font-family", `${FIGURE_FONT}, sans-serif`);
  }
  const title = document.createElementNS(SVG_NS, "title");
  title.setAttribute("id", `${spec.id}-title`);
  title.textContent = spec.title;
  const desc = document.createElementNS(SVG_NS, "desc");
  desc.setAttribute("id", `${spec.id}-desc`);
  desc.textContent = spec.alt;
  main.insertBefore(desc, main.firstChild);
  main.insertBefore(title, main.firstChild);
  main.setAttribute("role", "img");
  main.setAttribute("aria-labelledby", `${spec.id}-title ${spec.id}-desc`);
  return stableIds(el.outerHTML, spec.id);
}

/** The spec without its Plot options, with its SVG: what pages and downloads need. */
export function publishFigure(spec: FigureSpec): PublishedFigure {
  const { plot: _plot, ...published } = spec;
  return { ...published, svg: renderFigure(spec) };
}

/** Renumbers Plot's clip/filter/pattern/marker ids (global counters) as `<figure id>-<n>`. */
export function stableIds(svg: string, id: string): string {
  const map = new Map<string, string>();
  return svg.replace(/plot-(?:clip|filter|pattern|marker)-\d+/g, (k) => {
    if (!map.has(k)) map.set(k, `${id}-${map.size + 1}`);
    return map.get(k)!;
  });
}
