/**
 * Build side: an MLPerf study's results.csv → validated records. The CSV is the importer's output, but
 * it is a data file like any other: every cell is checked, and a bad one stops the build with its
 * line and column.
 */
import { describeValue, outOfBounds, QUANTITY_BOUNDS, withinBound } from "../bounds.ts";
import { ProblemList, quoteFound } from "../errors.ts";
import { parseCsv, type CsvTable } from "../ingest/csv.ts";
import type { MlperfMeta } from "../schema.ts";
import { RESULT_COLUMNS, type ResultColumn } from "./columns.ts";
import { SCENARIOS, type Scenario } from "./rounds.ts";

/** One row of results.csv, typed. */
export interface MlperfRecord {
  line: number;
  division: string;
  submitter: string;
  system: string;
  systemName: string;
  category: string;
  availability: string;
  acceleratorModel: string;
  acceleratorMemory: string;
  acceleratorsPerNode: string;
  nodes: string;
  hostProcessor: string;
  hostProcessorsPerNode: string;
  framework: string;
  scenario: Scenario;
  metric: string;
  /** Value as printed. */
  valueText: string;
  value: number;
  unit: "samples/s" | "samples/query" | "ns";
  reported: boolean;
  validity: "VALID" | "INVALID";
  powerW: number | null;
  powerSamples: number | null;
  resultSource: string;
  resultLine: number;
  systemSource: string;
  powerSource: string;
  /** Columns of the Value and Average power cells, to locate a derived value out of range. */
  valueColumn: number;
  powerColumn: number;
  /** The count read otherwise than published, from data/mlperf/corrections.yaml (at most one per record). */
  corrected?: MlperfCorrectionApplied;
}

export interface MlperfCorrectionApplied {
  field: "host_processors_per_node" | "accelerators_per_node";
  published: string;
  readAs: string;
  reason: string;
  source: string;
}

export interface ParsedMlperf {
  meta: MlperfMeta;
  /** Repository-relative path of results.csv. */
  file: string;
  csv: CsvTable;
  records: MlperfRecord[];
}

const NUMBER = /^\d+(\.\d+)?([eE][+-]?\d+)?$/;
const UNITS = new Set(["samples/s", "samples/query", "ns"]);

