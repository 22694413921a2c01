/** One study folder → validated metadata plus its tables, each row with values in canonical units. */
import { describeValue, outOfBounds } from "../bounds.ts";
import {
  ProblemList,
  SourceError,
  addProblems,
  quoteFound,
  quoteName,
  type SourceProblem,
} from "../errors.ts";
import {
  FIELD_UNITS,
  RESERVED_STUDY_ID,
  studySchema,
  type Column,
  type NumericField,
  type Study,
  type Table,
} from "../schema.ts";
import { parseCsv, type CsvTable } from "./csv.ts";
import { parseNumericCell, suffixContradictsUnit, unitAccepted, unitFactor, unitsOf } from "./cells.ts";
import { closest, didYouMean } from "./suggest.ts";
import { dataEntryKind, linkProblem, listDataFolder, readDataFile, type DataRoot } from "./text.ts";
import { parseYaml, yamlPosition } from "./yaml.ts";
import { parseMlperfResults, type ParsedMlperf } from "../mlperf/ingest.ts";

export interface CellValue {
  /** Value in the field's canonical unit. */
  value: number;
  /** Decimals as published, in the published unit. */
  decimals: number;
  /** Published unit, for rounding-aware checks. */
  unitFactor: number;
  /** The cell text as published (before any correction). */
  raw: string;
  /** Where the cell is: `file:line:column` of messages about it (a derived value names the cells it came from). */
  at: { file: string; line: number; column: number };
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
  /** An imported MLPerf round (study.yaml `mlperf`): its results.csv, validated. */
  mlperf?: ParsedMlperf;
}

const STUDY_META = "study.yaml";

/** The unit values of `field` are stored in (its first-listed unit). */
const canonicalUnit = (field: NumericField) => FIELD_UNITS[field][0];

