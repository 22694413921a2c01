/** A figure's data downloads: exactly the plotted rows as CSV, and data plus metadata as JSON. */
import Papa from "papaparse";
import type { FigureSpec } from "./spec.ts";

export function figureCsv(spec: Omit<FigureSpec, "plot">): string {
  const fields = spec.columns.map((c) => c.key);
  const data = spec.rows.map((r) => fields.map((f) => (r[f] === null || r[f] === undefined ? "" : String(r[f]))));
  return Papa.unparse({ fields: spec.columns.map((c) => c.label), data }, { newline: "\n" }) + "\n";
}

export function figureJson(spec: Omit<FigureSpec, "plot">, meta: { version: string; dataHash: string; url: string; sources: { id: string; citation: string }[] }): string {
  return (
    JSON.stringify(
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
    ) + "\n"
  );
}
