/**
 * Strict CSV reading: papaparse does the tokenising; every structural rule of docs/data-format.md is
 * checked here so that each problem carries the line and column where it is.
 */
import Papa from "papaparse";
import { ProblemList, quoteFound } from "../errors.ts";
import { positionOf } from "./text.ts";

export interface CsvCell {
  text: string;
  /** 1-based column of the cell's first character on its line. */
  column: number;
}

export interface CsvRow {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  cells: CsvCell[];
}

export interface CsvTable {
  header: CsvCell[];
  rows: CsvRow[];
}

const MAX_CSV_ROWS = 100_000;
const MAX_CELL_CHARS = 1000;
/** As many columns as study.yaml may describe for one table. */
const MAX_CSV_COLUMNS = 64;

/** Parses CSV text into header and rows, or throws a SourceError listing every structural problem. */
export function parseCsv(file: string, text: string): CsvTable {
  const problems = new ProblemList();
  const fail = (
    line: number,
    column: number,
    message: string,
    expected: string,
    found: string,
    hint?: string,
  ) => problems.add({ file, line, column, message, expected, found, ...(hint ? { hint } : {}) });

  if (text.charCodeAt(0) === 0xfeff) {
    fail(
      1,
      1,
      "file starts with a byte-order mark",
      "UTF-8 without a byte-order mark",
      "U+FEFF before the header",
      "save the file as plain UTF-8 (no BOM)",
    );
    problems.throwIfAny();
  }
  if (text.trim() === "") {
    fail(1, 1, "file is empty", "a header line followed by at least one row", "an empty file");
    problems.throwIfAny();
  }
  const loneCr = /\r(?!\n)/.exec(text);
  if (loneCr) {
    const at = positionOf(text, loneCr.index);
    fail(
      at.line,
      at.column,
      "line break is a carriage return alone",
      "lines ending in \\n (or \\r\\n)",
      "\\r not followed by \\n",
      "save the file with Unix (LF) or Windows (CRLF) line endings",
    );
    problems.throwIfAny();
  }
  // CRLF → LF changes no line or column numbers (the \r is always the last character of a line).
  const unix = text.replace(/\r\n/g, "\n");
  const lines = unix.split("\n");
  const lineCount = lines.length - (unix.endsWith("\n") ? 1 : 0);
  // Counted before parsing, so a huge file is refused without tokenising all of it.
  if (lineCount - 1 > MAX_CSV_ROWS) {
    fail(
      MAX_CSV_ROWS + 2,
      1,
      "too many rows",
      `at most ${MAX_CSV_ROWS} rows`,
      `${lineCount - 1} lines after the header`,
    );
    problems.throwIfAny();
  }
  const parsed = Papa.parse<string[]>(unix, {
    delimiter: ",",
    newline: "\n",
    header: false,
    skipEmptyLines: false,
    quoteChar: '"',
  });
  for (const err of parsed.errors) {
    // Papa's index is just past the opening quote of the bad cell.
    const index = err.index ?? 0;
    const at = positionOf(unix, unix[index - 1] === '"' ? index - 1 : index);
    fail(
      at.line,
      at.column,
      `CSV syntax error (${err.code})`,
      "well-formed CSV (every opened quote closed)",
      err.message,
    );
  }
  problems.throwIfAny();

  let records = parsed.data;
  // A final newline leaves one empty record behind; that is not an empty row.
  if (unix.endsWith("\n") && records.length > 0 && isBlankRecord(records[records.length - 1]!))
    records = records.slice(0, -1);
  // Nor are blank lines or rows of empty cells (",,,") after the last row, as editors and spreadsheets
  // export them (the file is read as it is, never rewritten); a blank line between rows is refused below.
  let end = records.length;
  while (end > 1 && records[end - 1]!.every((cell) => cell.trim() === "")) end--;
  const rowLines = lineCount - (records.length - end);
  records = records.slice(0, end);
  if (records.length !== rowLines) {
    // Records and lines only disagree when a quoted cell spans lines: find the record's first line.
    let line = 1;
    for (const record of records) {
      const breaks = record.reduce((n, c) => n + c.split("\n").length - 1, 0);
      if (breaks > 0) {
        const cell = positionCells(record, lines[line - 1]!)[record.findIndex((c) => c.includes("\n"))]!;
        fail(
          line,
          cell.column,
          "a cell spans more than one line",
          "one row per line",
          "a quoted cell containing a line break",
        );
        break;
      }
      line++;
    }
    if (problems.empty)
      fail(
        1,
        1,
        "rows and lines do not match",
        "one row per line",
        `${records.length} rows on ${rowLines} lines`,
      );
    problems.throwIfAny();
  }

  const withPositions = records.map((record, i) => ({
    line: i + 1,
    cells: positionCells(record, lines[i]!),
  }));
  const header = withPositions[0]!.cells;
  if (header.length > MAX_CSV_COLUMNS) {
    fail(
      1,
      header[MAX_CSV_COLUMNS]!.column,
      "too many columns",
      `at most ${MAX_CSV_COLUMNS} columns`,
      `${header.length} columns`,
    );
    problems.throwIfAny();
  }
  if (header.length === 1) {
    const only = header[0]!.text;
    const other = [";", "\t", "|"].find((d) => only.includes(d));
    if (other !== undefined) {
      fail(
        1,
        1,
        "wrong delimiter",
        "comma-separated values",
        `a header separated by ${JSON.stringify(other)}: ${quoteFound(only)}`,
        "use commas between cells",
      );
      problems.throwIfAny();
    }
  }
  if (withPositions.length < 2) {
    fail(
      1,
      1,
      "table has a header but no rows",
      "at least one data row after the header",
      "only the header line",
    );
  }
  header.forEach((cell, i) => {
    if (cell.text.trim() === "") fail(1, cell.column, `header cell ${i + 1} is empty`, "a column name", '""');
  });
  const rows: CsvRow[] = [];
  for (const row of withPositions.slice(1)) {
    if (isBlankRecord(row.cells.map((c) => c.text))) {
      fail(row.line, 1, "empty line inside the table", `a row with ${header.length} cells`, "an empty line");
      continue;
    }
    if (row.cells.length !== header.length) {
      const last = row.cells[row.cells.length - 1]!;
      const more = row.cells.length > header.length;
      const commas = more ? decimalCommaSplits(row.cells) : [];
      fail(
        row.line,
        more ? row.cells[header.length]!.column : last.column + last.text.length,
        more ? "row has more cells than the header" : "row has fewer cells than the header",
        `${header.length} cells (as in the header)`,
        `${row.cells.length} cells`,
        commas.length === 0
          ? undefined
          : `if ${commas.map((c) => `${quoteFound(c.text)} (cells ${c.cell} and ${c.cell + 1})`).join(" or ")} is one number written with a comma (a decimal comma as in 17,89, or a thousands separator as in 1,173), quote it as published and give its reading under the table's corrections in study.yaml (docs/data-format.md), or write it as a plain number`,
      );
      continue;
    }
    const long = row.cells.find((c) => c.text.length > MAX_CELL_CHARS);
    if (long) {
      fail(
        row.line,
        long.column,
        "cell is too long",
        `at most ${MAX_CELL_CHARS} characters`,
        `${long.text.length} characters`,
      );
      continue;
    }
    rows.push(row);
  }
  problems.throwIfAny();
  return { header, rows };
}

