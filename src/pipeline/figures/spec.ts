/** What every figure is: data plus a Plot specification, with the words a reader and a citer need. */
import type * as Plot from "@observablehq/plot";
import type { Frame, LegendEntry } from "./common.ts";

export interface FigureColumn {
  key: string;
  label: string;
}

export interface FigureSpec {
  /** Stable id, e.g. `fig-batch-scaling-v100-sxm2-16gb`; used for anchors, permalinks and downloads. */
  id: string;
  title: string;
  /** States the sources and every caveat; shown under the figure. */
  caption: string;
  /** Text alternative: what the figure shows, in words, for screen readers (SVG <desc>). */
  alt: string;
  /** Study ids whose data the figure shows (for citations and redistribution terms). */
  sources: string[];
  /** The accelerator a per-accelerator figure is about: its page shows the figure. */
  accelerator?: string;
  /** Exactly the rows plotted, with the columns the data table and CSV download show. */
  columns: FigureColumn[];
  rows: Record<string, string | number | null>[];
  /**
   * Plot options for a frame (without `document`): each family lays itself out wide and narrow and
   * render.ts draws both. Fixed options (a family written before the design system) are drawn at both
   * widths as they are; the browser tests then flag their text as too small on a phone.
   */
  plot: ((frame: Frame) => Plot.PlotOptions) | Plot.PlotOptions;
  /** Drawn by render.ts below the chart, outside the plotting area, wrapped to the frame's width. */
  legend?: LegendEntry[];
}

/**
 * A figure as the site and its downloads use it: the spec's words and data plus its SVGs, rendered
 * once per build by the pipeline's publish step (the Plot options, with their functions, stay behind).
 * `svg` is the download (wide, light background, no CSS variables); `inline` the two renderings pages
 * show, whose colours follow the page's colour scheme through CSS variables.
 */
export type PublishedFigure = Omit<FigureSpec, "plot" | "legend"> & {
  svg: string;
  inline: { wide: string; narrow: string };
};

/** A spec's Plot options for a frame. */
export const plotOptions = (spec: Pick<FigureSpec, "plot">, frame: Frame): Plot.PlotOptions =>
  typeof spec.plot === "function" ? spec.plot(frame) : spec.plot;

/** A figure's data is not in the atlas (e.g. a fixture without that study); callers may skip the figure. */
export class MissingDataError extends Error {
  constructor(figureId: string, what: string) {
    super(`${figureId}: ${what}`);
    this.name = "MissingDataError";
  }
}

/** Runs figure makers, keeping the figures whose data exists and skipping (only) those with MissingDataError. */
export function collectFigures(makers: (() => FigureSpec)[]): FigureSpec[] {
  const out: FigureSpec[] = [];
  for (const make of makers) {
    try {
      out.push(make());
    } catch (e) {
      if (!(e instanceof MissingDataError)) throw e;
    }
  }
  return out;
}