/** Reads and validates the study folder `data/studies/<folderName>`. */
export function loadStudy(root: DataRoot, folderName: string): ParsedStudy {
  const folder = `studies/${folderName}`;
  const display = `${root.display}/${folder}`;
  const metaFile = `${display}/${STUDY_META}`;
  if (dataEntryKind(root, `${folder}/${STUDY_META}`) === "missing") {
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
  const metaText = readDataFile(root, `${folder}/${STUDY_META}`);
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
  } else if (RESERVED_STUDY_ID.test(study.id)) {
    problems.add({
      ...at(["id"]),
      message: 'study id is reserved: ids starting with "atlas" are the atlas\'s own citation keys',
      expected:
        'an id that does not start with "atlas" (e.g. h100-sxm-pytorch-2025-06); rename the folder too',
      found: JSON.stringify(study.id),
    });
  }
  const declared = new Map<string, number>();
  for (const [i, t] of study.tables.entries()) {
    const first = declared.get(t.file);
    if (first !== undefined)
      problems.add({
        ...at(["tables", i, "file"]),
        message: "table listed twice",
        expected: "each CSV listed once",
        found: `${JSON.stringify(t.file)} (also at line ${at(["tables", first, "file"]).line})`,
      });
    else declared.set(t.file, i);
  }
  if (study.mlperf) {
    const first = declared.get(study.mlperf.file);
    if (first !== undefined)
      problems.add({
        ...at(["mlperf", "file"]),
        message: "the MLPerf results file is also listed as a table",
        expected: "the results.csv of an imported round in `mlperf.file` only",
        found: `${JSON.stringify(study.mlperf.file)} (also at line ${at(["tables", first, "file"]).line})`,
      });
  }
  const files = new Set([...declared.keys(), ...(study.mlperf ? [study.mlperf.file] : [])]);
  for (const p of unknownEntries(root, folder, files)) problems.add(p);
  const claimIds = new Map<string, number>();
  for (const [i, c] of (study.claims ?? []).entries()) {
    const first = claimIds.get(c.id);
    if (first !== undefined)
      problems.add({
        ...at(["claims", i, "id"]),
        message: "duplicate claim id",
        expected: "unique claim ids",
        found: `${JSON.stringify(c.id)} (also at line ${at(["claims", first, "id"]).line})`,
      });
    else claimIds.set(c.id, i);
  }
  // A listed table that is not a file is named beside the files nobody listed (a renamed CSV is both);
  // the folder is listed again only then. A link is refused where the table is read.
  let unlisted: string[] | undefined;
  for (const [i, t] of study.tables.entries()) {
    const kind = dataEntryKind(root, `${folder}/${t.file}`);
    if (kind === "file" || kind === "link") continue;
    unlisted ??= (listDataFolder(root, folder) ?? []).filter(
      (n) => !files.has(n) && dataEntryKind(root, `${folder}/${n}`) === "file",
    );
    problems.add({
      ...at(["tables", i, "file"]),
      message: "table file listed in study.yaml does not exist",
      expected: `${display}/${t.file}`,
      found: "no such file",
      hint: didYouMean(t.file, unlisted),
    });
  }
  problems.throwIfAny();

  const tables: ParsedTable[] = [];
  const all: SourceError[] = [];
  for (const [i, meta] of study.tables.entries()) {
    const file = `${display}/${meta.file}`;
    try {
      const rel = `${folder}/${meta.file}`;
      const kind = dataEntryKind(root, rel);
      if (kind === "link") throw linkProblem(file, "file");
      const csv = parseCsv(file, readDataFile(root, rel));
      tables.push({ meta, file, csv, rows: readRows(file, meta, csv, (path) => at(["tables", i, ...path])) });
    } catch (e) {
      if (e instanceof SourceError) all.push(e);
      else throw e;
    }
  }
  let mlperf: ParsedMlperf | undefined;
  if (study.mlperf) {
    const file = `${display}/${study.mlperf.file}`;
    try {
      const rel = `${folder}/${study.mlperf.file}`;
      const kind = dataEntryKind(root, rel);
      if (kind === "link") throw linkProblem(file, "file");
      if (kind !== "file")
        throw new SourceError([
          {
            ...at(["mlperf", "file"]),
            message: "MLPerf results file named in study.yaml does not exist",
            expected: file,
            found: "no such file",
            hint: "npm run import:mlperf writes it; see docs/mlperf.md",
          },
        ]);
      mlperf = parseMlperfResults(file, readDataFile(root, rel), study.mlperf);
    } catch (e) {
      if (e instanceof SourceError) all.push(e);
      else throw e;
    }
  }
  if (all.length) throw new SourceError(all.flatMap((e) => e.problems));
  const conflicts = conflictingCells(tables);
  if (conflicts.length) throw new SourceError(conflicts);
  return { study, metaFile, metaText, tables, ...(mlperf ? { mlperf } : {}) };
}

/**
 * What to do about a cell that is not a number: a cell that carries its column's unit ("2.10 ms" in an
 * ms column) needs the column's `suffix`; one in another unit ("2.1 s") is told the units disagree;
 * anything else, a `corrections` entry if the source printed it.
 */
function cellHint(text: string, col: { unit: string; suffix?: string | undefined }): string {
  const unit = /^-?\d+(?:\.\d+)?\s*([^\d\s().,;]+)$/.exec(text.trim())?.[1];
  if (unit === undefined || unit === col.suffix)
    return "if the source printed it this way, keep the cell and add a `corrections` entry to study.yaml";
  // A suffix is only text to strip: following the hint with another unit would misread every value.
  if (unit !== col.unit)
    return `the cell is in ${JSON.stringify(unit)} but the column's unit is ${JSON.stringify(col.unit)}: if the column's cells are in ${JSON.stringify(unit)}, set its unit (and suffix) to it`;
  return `the cell carries a unit: if the column's cells do, add suffix: ${JSON.stringify(unit)} to the column in study.yaml`;
}

/**
 * Everything in a study folder besides study.yaml and the tables it lists: an undeclared CSV, a
 * table saved as `Extra.CSV` or `.tsv`, a stray subfolder. None would be published, so each is reported.
 */
