/** SVG → PNG at build time with resvg and the fonts shipped in assets/fonts, so text renders the same everywhere. */
import { Resvg, renderAsync, type ResvgRenderOptions } from "@resvg/resvg-js";
import { join } from "node:path";
import { FIGURE_FONT } from "./render.ts";

// Resolved from the working directory: bundlers move this module, the repository layout stays.
const FONT_DIR = join(process.cwd(), "assets", "fonts");
export const FIGURE_FONT_FILES = [join(FONT_DIR, "DejaVuSans.ttf"), join(FONT_DIR, "DejaVuSans-Bold.ttf")];
/** PNGs are drawn at twice the SVG's size. */
export const PNG_SCALE = 2;

function pngOptions(scale: number): ResvgRenderOptions {
  return {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    // System fonts are never loaded: they differ between machines and would change the bytes.
    font: { loadSystemFonts: false, fontFiles: FIGURE_FONT_FILES, defaultFontFamily: FIGURE_FONT },
  };
}

export function svgToPng(svg: string, scale = PNG_SCALE): Buffer {
  return new Resvg(svg, pngOptions(scale)).render().asPng();
}

/** The same bytes as svgToPng; resvg draws on libuv's thread pool, so several figures render at once. */
export async function svgToPngAsync(svg: string, scale = PNG_SCALE): Promise<Buffer> {
  return (await renderAsync(svg, pngOptions(scale))).asPng();
}
