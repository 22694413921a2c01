/** SVG → PNG at build time with resvg and the fonts shipped in assets/fonts, so text renders the same everywhere. */
import { Resvg } from "@resvg/resvg-js";
import { join } from "node:path";
import { FIGURE_FONT } from "./render.ts";

// Resolved from the working directory: bundlers move this module, the repository layout stays.
const FONT_DIR = join(process.cwd(), "assets", "fonts");
export const FIGURE_FONT_FILES = [join(FONT_DIR, "DejaVuSans.ttf"), join(FONT_DIR, "DejaVuSans-Bold.ttf")];

export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    // System fonts are never loaded: they differ between machines and would change the bytes.
    font: { loadSystemFonts: false, fontFiles: FIGURE_FONT_FILES, defaultFontFamily: FIGURE_FONT },
  });
  return resvg.render().asPng();
}
