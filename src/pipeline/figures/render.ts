/**
 * The only module that touches a DOM: a figure spec → SVG markup, wide and narrow.
 * Plot runs on a linkedom document at build time; its process-global ids are rewritten per figure so
 * the same data always gives the same bytes, whatever else was rendered before. The legend is drawn
 * here, below the chart: it can never cover data, and downloads keep it.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { plotOptions, type FigureSpec, type PublishedFigure } from "./spec.ts";
import { FONT_SIZE, NARROW, textWidth, WIDE, type Frame, type LegendEntry } from "./common.ts";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Shipped with the repository (assets/fonts) so PNG text renders identically everywhere. */
export const FIGURE_FONT = "DejaVu Sans";

let shared: Document | null = null;
function documentForPlots(): Document {
  // One document per process: creating one per chart is slow and uses much more memory.
  shared ??= parseHTML("<!doctype html><html><body></body></html>").document as unknown as Document;
  return shared;
}

/** The download: wide, light colours, no CSS variables (resvg and other tools read it as is). */
export function renderFigure(spec: FigureSpec): string {
  return lightSvg(renderFrame(spec, WIDE, spec.id));
}

/** What pages show: both renderings, colours as CSS variables that follow the page's colour scheme. */
export function renderInline(spec: FigureSpec): { wide: string; narrow: string } {
  return { wide: renderFrame(spec, WIDE, spec.id), narrow: renderFrame(spec, NARROW, `${spec.id}-n`) };
}

function renderFrame(spec: FigureSpec, frame: Frame, idBase: string): string {
  const document = documentForPlots();
  const options = plotOptions(spec, frame);
  const el = Plot.plot({
    ...options,
    width: frame.width,
    document,
    className: "atlas-plot",
    style: {
      fontFamily: `${FIGURE_FONT}, sans-serif`,
      fontSize: `${FONT_SIZE}px`,
      background: "var(--chart-bg, white)",
      color: "var(--chart-fg, #1b1f24)",
    },
  }) as unknown as Element;
  if (el.tagName.toLowerCase() !== "svg")
    throw new Error(`${spec.id}: Plot made a <${el.tagName}>; legends and captions belong to the spec`);
  el.setAttribute("xmlns", SVG_NS);
  el.setAttribute("font-family", `${FIGURE_FONT}, sans-serif`);
  el.setAttribute("class", `atlas-plot ${frame.narrow ? "chart-narrow" : "chart-wide"}`);
  relabelLogTicks(el, options);
  if (spec.legend?.length) appendLegend(document, el, spec.legend, frame);
  // The SVG is one image to assistive technology: Plot's labels on inner groups are not allowed there.
  for (const inner of el.querySelectorAll("[aria-label], [aria-description]")) {
    const mark = inner.getAttribute("aria-label");
    inner.removeAttribute("aria-label");
    inner.removeAttribute("aria-description");
    if (mark) inner.setAttribute("data-mark", mark);
  }
  const title = document.createElementNS(SVG_NS, "title");
  title.setAttribute("id", `${idBase}-title`);
  title.textContent = spec.title;
  const desc = document.createElementNS(SVG_NS, "desc");
  desc.setAttribute("id", `${idBase}-desc`);
  desc.textContent = spec.alt;
  el.insertBefore(desc, el.firstChild);
  el.insertBefore(title, el.firstChild);
  el.setAttribute("role", "img");
  el.setAttribute("aria-labelledby", `${idBase}-title ${idBase}-desc`);
  return stableIds(el.outerHTML, idBase);
}

/**
 * On a log scale Plot labels only some of the ticks it is given (d3's log tickFormat thins them); the
 * report's log axes choose their ticks (common.ts logTicks), so every one gets its label back, in
 * every panel of a faceted figure.
 */
function relabelLogTicks(svg: Element, options: Plot.PlotOptions): void {
  for (const axis of ["x", "y"] as const) {
    const scale = options[axis] as Plot.ScaleOptions | undefined;
    if (scale?.type !== "log" || !Array.isArray(scale.ticks) || typeof scale.tickFormat !== "function")
      continue;
    const format = scale.tickFormat as (d: number) => string;
    const ticks = scale.ticks as number[];
    for (const group of svg.querySelectorAll(`[aria-label="${axis}-axis tick label"]`)) {
      // One run of the ticks per panel of a faceted figure (a group each).
      const texts = [...group.querySelectorAll("text")];
      const panels = Math.max(1, group.querySelectorAll(":scope > g").length);
      if (texts.length !== ticks.length * panels) continue;
      texts.forEach((t, i) => {
        t.textContent = format(ticks[i % ticks.length]!);
      });
    }
  }
}

/** The spec without its Plot options, with its SVGs: what pages and downloads need. */
export function publishFigure(spec: FigureSpec): PublishedFigure {
  const { plot: _plot, legend: _legend, ...published } = spec;
  const inline = renderInline(spec);
  return { ...published, svg: lightSvg(inline.wide), inline };
}

/** Renumbers Plot's clip/filter/pattern/marker ids (global counters) as `<figure id>-<n>`. */
export function stableIds(svg: string, id: string): string {
  const map = new Map<string, string>();
  return svg.replace(/plot-(?:clip|filter|pattern|marker)-\d+/g, (k) => {
    if (!map.has(k)) map.set(k, `${id}-${map.size + 1}`);
    return map.get(k)!;
  });
}