function unknownEntries(root: DataRoot, folder: string, declared: Set<string>): SourceProblem[] {
  const problems: SourceProblem[] = [];
  for (const name of listDataFolder(root, folder) ?? []) {
    if (name === STUDY_META || declared.has(name)) continue;
    const file = `${root.display}/${folder}/${name}`;
    const kind = dataEntryKind(root, `${folder}/${name}`);
    const whole = { file, line: 0, column: 0 };
    if (kind === "link") addProblems(problems, linkProblem(file, "file").problems);
    else if (kind === "file" && name.endsWith(".csv"))
      problems.push({
        ...whole,
        message: "CSV file is not described in study.yaml",
        expected: `an entry in tables[] with file: ${name}`,
        found: "no entry",
      });
    else
      problems.push({
        ...whole,
        message: `unexpected ${kind === "folder" ? "folder" : "file"} in a study folder`,
        expected: `${STUDY_META} and the lower-case .csv tables it lists`,
        found: quoteName(name),
        hint: /\.(csv|tsv|txt|xlsx?)$/i.test(name)
          ? "save the table as comma-separated values with a lower-case .csv name and describe it in study.yaml"
          : "other files (sources, notes) belong in the table's `notes` or in docs/, not in the study folder",
      });
  }
  return problems;
}

/**
 * The key of a published point within its series: batch, note and label (`32` and `32 (run 2)` are two
 * points); a table without a batch column has one point per row. Tables of one series are merged on it.
 */
export function pointKey(row: TableRow, index: number): string {
  const batch = row.values.batch_size?.value;
  return batch === undefined ? `row-${index}` : `${batch}\u0000${row.note ?? ""}\u0000${row.label ?? ""}`;
}

