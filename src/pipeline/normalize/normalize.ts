/**
 * Parsed study tables → canonical rows. Tables sharing a series are merged point by point; missing
 * quantities are derived from the ones published, and every derived field names its formula.
 */
import { describeValue, outOfBounds, type BoundedQuantity } from "../bounds.ts";
import { ProblemList, SourceError, addProblems, type SourceProblem } from "../errors.ts";
import type { CanonicalRow, NumericField, Study } from "../schema.ts";
import {
  pointKey,
  type CellValue,
  type ParsedStudy,
  type ParsedTable,
  type TableRow,
} from "../ingest/study.ts";

/** A merged measured point before derivation: the published cells of every table that share it. */
export interface MergedPoint {
  study: Study;
  tables: ParsedTable[];
  rows: { table: ParsedTable; row: TableRow }[];
  values: Partial<Record<NumericField, CellValue>>;
  label: string | null;
  note: string | null;
}

/** Rounds derived numbers so output bytes do not depend on floating-point noise. */
export function round6(x: number): number {
  return Number(x.toPrecision(6));
}

/** Groups the rows of all tables with the same series by (batch, label, note). */
export function mergeSeries(parsed: ParsedStudy): Map<string, MergedPoint[]> {
  const bySeries = new Map<string, Map<string, MergedPoint>>();
  for (const table of parsed.tables) {
    const points = bySeries.get(table.meta.series) ?? new Map<string, MergedPoint>();
    bySeries.set(table.meta.series, points);
    table.rows.forEach((row, index) => {
      // Tables without a batch column (MLPerf Offline) have one point per row. Ingest has refused a
      // point repeated in one table and a quantity two tables both give, so nothing is dropped here.
      const key = pointKey(row, index);
      let point = points.get(key);
      if (!point) {
        point = { study: parsed.study, tables: [], rows: [], values: {}, label: row.label, note: row.note };
        points.set(key, point);
      }
      if (!point.tables.includes(table)) point.tables.push(table);
      point.rows.push({ table, row });
      for (const [field, v] of Object.entries(row.values) as [NumericField, CellValue][]) {
        if (!point.values[field]) point.values[field] = v;
      }
    });
  }
  return new Map([...bySeries].map(([series, points]) => [series, [...points.values()]]));
}

/** The formulas normalization may apply, by the field they produce; shown on the methodology page. */
export const FORMULAS = {
  throughputFromLatency: "batch_size × 1000 / latency_ms",
  throughputFromRunTime: "images_per_run / run_time_s",
  latencyFromThroughput: "batch_size × 1000 / throughput_img_s (assumes full batches, one after another)",
  powerFromEfficiency: "throughput_img_s / img_s_per_w",
  efficiencyFromPower: "throughput_img_s / power_w",
  costFromPrice: "price_usd_per_hour / 3600 / throughput_img_s × 1000",
  fractionOfPeak: "throughput_img_s / max(throughput_img_s in the series)",
} as const;

interface Derivation {
  field: NumericField | "fraction_of_peak";
  formula: string;
  /** The published cells the value was computed from, for locating a value out of range. */
  from?: CellValue[];
  /** Table settings it used (`price_usd_per_hour 1.5 (study.yaml)`), in words. */
  settings?: string[];
}

/** Values after derivation, with the list of formulas used. */
interface PointValues {
  values: Partial<Record<NumericField, number>>;
  derived: Derivation[];
}

/**
 * Derives missing quantities from published ones. Order matters: throughput first (many tables give
 * only latency or run time), then latency, power and efficiency, then cost.
 */
