/** A figure's data downloads: exactly the plotted rows as CSV, and data plus metadata as JSON. */
import { csvLine } from "../output/csv.ts";
import type { FigureSpec } from "./spec.ts";

export function figureCsv(spec: Omit<FigureSpec, "plot">): string {
  const fields = spec.columns.map((c) => c.key);
  const lines = spec.rows.map((r) =>
    csvLine(fields.map((f) => (r[f] === null || r[f] === undefined ? "" : String(r[f])))),
  );
  return csvLine(spec.columns.map((c) => c.label)) + lines.join("");
}

export function figureJson(
  spec: Omit<FigureSpec, "plot">,
  meta: { version: string; dataHash: string; url: string; sources: { id: string; citation: string }[] },
): string {
  return `${JSON.stringify(
    {
      id: spec.id,
      title: spec.title,
      caption: spec.caption,
      description: spec.alt,
      version: meta.version,
      dataHash: meta.dataHash,
      url: meta.url,
      sources: meta.sources,
      columns: spec.columns,
      rows: spec.rows,
    },
    null,
    1,
  )}\n`;
}
