/** SVG → PNG at build time with resvg and the fonts shipped in assets/fonts, so text renders the same everywhere. */
import { Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIGURE_FONT } from "./render.ts";

// Resolved from the working directory: bundlers move this module, the repository layout stays.
const FONT_DIR = join(process.cwd(), "assets", "fonts");
/** PNGs are drawn at twice the SVG's size. */
export const PNG_SCALE = 2;

/** assets/fonts/subset.json: the full fonts, their subsets, and the Unicode ranges the subsets keep. */
const SUBSET = JSON.parse(readFileSync(join(FONT_DIR, "subset.json"), "utf8")) as {
  ranges: string[];
  fonts: { full: string; subset: string }[];
};
export const FIGURE_FONT_FILES = SUBSET.fonts.map((f) => join(FONT_DIR, f.full));
export const FIGURE_SUBSET_FONT_FILES = SUBSET.fonts.map((f) => join(FONT_DIR, f.subset));
/** The code points the subsets keep, as [first, last] pairs. */
export const SUBSET_RANGES = SUBSET.ranges.map((r) => {
  const m = /^U\+([0-9A-F]{4,6})-([0-9A-F]{4,6})$/i.exec(r);
  if (!m) throw new Error(`assets/fonts/subset.json: range ${JSON.stringify(r)} is not U+XXXX-YYYY`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16)] as const;
});

/**
 * The subset fonts when every character of the SVG lies in their ranges (same glyphs and layout
 * tables, so the same pixels, drawn faster); otherwise the full fonts. Character references count
 * as the characters they stand for.
 */
export function fontFilesFor(svg: string): string[] {
  const text = svg.replace(
    /&#x([0-9a-f]+);|&#(\d+);/gi,
    (_, hex: string | undefined, dec: string | undefined) =>
      String.fromCodePoint(hex ? parseInt(hex, 16) : Number(dec)),
  );
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x09 || cp === 0x0a || cp === 0x0d) continue;
    if (!SUBSET_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi)) return FIGURE_FONT_FILES;
  }
  return FIGURE_SUBSET_FONT_FILES;
}

/** resvg's options for one SVG (plain data, so worker threads can take them: scripts/lib/figure-pngs.ts). */
export function pngOptions(svg: string, scale = PNG_SCALE): ResvgRenderOptions {
  return {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    // System fonts are never loaded: they differ between machines and would change the bytes.
    font: { loadSystemFonts: false, fontFiles: fontFilesFor(svg), defaultFontFamily: FIGURE_FONT },
  };
}

export function svgToPng(svg: string, scale = PNG_SCALE): Buffer {
  return new Resvg(svg, pngOptions(svg, scale)).render().asPng();
}
