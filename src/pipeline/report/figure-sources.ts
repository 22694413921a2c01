/** Figure families beyond the measured-data ones, registered once for the pipeline, the build and the site. */
import type { FigureSource } from "./figures.ts";

export const FIGURE_SOURCES: FigureSource[] = [];
