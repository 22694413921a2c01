/**
 * CSV writing for every file the atlas publishes (the dataset, figure downloads): RFC 4180 with "\n"
 * line ends, quoting exactly the fields papaparse's unparse quotes (a quote, comma, CR, LF or BOM
 * inside, or a space at either end), so published bytes did not change when this replaced it. Written
 * here because unparse dominated writing the dataset at 100× the data (scripts/bench.ts).
 *
 * Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return:
 * `=HYPERLINK(…)` from a label cell) are defused as OWASP's "CSV Injection" page recommends: a
 * leading `'` and quotes around the cell. A plain number (`-0.5`) is left as it is: it cannot be a
 * formula, and escaping it would turn numbers into text. The raw study files are never changed.
 */
const NEEDS_QUOTES = /[",\r\n\uFEFF]|^ | $/;
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * How formula-like cells are written: defused in everything the atlas publishes; kept byte for byte in
 * a data file the atlas writes as a transcription (the MLPerf importer's results.csv, where a system's
 * availability may be printed as "-"), which the build reads back as data and defuses when it publishes.
 */
interface CsvOptions {
  formulas?: "defuse" | "keep";
}

export function csvField(value: string, o: CsvOptions = {}): string {
  if (o.formulas !== "keep" && FORMULA_START.test(value) && !PLAIN_NUMBER.test(value))
    return `"'${value.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One line, with its "\n". */
export function csvLine(fields: readonly string[], o: CsvOptions = {}): string {
  return `${fields.map((f) => csvField(f, o)).join(",")}\n`;
}