export function parseMlperfResults(file: string, text: string, meta: MlperfMeta): ParsedMlperf {
  const csv = parseCsv(file, text);
  const problems = new ProblemList();
  const header = csv.header.map((c) => c.text);
  if (header.join("\u0000") !== RESULT_COLUMNS.join("\u0000")) {
    const i = RESULT_COLUMNS.findIndex((c, k) => header[k] !== c);
    problems.add({
      file,
      line: 1,
      column: csv.header[i]?.column ?? 1,
      message: "header is not the MLPerf results header",
      expected: RESULT_COLUMNS[i] ? JSON.stringify(RESULT_COLUMNS[i]) : "no more columns",
      found: quoteFound(header[i] ?? "nothing"),
      hint: "results.csv is written by npm run import:mlperf; re-run it rather than editing the file",
    });
    problems.throwIfAny();
  }
  const prefix = `${meta.repository}@${meta.commit}:`;
  const records: MlperfRecord[] = [];
  // A result is one (division, submitter, system, scenario, metric), and one metric per scenario is the
  // reported one: a repeated key would give the dataset two values for one point.
  const seen = new Map<string, number>();
  for (const row of csv.rows) {
    const cell = (name: ResultColumn) => row.cells[RESULT_COLUMNS.indexOf(name)]!;
    const bad = (name: ResultColumn, expected: string) =>
      problems.add({
        file,
        line: row.line,
        column: cell(name).column,
        message: `column ${JSON.stringify(name)}: not a valid value`,
        expected,
        found: quoteFound(cell(name).text),
      });
    const text = (name: ResultColumn) => cell(name).text;
    const scenario = text("Scenario") as Scenario;
    if (!SCENARIOS.includes(scenario)) bad("Scenario", SCENARIOS.join(", "));
    if (!NUMBER.test(text("Value"))) bad("Value", "a number as LoadGen prints it");
    else if (UNITS.has(text("Unit"))) {
      const range = valueRange(text("Unit") as MlperfRecord["unit"], Number(text("Value")));
      if (range) bad("Value", range);
    }
    if (!UNITS.has(text("Unit"))) bad("Unit", [...UNITS].join(", "));
    if (text("Reported result") !== "yes" && text("Reported result") !== "no")
      bad("Reported result", "yes or no");
    if (text("Validity") !== "VALID" && text("Validity") !== "INVALID") bad("Validity", "VALID or INVALID");
    const power = text("Average power (W)");
    if (power !== "" && (!NUMBER.test(power) || outOfBounds("power_w", Number(power))))
      bad("Average power (W)", `empty, or ${QUANTITY_BOUNDS.power_w.text}`);
    const samples = text("Power samples");
    if (samples !== "" && !/^\d+$/.test(samples)) bad("Power samples", "empty, or a whole number");
    if (power !== "" && samples === "")
      bad("Power samples", "the number of samples behind the average power");
    for (const name of ["Result file", "System file"] as const)
      if (!text(name).startsWith(prefix)) bad(name, `a path in ${prefix}`);
    if (text("Power file") !== "" && !text("Power file").startsWith(prefix))
      bad("Power file", `empty, or a path in ${prefix}`);
    if ((text("Power file") === "") !== (samples === ""))
      bad("Power file", "a power file exactly where there are power samples");
    if (!/^[1-9]\d*$/.test(text("Result line"))) bad("Result line", "a line number");
    const reported = text("Reported result") === "yes";
    for (const [key, what] of [
      [[text("Metric")], "metric"],
      ...(reported ? [[["reported"], "reported result"]] : []),
    ] as const) {
      const k = [text("Division"), text("Submitter"), text("System"), scenario, ...key].join("\u0000");
      const first = seen.get(k);
      if (first === undefined) seen.set(k, row.line);
      else
        problems.add({
          file,
          line: row.line,
          column: cell(what === "metric" ? "Metric" : "Reported result").column,
          message: `a second ${what} for one system and scenario`,
          expected: `one ${what} per division, submitter, system and scenario`,
          found: `${quoteFound(`${text("System")} ${scenario}`)} again (first at line ${first})`,
          hint: "results.csv is written by npm run import:mlperf; re-run it rather than editing the file",
        });
    }
    records.push({
      line: row.line,
      division: text("Division"),
      submitter: text("Submitter"),
      system: text("System"),
      systemName: text("System name"),
      category: text("Category"),
      availability: text("Availability"),
      acceleratorModel: text("Accelerator model"),
      acceleratorMemory: text("Accelerator memory"),
      acceleratorsPerNode: text("Accelerators per node"),
      nodes: text("Nodes"),
      hostProcessor: text("Host processor"),
      hostProcessorsPerNode: text("Host processors per node"),
      framework: text("Framework"),
      scenario,
      metric: text("Metric"),
      valueText: text("Value"),
      value: Number(text("Value")),
      unit: text("Unit") as MlperfRecord["unit"],
      reported,
      validity: text("Validity") as MlperfRecord["validity"],
      powerW: power === "" ? null : Number(power),
      powerSamples: samples === "" ? null : Number(samples),
      resultSource: text("Result file"),
      resultLine: Number(text("Result line")),
      systemSource: text("System file"),
      powerSource: text("Power file"),
      valueColumn: cell("Value").column,
      powerColumn: cell("Average power (W)").column,
    });
  }
  if (problems.empty && records.length !== meta.rows)
    problems.add({
      file,
      line: 0,
      column: 0,
      message: "row count differs from study.yaml",
      expected: `${meta.rows} rows (mlperf.rows)`,
      found: `${records.length} rows`,
    });
  problems.throwIfAny();
  return { meta, file, csv, records };
}

/**
 * The physical range a value in `unit` breaks, in words, or null: samples/s as a throughput, ns as a
 * latency (checked in ms, the unit of the bounds), samples per query as a count of images at once.
 */
function valueRange(unit: MlperfRecord["unit"], value: number): string | null {
  if (unit === "samples/s") return outOfBounds("throughput_img_s", value);
  if (unit === "ns") {
    const range = outOfBounds("latency_ms", value / 1e6);
    return range
      ? `${range} (in ns: ${describeValue(QUANTITY_BOUNDS.latency_ms.min * 1e6)} to ${describeValue(QUANTITY_BOUNDS.latency_ms.max * 1e6)})`
      : null;
  }
  return withinBound(value, QUANTITY_BOUNDS.batch_size) ? null : QUANTITY_BOUNDS.batch_size.text;
}
