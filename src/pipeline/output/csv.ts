/**
 * CSV writing for every file the atlas publishes (the dataset, figure downloads): RFC 4180 with "\n"
 * line ends, quoting exactly the fields papaparse's unparse quotes (a quote, comma, CR, LF or BOM
 * inside, or a space at either end), so published bytes did not change when this replaced it. Written
 * here because unparse dominated writing the dataset at 100× the data (scripts/bench.ts).
 */
const NEEDS_QUOTES = /[",\r\n\uFEFF]|^ | $/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One line, with its "\n". */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\n`;
}