function isBlankRecord(record: string[]): boolean {
  return record.length === 1 && record[0]!.trim() === "";
}

/** Finds where each cell starts on its line by walking the raw text with the same quoting rules. */
function positionCells(record: string[], rawLine: string): CsvCell[] {
  const out: CsvCell[] = [];
  let pos = 0;
  for (const cellText of record) {
    const start = pos;
    if (rawLine[pos] === '"') {
      pos++;
      while (pos < rawLine.length) {
        if (rawLine[pos] === '"' && rawLine[pos + 1] === '"') pos += 2;
        else if (rawLine[pos] === '"') {
          pos++;
          break;
        } else pos++;
      }
      while (pos < rawLine.length && rawLine[pos] !== ",") pos++;
    } else {
      while (pos < rawLine.length && rawLine[pos] !== ",") pos++;
    }
    out.push({ text: cellText, column: start + 1 });
    pos++; // skip the comma
  }
  return out;
}

/**
 * Neighbouring cells that may be one number split at a comma ("17,89 ms" read as "17" and "89 ms";
 * "1,173" as "1" and "173"): an integer, then digits with no point of their own, perhaps followed by a
 * unit; `cell` is the first one's position in the row (from 1). Only a hint, so every such pair is
 * named (at most three): two integer columns side by side look the same.
 */
function decimalCommaSplits(cells: readonly CsvCell[]): { text: string; cell: number }[] {
  const out: { text: string; cell: number }[] = [];
  for (let i = 0; i + 1 < cells.length && out.length < 3; i++) {
    const left = cells[i]!.text;
    const right = cells[i + 1]!.text;
    if (/^\s*-?\d+$/.test(left) && /^\d+(\s*[^\d\s.,][^.]*)?$/.test(right))
      out.push({ text: `${left},${right}`, cell: i + 1 });
  }
  return out;
}