function derivePoint(point: MergedPoint): PointValues {
  const table = point.tables[0]!.meta;
  const v: Partial<Record<NumericField, number>> = {};
  for (const [f, cell] of Object.entries(point.values) as [NumericField, CellValue][]) v[f] = cell.value;
  const derived: Derivation[] = [];
  // Cells behind each value: published ones are their own; derived ones inherit their inputs'.
  const cells = new Map<NumericField, CellValue[]>(
    (Object.entries(point.values) as [NumericField, CellValue][]).map(([f, c]) => [f, [c]]),
  );
  const set = (
    field: NumericField,
    value: number,
    formula: string,
    inputs: NumericField[],
    settings: string[] = [],
  ) => {
    v[field] = round6(value);
    const from = [...new Set(inputs.flatMap((f) => cells.get(f) ?? []))];
    cells.set(field, from);
    derived.push({ field, formula, from, settings });
  };
  const images = table.images_per_run;
  const price = v.price_usd_per_hour ?? table.price_usd_per_hour;
  const priceSetting = point.values.price_usd_per_hour ? [] : [`price_usd_per_hour ${price} (study.yaml)`];

  if (v.throughput_img_s === undefined && v.batch_size !== undefined && v.latency_ms !== undefined) {
    set("throughput_img_s", (v.batch_size * 1000) / v.latency_ms, FORMULAS.throughputFromLatency, [
      "batch_size",
      "latency_ms",
    ]);
  }
  if (v.throughput_img_s === undefined && v.run_time_s !== undefined && images !== undefined) {
    set(
      "throughput_img_s",
      images / v.run_time_s,
      FORMULAS.throughputFromRunTime.replace("images_per_run", `images_per_run (${images})`),
      ["run_time_s"],
      [`images_per_run ${images} (study.yaml)`],
    );
  }
  if (v.latency_ms === undefined && v.batch_size !== undefined && v.throughput_img_s !== undefined) {
    set("latency_ms", (v.batch_size * 1000) / v.throughput_img_s, FORMULAS.latencyFromThroughput, [
      "batch_size",
      "throughput_img_s",
    ]);
  }
  if (v.power_w === undefined && v.throughput_img_s !== undefined && v.img_s_per_w !== undefined) {
    set("power_w", v.throughput_img_s / v.img_s_per_w, FORMULAS.powerFromEfficiency, [
      "throughput_img_s",
      "img_s_per_w",
    ]);
  }
  if (v.img_s_per_w === undefined && v.throughput_img_s !== undefined && v.power_w !== undefined) {
    set("img_s_per_w", v.throughput_img_s / v.power_w, FORMULAS.efficiencyFromPower, [
      "throughput_img_s",
      "power_w",
    ]);
  }
  // A printed cost per 1,000 images keeps the study's definition (normalizeStudy publishes it apart); this
  // field is always the atlas's own: price ÷ throughput.
  delete v.cost_usd_per_1000_img;
  if (price !== undefined && v.throughput_img_s !== undefined) {
    set(
      "cost_usd_per_1000_img",
      (price / 3600 / v.throughput_img_s) * 1000,
      FORMULAS.costFromPrice.replace("price_usd_per_hour", `price_usd_per_hour (${price})`),
      ["throughput_img_s", "price_usd_per_hour"],
      priceSetting,
    );
  }
  return { values: v, derived };
}

/**
 * A derived value outside its physical range (a cost from a huge price and a tiny throughput), located
 * at the published cells it came from; null when every value is within range.
 */
function derivedProblem(d: Derivation, value: number, fallback: SourceProblem["file"]): SourceProblem | null {
  const range = outOfBounds(d.field as BoundedQuantity, value);
  if (!range) return null;
  const from = d.from ?? [];
  const inputs = [
    ...from.map((c) => `${JSON.stringify(c.raw)} at ${c.at.file}:${c.at.line}:${c.at.column}`),
    ...(d.settings ?? []),
  ];
  const first = from[0]?.at ?? { file: fallback, line: 0, column: 0 };
  return {
    ...first,
    message: `derived ${d.field} is outside the physical range`,
    expected: range,
    found: `${describeValue(value)} from ${d.field}=${d.formula.split(" (assumes")[0]}`,
    hint: `computed from ${inputs.join(", ")}; check these cells and their units`,
  };
}