/** Every `var(--name, fallback)` replaced by its fallback: the light colours, for files read outside a page. */
export const lightSvg = (svg: string): string => svg.replace(/var\(--[a-z0-9-]+,\s*([^()]+?)\)/g, "$1");

// Legend geometry (px at the frame's width).
const ROW = 18;
const SWATCH = 26;
const GAP = 18;
const PAD = 8;

interface LegendItem {
  entry: LegendEntry;
  x: number;
  y: number;
  lines: string[];
}

/** Legend items flowed left to right and wrapped to `width`; a label too long for a row wraps by words. */
export function layoutLegend(entries: LegendEntry[], width: number): { items: LegendItem[]; height: number } {
  const items: LegendItem[] = [];
  const room = width - 2 * PAD - SWATCH - 6;
  let x = PAD;
  let y = 0;
  let rowHeight = ROW;
  for (const entry of entries) {
    const lines = wrap(entry.label, room);
    const w = SWATCH + 6 + Math.max(...lines.map((l) => textWidth(l)));
    if (x > PAD && x + w > width - PAD) {
      x = PAD;
      y += rowHeight;
      rowHeight = ROW;
    }
    items.push({ entry, x, y, lines });
    rowHeight = Math.max(rowHeight, lines.length * (FONT_SIZE + 3) + 3);
    x += w + GAP;
  }
  return { items, height: y + rowHeight + PAD };
}

function wrap(label: string, room: number): string[] {
  if (textWidth(label) <= room) return [label];
  const lines: string[] = [];
  let line = "";
  for (const word of label.split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next) > room) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  return line ? [...lines, line] : lines;
}

function appendLegend(document: Document, svg: Element, entries: LegendEntry[], frame: Frame): void {
  const height = Number(svg.getAttribute("height"));
  const { items, height: extra } = layoutLegend(entries, frame.width);
  const el = (name: string, attrs: Record<string, string | number>) => {
    const e = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const g = el("g", {
    class: "atlas-legend",
    transform: `translate(0,${height + 4})`,
    "font-size": FONT_SIZE,
    "text-anchor": "start",
  });
  for (const { entry, x, y, lines } of items) {
    const item = el("g", { transform: `translate(${x},${y})` });
    const cy = ROW / 2;
    if (entry.square) item.append(el("rect", { x: 7, y: cy - 6, width: 12, height: 12, fill: entry.color }));
    if (entry.line && entry.line !== "none")
      item.append(
        el("line", {
          x1: 0,
          x2: SWATCH,
          y1: cy,
          y2: cy,
          stroke: entry.color,
          "stroke-width": 2,
          ...(entry.line === "dashed" ? { "stroke-dasharray": entry.dash ?? "5,3" } : {}),
        }),
      );
    if (entry.symbol)
      item.append(symbolShape(el, entry.symbol, SWATCH / 2, cy, entry.color, entry.hollow === true));
    lines.forEach((line, i) => {
      const t = el("text", { x: SWATCH + 6, y: cy + 4 + i * (FONT_SIZE + 3), fill: "currentColor" });
      t.textContent = line;
      item.append(t);
    });
    g.append(item);
  }
  svg.append(g);
  const total = height + 4 + extra;
  svg.setAttribute("height", String(total));
  svg.setAttribute("viewBox", `0 0 ${frame.width} ${total}`);
}

/** A marker like Plot's symbols, at (cx, cy). */
function symbolShape(
  el: (name: string, attrs: Record<string, string | number>) => Element,
  symbol: NonNullable<LegendEntry["symbol"]>,
  cx: number,
  cy: number,
  color: string,
  hollow: boolean,
): Element {
  const paint: Record<string, string | number> = hollow
    ? { fill: "var(--chart-bg, white)", stroke: color, "stroke-width": 1.5 }
    : { fill: color, stroke: "none" };
  const poly = (pts: [number, number][]) =>
    el("polygon", { points: pts.map(([x, y]) => `${cx + x},${cy + y}`).join(" "), ...paint });
  switch (symbol) {
    case "circle":
      return el("circle", { cx, cy, r: 3.5, ...paint });
    case "square":
      return el("rect", { x: cx - 3.2, y: cy - 3.2, width: 6.4, height: 6.4, ...paint });
    case "triangle":
      return poly([
        [0, -4.2],
        [3.8, 2.6],
        [-3.8, 2.6],
      ]);
    case "diamond":
      return poly([
        [0, -4.5],
        [3.4, 0],
        [0, 4.5],
        [-3.4, 0],
      ]);
    case "star":
      return poly(
        Array.from({ length: 10 }, (_, i) => {
          const r = i % 2 === 0 ? 4.6 : 2;
          const a = (Math.PI / 5) * i - Math.PI / 2;
          return [Number((r * Math.cos(a)).toFixed(2)), Number((r * Math.sin(a)).toFixed(2))];
        }),
      );
    case "cross":
      return poly([
        [-1.3, -4],
        [1.3, -4],
        [1.3, -1.3],
        [4, -1.3],
        [4, 1.3],
        [1.3, 1.3],
        [1.3, 4],
        [-1.3, 4],
        [-1.3, 1.3],
        [-4, 1.3],
        [-4, -1.3],
        [-1.3, -1.3],
      ]);
  }
}