const describeKey = (row: TableRow) => {
  const batch = row.values.batch_size?.value;
  const parts = [
    batch === undefined ? null : `batch ${batch}`,
    row.note ? `(${row.note})` : null,
    row.label ? `[${row.label}]` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : "the same label and notes";
};

/**
 * Two tables of one series giving the same quantity for the same point: the dataset can hold one
 * value, so both cells are reported (never one kept and the other dropped).
 */
function conflictingCells(tables: ParsedTable[]): SourceProblem[] {
  const problems = new ProblemList();
  const seen = new Map<string, CellValue>();
  for (const table of tables) {
    table.rows.forEach((row, index) => {
      for (const [field, cell] of Object.entries(row.values) as [NumericField, CellValue][]) {
        if (field === "batch_size") continue;
        const key = `${table.meta.series}\u0000${pointKey(row, index)}\u0000${field}`;
        const other = seen.get(key);
        if (!other) {
          seen.set(key, cell);
          continue;
        }
        const both = `${other.at.file}:${other.at.line}:${other.at.column} and ${cell.at.file}:${cell.at.line}:${cell.at.column}`;
        for (const [here, there] of [
          [other, cell],
          [cell, other],
        ] as const)
          problems.add({
            ...here.at,
            message: `series ${table.meta.series} gets ${field} for ${describeKey(row)} from two tables`,
            expected: "each quantity of a point in one table only",
            found: `${quoteFound(here.raw)} here and ${quoteFound(there.raw)} at ${there.at.file}:${there.at.line}:${there.at.column}`,
            hint: `the dataset holds one value per point; remove one of ${both}`,
          });
      }
    });
  }
  return problems.empty ? [] : problems.all();
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
  // A header cell close to a missing name is that column misspelt (in the CSV or in study.yaml): one
  // problem at the cell, naming both spellings, rather than a missing and an undescribed column.
  const misspelt = new Set<string>();
  for (const c of extra) {
    const near = closest(
      c.text,
      missing.filter((n) => !misspelt.has(n)),
    );
    if (near !== null) misspelt.add(near);
    problems.add({
      file,
      line: 1,
      column: c.column,
      message: `column ${quoteFound(c.text)} is not described in study.yaml`,
      expected:
        near === null
          ? `one of ${names.map((x) => JSON.stringify(x)).join(", ")}`
          : `${JSON.stringify(near)}, as study.yaml names the column`,
      found: quoteFound(c.text),
      ...(near === null
        ? {}
        : {
            hint: "a header cell must match its column's name in study.yaml exactly: correct whichever of the two is misspelt",
          }),
    });
  }
  for (const n of missing.filter((m) => !misspelt.has(m)))
    problems.add({
      file,
      line: 1,
      column: 1,
      message: `missing column ${JSON.stringify(n)}`,
      expected: `header ${names.map((x) => JSON.stringify(x)).join(",")}`,
      found: `header ${quotedCells(header, 300)}`,
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
        expected: `a unit of ${col.field}: ${unitsOf(col.field).join(", ")}`,
        found: JSON.stringify(col.unit),
        hint: didYouMean(col.unit, unitsOf(col.field)),
      });
    } else if (suffixContradictsUnit(col.field, col.unit, col.suffix)) {
      problems.add({
        ...at(["columns", j, "suffix"]),
        message: `column ${JSON.stringify(col.name)} of ${meta.file}: the suffix names a unit other than the column's unit, so every value would be read in ${JSON.stringify(col.unit)}`,
        expected: `suffix ${JSON.stringify(col.unit)} (the column's unit), or unit: ${JSON.stringify(col.suffix!.trim())} if the cells are in ${JSON.stringify(col.suffix!.trim())}`,
        found: `unit: ${JSON.stringify(col.unit)}, suffix: ${JSON.stringify(col.suffix)}`,
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

  const corrections = new Map<string, NonNullable<Table["corrections"]>[number]>();
  for (const [k, c] of (meta.corrections ?? []).entries()) {
    const key = `${c.line}\u0000${c.column}`;
    const first = (meta.corrections ?? []).findIndex((x) => `${x.line}\u0000${x.column}` === key);
    if (first !== k)
      problems.add({
        ...at(["corrections", k]),
        message: `two corrections for ${meta.file} line ${c.line}, column ${JSON.stringify(c.column)}`,
        expected: "one correction per cell",
        found: `this one and the one at line ${at(["corrections", first]).line}`,
      });
    else corrections.set(key, c);
  }
  problems.throwIfAny();
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
          hint: fix ? undefined : cellHint(cell.text, col),
        });
        return;
      }
      if (!res.parsed) return;
      const factor = unitFactor(col.field, col.unit);
      // Rounding to 12 significant digits removes float noise from unit conversion (454689 ns → 0.454689 ms).
      const value = Number((res.parsed.value * factor).toPrecision(12));
      // Finite as written is not enough: 1e306 s is Infinity in ms, 5e-320 ns is 0 in ms.
      const range = outOfBounds(col.field, value);
      if (range) {
        problems.add({
          file,
          line: row.line,
          column: cell.column,
          message: `column ${JSON.stringify(col.name)} (${col.field}): value outside the physical range${factor === 1 ? "" : ` after converting ${col.unit} to ${canonicalUnit(col.field)}`}`,
          expected: range,
          found: `${quoteFound(cell.text)} = ${describeValue(value)} ${canonicalUnit(col.field)}`,
        });
        return;
      }
      out.values[col.field] = {
        value,
        decimals: res.parsed.decimals,
        unitFactor: factor,
        raw: cell.text,
        at: { file, line: row.line, column: cell.column },
      };
      if (res.parsed.note) notes.push(res.parsed.note);
    });
    out.note = notes.length ? notes.join("; ") : null;
    rows.push(out);
  }
  // A point appears once per table: a repeated batch is an error at both lines, never merged into one.
  const firstLine = new Map<string, number>();
  rows.forEach((row, index) => {
    const key =
      row.values.batch_size === undefined
        ? `${row.label ?? ""}\u0000${row.note ?? ""}`
        : pointKey(row, index);
    if (row.values.batch_size === undefined && !row.label && !row.note) return;
    const first = firstLine.get(key);
    if (first === undefined) {
      firstLine.set(key, row.line);
      return;
    }
    for (const [here, there] of [
      [first, row.line],
      [row.line, first],
    ] as const)
      problems.add({
        file,
        line: here,
        column: 1,
        message: `rows ${first} and ${row.line} are the same point (${describeKey(row)})`,
        expected: "each batch (with its note and label) once per table",
        found: `the same key on line ${there}`,
        hint: 'a repeated measurement needs a note that tells the runs apart, e.g. "32 (run 2)" with allow_note: true',
      });
  });
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

/** Cells as a header shows them, each quoted and escaped like any value found, cut after about `max` characters. */
function quotedCells(cells: readonly string[], max: number): string {
  let out = "";
  for (const [i, cell] of cells.entries()) {
    const next = `${i ? "," : ""}${quoteFound(cell)}`;
    if (out.length + next.length > max) return `${out},… (${cells.length} cells)`;
    out += next;
  }
  return out;
}
