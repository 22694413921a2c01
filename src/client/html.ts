/** Markup helpers for the explore views: escaping and the few number formats they use. Pure. */
import { fmt } from "../site/format.ts";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
/** Text or attribute value → safe markup. */
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Bytes as MB (10⁶ bytes), the unit the report's memory tables use. */
export const mb = (bytes: number): string => `${fmt(bytes / 1e6, 4)} MB`;

/** A table cell with a number: formatted text, the exact value in `data-value` (tests read it). */
export const numCell = (x: number | null | undefined, digits = 4, suffix = ""): string =>
  x === null || x === undefined
    ? `<td class="num">–</td>`
    : `<td class="num" data-value="${x}">${esc(fmt(x, digits))}${suffix}</td>`;

export { fmt };