/** All canonical measured rows of one study, with each series' fraction of its own peak. */
export function normalizeStudy(parsed: ParsedStudy): CanonicalRow[] {
  const out: CanonicalRow[] = [];
  const problems = new ProblemList();
  for (const [series, points] of mergeSeries(parsed)) {
    const computed = points.map((p) => ({ p, d: derivePoint(p) }));
    for (const { d } of computed)
      for (const x of d.derived) {
        const problem = derivedProblem(x, d.values[x.field as NumericField]!, parsed.metaFile);
        if (problem) problems.add(problem);
      }
    if (!problems.empty) continue;
    const peak = Math.max(...computed.map(({ d }) => d.values.throughput_img_s ?? -Infinity));
    for (const { p, d } of computed) {
      // Rows without a measured value (MLPerf MultiStream samples/query is text; a published "N/A" read
      // as empty leaves only the batch size) stay on the study page, not in the dataset.
      if (Object.keys(p.values).every((f) => f === "batch_size")) continue;
      const t = p.tables[0]!.meta;
      const v = d.values;
      const derived = [...d.derived];
      let fraction: number | null = null;
      if (v.throughput_img_s !== undefined && Number.isFinite(peak) && peak > 0) {
        fraction = round6(v.throughput_img_s / peak);
        derived.push({ field: "fraction_of_peak", formula: FORMULAS.fractionOfPeak });
      }
      out.push({
        study: parsed.study.id,
        series,
        accelerator: t.accelerator,
        devices: t.devices ?? 1,
        model: t.model,
        input_width: t.input.width,
        input_height: t.input.height,
        precision: t.precision,
        framework: t.framework,
        execution: t.execution,
        batch_size: v.batch_size ?? null,
        latency_ms: v.latency_ms ?? null,
        latency_p90_ms: v.latency_p90_ms ?? null,
        latency_p95_ms: v.latency_p95_ms ?? null,
        latency_p99_ms: v.latency_p99_ms ?? null,
        throughput_img_s: v.throughput_img_s ?? null,
        power_w: v.power_w ?? null,
        img_s_per_w: v.img_s_per_w ?? null,
        cost_usd_per_1000_img: v.cost_usd_per_1000_img ?? null,
        published_cost_usd_per_1000_img: p.values.cost_usd_per_1000_img?.value ?? null,
        fraction_of_peak: fraction,
        utilization_pct: v.utilization_pct ?? null,
        memory_used_mb: v.memory_used_mb ?? null,
        kind: "measured",
        note: [p.label, p.note].filter(Boolean).join("; "),
        derived: derived.map((x) => `${x.field}=${x.formula}`).join("; "),
        source_file: [...new Set(p.rows.map((r) => r.table.file))].join(";"),
        source_line: p.rows.map((r) => String(r.row.line)).join(";"),
      });
    }
  }
  problems.throwIfAny();
  return out;
}

/** Every study's canonical rows; the problems of all studies are reported together. */
export function normalizeStudies(studies: ParsedStudy[]): CanonicalRow[] {
  const rows: CanonicalRow[] = [];
  const problems: SourceProblem[] = [];
  for (const s of studies) {
    try {
      for (const row of normalizeStudy(s)) rows.push(row);
    } catch (e) {
      if (e instanceof SourceError) addProblems(problems, e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new SourceError(problems);
  return rows;
}

/**
 * The last check before anything is published: every number of every row (measured, simulated) is
 * finite, so measurements.csv never says `Infinity` and measurements.json never says `null` for a
 * number. Measured rows are range-checked above; a simulated one can only fail through an input the
 * simulator read (an accelerator's specs, data/simulator/*.yaml), so the accelerator is named.
 */
export function checkFiniteRows(rows: readonly CanonicalRow[], display = "data"): void {
  const problems: SourceProblem[] = [];
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (typeof value !== "number" || Number.isFinite(value)) continue;
      const measured = row.kind === "measured";
      problems.push({
        file: measured
          ? (row.source_file.split(";")[0] ?? display)
          : `${display}/accelerators/${row.accelerator}.yaml`,
        line: measured ? Number(row.source_line.split(";")[0]) || 0 : 0,
        column: 0,
        message: `${row.kind} ${key} of series ${row.series}${row.batch_size === null ? "" : ` at batch ${row.batch_size}`} is not a finite number`,
        expected: "a finite number",
        found: describeValue(value),
        ...(measured
          ? {}
          : { hint: "check the accelerator's specs and data/simulator/*.yaml for a value far out of range" }),
      });
      if (problems.length >= 1000) throw new SourceError(problems);
    }
  }
  if (problems.length) throw new SourceError(problems);
}
