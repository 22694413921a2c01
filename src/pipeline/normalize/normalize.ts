/**
 * Parsed study tables → canonical rows. Tables sharing a series are merged point by point; missing
 * quantities are derived from the ones published, and every derived field names its formula.
 */
import type { CanonicalRow, NumericField, Study } from "../schema.ts";
import type { CellValue, ParsedStudy, ParsedTable, TableRow } from "../ingest/study.ts";

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
      const batch = row.values.batch_size?.value;
      // Tables without a batch column (MLPerf Offline) have one point per row.
      const key =
        batch === undefined ? `row-${index}` : `${batch}\u0000${row.note ?? ""}\u0000${row.label ?? ""}`;
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

export interface Derivation {
  field: NumericField | "fraction_of_peak";
  formula: string;
}

/** Values after derivation, with the list of formulas used. */
export interface PointValues {
  values: Partial<Record<NumericField, number>>;
  derived: Derivation[];
}

/**
 * Derives missing quantities from published ones. Order matters: throughput first (many tables give
 * only latency or run time), then latency, power and efficiency, then cost.
 */
export function derivePoint(point: MergedPoint): PointValues {
  const table = point.tables[0]!.meta;
  const v: Partial<Record<NumericField, number>> = {};
  for (const [f, cell] of Object.entries(point.values) as [NumericField, CellValue][]) v[f] = cell.value;
  const derived: Derivation[] = [];
  const set = (field: NumericField, value: number, formula: string) => {
    v[field] = round6(value);
    derived.push({ field, formula });
  };
  const images = table.images_per_run;
  const price = v.price_usd_per_hour ?? table.price_usd_per_hour;

  if (v.throughput_img_s === undefined && v.batch_size !== undefined && v.latency_ms !== undefined) {
    set("throughput_img_s", (v.batch_size * 1000) / v.latency_ms, FORMULAS.throughputFromLatency);
  }
  if (v.throughput_img_s === undefined && v.run_time_s !== undefined && images !== undefined) {
    set(
      "throughput_img_s",
      images / v.run_time_s,
      FORMULAS.throughputFromRunTime.replace("images_per_run", `images_per_run (${images})`),
    );
  }
  if (v.latency_ms === undefined && v.batch_size !== undefined && v.throughput_img_s !== undefined) {
    set("latency_ms", (v.batch_size * 1000) / v.throughput_img_s, FORMULAS.latencyFromThroughput);
  }
  if (v.power_w === undefined && v.throughput_img_s !== undefined && v.img_s_per_w !== undefined) {
    set("power_w", v.throughput_img_s / v.img_s_per_w, FORMULAS.powerFromEfficiency);
  }
  if (v.img_s_per_w === undefined && v.throughput_img_s !== undefined && v.power_w !== undefined) {
    set("img_s_per_w", v.throughput_img_s / v.power_w, FORMULAS.efficiencyFromPower);
  }
  // A printed cost per 1,000 images keeps the study's definition (normalizeStudy publishes it apart); this
  // field is always the atlas's own: price ÷ throughput.
  delete v.cost_usd_per_1000_img;
  if (price !== undefined && v.throughput_img_s !== undefined) {
    set(
      "cost_usd_per_1000_img",
      (price / 3600 / v.throughput_img_s) * 1000,
      FORMULAS.costFromPrice.replace("price_usd_per_hour", `price_usd_per_hour (${price})`),
    );
  }
  return { values: v, derived };
}

/** All canonical measured rows of one study, with each series' fraction of its own peak. */
export function normalizeStudy(parsed: ParsedStudy): CanonicalRow[] {
  const out: CanonicalRow[] = [];
  for (const [series, points] of mergeSeries(parsed)) {
    const computed = points.map((p) => ({ p, d: derivePoint(p) }));
    const peak = Math.max(...computed.map(({ d }) => d.values.throughput_img_s ?? -Infinity));
    for (const { p, d } of computed) {
      // Text-only rows (e.g. MLPerf MultiStream samples/query) stay on the study page, not in the dataset.
      if (Object.keys(p.values).length === 0) continue;
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
  return out;
}
