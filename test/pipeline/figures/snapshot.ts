/** How figure tests compare rendered SVGs with their reviewed snapshots (under __snapshots__/). */
import { renderFigure, renderInline } from "../../../src/pipeline/figures/render.ts";
import type { FigureSpec } from "../../../src/pipeline/figures/spec.ts";

/**
 * The rendered SVGs, wide and narrow, as Plot's test harness compares them: numbers rounded to 3
 * decimals, one element per line so a review sees what moved.
 */
export function snapshotOf(spec: FigureSpec): string {
  const { narrow } = renderInline(spec);
  const tidy = (svg: string) =>
    svg.replace(/-?\d+\.\d{4,}/g, (n) => String(Number(Number(n).toFixed(3)))).replace(/></g, ">\n<");
  return `${tidy(renderFigure(spec))}\n\n${tidy(narrow)}\n`;
}
