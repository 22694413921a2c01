/** One study folder → validated metadata plus its tables, each row with values in canonical units. */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ProblemList, SourceError, quoteFound } from "../errors.ts";
import { studySchema, type Column, type NumericField, type Study, type Table } from "../schema.ts";
import { parseCsv, type CsvTable } from "./csv.ts";
import { parseNumericCell, unitAccepted, unitFactor } from "./cells.ts";
import { readUtf8 } from "./text.ts";
import { parseYaml, yamlPosition } from "./yaml.ts";

export interface CellValue {
  /** Value in the field's canonical unit. */
  value: number;
  /** Decimals as published, in the published unit. */
  decimals: number;
  /** Published unit, for rounding-aware checks. */
  unitFactor: number;
  /** The cell text as published (before any correction). */
  raw: string;
}

export interface TableRow {
  line: number;
  values: Partial<Record<NumericField, CellValue>>;
  label: string | null;
  /** "(run 2)"-style annotations and other text columns, joined. */
  note: string | null;
  /** Corrections applied to this row, for the audit. */
  corrected: { column: string; published: string; read_as: string; reason: string }[];
}

export interface ParsedTable {
  meta: Table;
  /** Repository-relative path, e.g. data/studies/x/t.csv. */
  file: string;
  csv: CsvTable;
  rows: TableRow[];
}

export interface ParsedStudy {
  study: Study;
  /** Repository-relative path of the metadata file. */
  metaFile: string;
  /** The metadata text, kept to locate cross-file problems (unknown ids) by line. */
  metaText: string;
  tables: ParsedTable[];
}

export const STUDY_META = "study.yaml";

/** Reads and validates one study folder. `display` is the folder as shown in messages. */
export function loadStudy(dir: string, display: string, folderName: string): ParsedStudy {
  const metaFile = `${display}/${STUDY_META}`;
  if (!existsSync(join(dir, STUDY_META))) {
    throw new SourceError([
      {
        file: metaFile,
        line: 0,
        column: 0,
        message: "study folder has no metadata file",
        expected: `${STUDY_META} in ${display}/`,
        found: "no such file",
        hint: "see docs/data-format.md",
      },
    ]);
  }
  const metaText = readUtf8(join(dir, STUDY_META), metaFile);
  const study = parseYaml(metaFile, metaText, studySchema);
  // Where a value sits in study.yaml, for problems found after schema validation.
  const at = (path: (string | number)[]) => ({ file: metaFile, ...yamlPosition(metaText, path) });
  const problems = new ProblemList();
  if (study.id !== folderName) {
    problems.add({
      ...at(["id"]),
      message: "study id does not match its folder name",
      expected: JSON.stringify(folderName),
      found: JSON.stringify(study.id),
    });
  }
  const declared = new Set<string>();
  for (const [i, t] of study.tables.entries()) {
    if (declared.has(t.file))
      problems.add({
        ...at(["tables", i, "file"]),
        message: "table listed twice",
        expected: "each CSV listed once",
        found: JSON.stringify(t.file),
      });
    declared.add(t.file);
  }
  const csvFiles = readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .sort();
  for (const f of csvFiles) {
    if (!declared.has(f))
      problems.add({
        file: `${display}/${f}`,
        line: 0,
        column: 0,
        message: "CSV file is not described in study.yaml",
        expected: `an entry in tables[] with file: ${f}`,
        found: "no entry",
      });
  }
  const claimIds = new Set<string>();
  for (const [i, c] of (study.claims ?? []).entries()) {
    if (claimIds.has(c.id))
      problems.add({
        ...at(["claims", i, "id"]),
        message: "duplicate claim id",
        expected: "unique claim ids",
        found: JSON.stringify(c.id),
      });
    claimIds.add(c.id);
  }
  problems.throwIfAny();

  const tables: ParsedTable[] = [];
  const all: SourceError[] = [];
  for (const [i, meta] of study.tables.entries()) {
    const file = `${display}/${meta.file}`;
    try {
      const path = join(dir, meta.file);
      if (!existsSync(path) || !statSync(path).isFile()) {
        throw new SourceError([
          {
            ...at(["tables", i, "file"]),
            message: "table file listed in study.yaml does not exist",
            expected: `${file}`,
            found: "no such file",
          },
        ]);
      }
      const csv = parseCsv(file, readUtf8(path, file));
      tables.push({ meta, file, csv, rows: readRows(file, meta, csv, (path) => at(["tables", i, ...path])) });
    } catch (e) {
      if (e instanceof SourceError) all.push(e);
      else throw e;
    }
  }
  if (all.length) throw new SourceError(all.flatMap((e) => e.problems));
  return { study, metaFile, metaText, tables };
}

/** Maps CSV columns to canonical fields and reads every cell; `at` locates a path under the table's entry in study.yaml. */
function readRows(
  file: string,
  meta: Table,
  csv: CsvTable,
  at: (path: (string | number)[]) => { file: string; line: number; column: number },
): TableRow[] {
  const problems = new ProblemList();
  const names = meta.columns.map((c) => c.name);
  const header = csv.header.map((c) => c.text);
  // Header must list exactly the declared columns, in order.
  const missing = names.filter((n) => !header.includes(n));
  const extra = csv.header.filter((c) => !names.includes(c.text));
  for (const n of missing)
    problems.add({
      file,
      line: 1,
      column: 1,
      message: `missing column ${JSON.stringify(n)}`,
      expected: `header ${names.map((x) => JSON.stringify(x)).join(",")}`,
      found: `header ${quoteFound(header.map((x) => JSON.stringify(x)).join(","), 300)}`,
    });
  for (const c of extra)
    problems.add({
      file,
      line: 1,
      column: c.column,
      message: `column ${quoteFound(c.text)} is not described in study.yaml`,
      expected: `one of ${names.map((x) => JSON.stringify(x)).join(", ")}`,
      found: quoteFound(c.text),
    });
  if (!missing.length && !extra.length && names.join("\u0000") !== header.join("\u0000")) {
    problems.add({
      file,
      line: 1,
      column: 1,
      message: "columns are not in the order study.yaml lists them",
      expected: quoteFound(names.join(","), 300),
      found: quoteFound(header.join(","), 300),
    });
  }
  const dupColumn = csv.header.find((c, i) => header.indexOf(c.text) !== i);
  if (dupColumn)
    problems.add({
      file,
      line: 1,
      column: dupColumn.column,
      message: "duplicate column name in header",
      expected: "unique column names",
      found: quoteFound(dupColumn.text),
    });
  for (const [j, col] of meta.columns.entries()) {
    if (!unitAccepted(col.field, col.unit)) {
      problems.add({
        ...at(["columns", j, "unit"]),
        message: `unknown unit ${JSON.stringify(col.unit)} for column ${JSON.stringify(col.name)} (${col.field}) of ${meta.file}`,
        expected: `one of the units docs/data-format.md lists for ${col.field}`,
        found: JSON.stringify(col.unit),
      });
    }
  }
  const fields = meta.columns.map((c) => c.field);
  const dupField = fields.findIndex((f, i) => f !== "text" && fields.indexOf(f) !== i);
  if (dupField >= 0)
    problems.add({
      ...at(["columns", dupField, "field"]),
      message: `two columns of ${meta.file} map to ${fields[dupField]}`,
      expected: "each canonical field at most once per table",
      found: fields[dupField]!,
    });
  problems.throwIfAny();

  const corrections = new Map((meta.corrections ?? []).map((c) => [`${c.line}\u0000${c.column}`, c]));
  const used = new Set<string>();
  const rows: TableRow[] = [];
  for (const row of csv.rows) {
    const out: TableRow = { line: row.line, values: {}, label: null, note: null, corrected: [] };
    const notes: string[] = [];
    meta.columns.forEach((col: Column, i) => {
      const cell = row.cells[i]!;
      const key = `${row.line}\u0000${col.name}`;
      const fix = corrections.get(key);
      let text = cell.text;
      if (fix) {
        used.add(key);
        if (fix.published !== cell.text) {
          problems.add({
            file,
            line: row.line,
            column: cell.column,
            message: "correction in study.yaml does not match the published cell",
            expected: quoteFound(fix.published),
            found: quoteFound(cell.text),
          });
          return;
        }
        text = fix.read_as;
        out.corrected.push({
          column: col.name,
          published: fix.published,
          read_as: fix.read_as,
          reason: fix.reason,
        });
      }
      if (col.field === "label") {
        out.label = text.trim() || null;
        return;
      }
      if (col.field === "text") {
        if (text.trim() && col.row_note !== false) notes.push(`${col.name}: ${text.trim()}`);
        return;
      }
      const res = parseNumericCell(text, col.field, { suffix: col.suffix, allowNote: col.allow_note });
      if (!res.ok) {
        problems.add({
          file,
          line: row.line,
          column: cell.column,
          message: `column ${JSON.stringify(col.name)} (${col.field}, ${col.unit}): not a valid value`,
          expected: res.expected,
          found: quoteFound(cell.text),
          hint: fix
            ? undefined
            : "if the source printed it this way, keep the cell and add a `corrections` entry to study.yaml",
        });
        return;
      }
      if (!res.parsed) return;
      const factor = unitFactor(col.field, col.unit);
      // Rounding to 12 significant digits removes float noise from unit conversion (454689 ns → 0.454689 ms).
      out.values[col.field] = {
        value: Number((res.parsed.value * factor).toPrecision(12)),
        decimals: res.parsed.decimals,
        unitFactor: factor,
        raw: cell.text,
      };
      if (res.parsed.note) notes.push(res.parsed.note);
    });
    out.note = notes.length ? notes.join("; ") : null;
    rows.push(out);
  }
  for (const [k, c] of (meta.corrections ?? []).entries()) {
    if (!used.has(`${c.line}\u0000${c.column}`)) {
      problems.add({
        ...at(["corrections", k]),
        message: `correction for ${meta.file} line ${c.line}, column ${JSON.stringify(c.column)} matches no cell`,
        expected: "a line and column that exist in the CSV",
        found: `line ${c.line}, column ${JSON.stringify(c.column)}`,
      });
    }
  }
  problems.throwIfAny();
  return rows;
}
