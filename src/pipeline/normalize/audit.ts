/**
 * Consistency audit: redundant published quantities are checked against each other. Findings are
 * warnings shown in the report, never build failures; each names the rows involved.
 */
import type { NumericField } from "../schema.ts";
import type { CellValue, ParsedStudy } from "../ingest/study.ts";
import { mergeSeries, round6, type MergedPoint } from "./normalize.ts";

export type AuditCheck =
  | "throughput-vs-latency"
  | "run-time-vs-images"
  | "batch-exceeds-images"
  | "efficiency-vs-power"
  | "percentile-order"
  | "mean-above-p99"
  | "cost-total"
  | "cost-per-1000"
  | "source-typo"
  | "repeated-measurement"
  | "same-run"
  | "mlperf-invalid"
  | "mlperf-corrected"
  | "mlperf-unmapped"
  | "mlperf-accelerator-count"
  | "mlperf-multi-node"
  | "mlperf-power-window";

export interface AuditFinding {
  study: string;
  series: string;
  check: AuditCheck;
  severity: "warning" | "info";
  message: string;
  /** `file:line` of each row involved. */
  rows: string[];
  /** Numbers behind the message, for tables in the report. */
  values: Record<string, number | string>;
}

/** Extra relative margin beyond published rounding before two redundant numbers are called inconsistent. */
export const AUDIT_MARGIN = 0.02;
/** A gap this much beyond the margin is a warning rather than information. */
export const LARGE_GAP = 0.08;

/** Relative half-unit of the last published digit: the most rounding can have moved the value. */
function roundingTolerance(cell: CellValue): number {
  const halfUnit = 0.5 * 10 ** -cell.decimals * cell.unitFactor;
  return cell.value === 0 ? 0 : halfUnit / Math.abs(cell.value);
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const fmt = (x: number) => String(round6(x));

export function auditStudy(parsed: ParsedStudy): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const stated = parsed.tables.map((t) => t.meta.images_per_run).filter((n): n is number => n !== undefined);
  const merged = mergeSeries(parsed);
  for (const [series, points] of merged) {
    const add = (
      p: MergedPoint,
      check: AuditCheck,
      severity: AuditFinding["severity"],
      message: string,
      values: AuditFinding["values"],
    ) =>
      findings.push({
        study: parsed.study.id,
        series,
        check,
        severity,
        message,
        rows: p.rows.map(rowRef),
        values,
      });
    for (const p of points) checkPoint(p, stated, add);
    checkRepeats(points, (p, m, v) => add(p, "repeated-measurement", "info", m, v));
  }
  linkSameRuns(parsed.study.id, merged, findings);
  return findings;
}

/** `file:line` of a source row, as findings name rows. */
const rowRef = (r: MergedPoint["rows"][number]) => `${r.table.file}:${r.row.line}`;

/** The setup a table states for its rows: two rows can be one run only if it is the same. */
function setupKey(p: MergedPoint): string {
  const m = p.tables[0]!.meta;
  return JSON.stringify([
    m.accelerator,
    m.devices ?? 1,
    m.model,
    m.precision,
    m.framework,
    m.execution,
    m.input,
  ]);
}

/**
 * A row without a batch (a summary table that quotes runs, e.g. with their prices) that gives, in every
 * quantity it shares with exactly one batched row of the same setup (in its series or another), the same
 * printed numbers is that run published again: an info finding says so, and every warning on the run
 * names the repeated row too, so what doubts the run doubts both (the home page's peak left out one and
 * kept the other), and the run is counted once.
 */
function linkSameRuns(study: string, merged: Map<string, MergedPoint[]>, findings: AuditFinding[]): void {
  const batched = [...merged].flatMap(([, points]) =>
    points.filter((p) => p.values.batch_size !== undefined).map((p) => ({ p, setup: setupKey(p) })),
  );
  for (const [series, points] of merged) {
    for (const p of points) {
      if (p.values.batch_size !== undefined) continue;
      const setup = setupKey(p);
      const quantities = Object.keys(p.values) as NumericField[];
      const same = batched.flatMap((o) => {
        if (o.setup !== setup) return [];
        const fields = quantities.filter((f) => o.p.values[f] !== undefined);
        return fields.length > 0 && fields.every((f) => o.p.values[f]!.value === p.values[f]!.value)
          ? [{ run: o.p, fields }]
          : [];
      });
      if (same.length !== 1) continue;
      const { run, fields } = same[0]!;
      const here = rowRef(p.rows[0]!);
      const there = rowRef(run.rows[0]!);
      findings.push({
        study,
        series,
        check: "same-run",
        severity: "info",
        message: `${p.label ?? p.note ?? here}: the same run as ${there} (batch ${run.values.batch_size!.value}): ${fields.map((f) => `${f} ${fmt(run.values[f]!.value)}`).join(", ")} agree; what the audit says of that run applies here too`,
        rows: [here, there],
        values: { batch_size: run.values.batch_size!.value },
      });
      // One run, one warning per check: the run's warning names the copy, and a warning the copy raised
      // itself on the same check (the same numbers, so the same finding) is dropped.
      for (const f of findings.filter((x) => x.severity === "warning" && x.rows.includes(there))) {
        const own = findings.findIndex(
          (x) => x.check === f.check && x.rows.length === 1 && x.rows[0] === here,
        );
        if (own >= 0) findings.splice(own, 1);
        f.rows.push(here);
        f.message += ` (the same run is published again at ${here})`;
      }
    }
  }
}

type Add = (
  p: MergedPoint,
  check: AuditCheck,
  severity: AuditFinding["severity"],
  message: string,
  values: AuditFinding["values"],
) => void;

function checkPoint(p: MergedPoint, statedImages: number[], add: Add): void {
  const c = p.values;
  const meta = p.tables[0]!.meta;
  const batch = c.batch_size?.value;
  const where =
    batch !== undefined
      ? `batch ${batch}${p.note ? ` (${p.note})` : ""}${p.label ? ` [${p.label}]` : ""}`
      : (p.label ?? p.note ?? `line ${p.rows[0]!.row.line}`);

  for (const { row } of p.rows) {
    for (const fix of row.corrected) {
      add(
        p,
        "source-typo",
        "info",
        `${where}: the source prints ${JSON.stringify(fix.published)} in column ${JSON.stringify(fix.column)}; read as ${JSON.stringify(fix.read_as)} (${fix.reason})`,
        { published: fix.published, read_as: fix.read_as },
      );
    }
  }

  // Throughput should equal batch / latency when both describe the same batches.
  if (c.throughput_img_s && c.latency_ms && c.batch_size) {
    const expected = (c.batch_size.value * 1000) / c.latency_ms.value;
    const diff = Math.abs(c.throughput_img_s.value - expected) / expected;
    const allowed = roundingTolerance(c.throughput_img_s) + roundingTolerance(c.latency_ms) + AUDIT_MARGIN;
    if (diff > allowed) {
      // Small gaps are common where a benchmark times throughput and latency separately; large ones are not.
      const severity = diff > allowed + LARGE_GAP ? "warning" : "info";
      add(
        p,
        "throughput-vs-latency",
        severity,
        `${where}: published throughput ${fmt(c.throughput_img_s.value)} img/s differs by ${pct(diff)} from batch ÷ mean latency = ${fmt(expected)} img/s`,
        {
          throughput_img_s: c.throughput_img_s.value,
          batch_over_latency_img_s: round6(expected),
          relative_difference: round6(diff),
        },
      );
    }
  }

  // Run time × throughput is the number of images in the run.
  if (c.run_time_s && c.throughput_img_s) {
    const implied = c.run_time_s.value * c.throughput_img_s.value;
    const allowed = roundingTolerance(c.run_time_s) + roundingTolerance(c.throughput_img_s) + AUDIT_MARGIN;
    const reference = meta.images_per_run ?? mostCommon(statedImages);
    if (reference !== undefined) {
      const diff = Math.abs(implied - reference) / reference;
      if (diff > allowed) {
        const whose =
          meta.images_per_run !== undefined ? "this table states" : "the study states for its other runs";
        add(
          p,
          "run-time-vs-images",
          "warning",
          `${where}: run time ${fmt(c.run_time_s.value)} s × throughput ${fmt(c.throughput_img_s.value)} img/s implies ${Math.round(implied).toLocaleString("en-US")} images, but ${whose} ${reference.toLocaleString("en-US")}`,
          {
            run_time_s: c.run_time_s.value,
            throughput_img_s: c.throughput_img_s.value,
            implied_images: round6(implied),
            stated_images: reference,
          },
        );
      }
    }
    const images = meta.images_per_run ?? reference;
    if (batch !== undefined && images !== undefined && batch > images) {
      add(
        p,
        "batch-exceeds-images",
        "warning",
        `${where}: a batch of ${batch} is larger than the ${images.toLocaleString("en-US")} images in the run, so the run holds at most one partial batch`,
        { batch_size: batch, images },
      );
    }
  } else if (batch !== undefined && meta.images_per_run !== undefined && batch > meta.images_per_run) {
    add(
      p,
      "batch-exceeds-images",
      "warning",
      `${where}: a batch of ${batch} is larger than the ${meta.images_per_run} images in the run`,
      { batch_size: batch, images: meta.images_per_run },
    );
  }

  // Efficiency is throughput per watt.
  if (c.img_s_per_w && c.throughput_img_s && c.power_w) {
    const expected = c.throughput_img_s.value / c.power_w.value;
    const diff = Math.abs(c.img_s_per_w.value - expected) / expected;
    if (
      diff >
      roundingTolerance(c.img_s_per_w) +
        roundingTolerance(c.throughput_img_s) +
        roundingTolerance(c.power_w) +
        AUDIT_MARGIN
    ) {
      add(
        p,
        "efficiency-vs-power",
        "warning",
        `${where}: published efficiency ${fmt(c.img_s_per_w.value)} img/s/W differs by ${pct(diff)} from throughput ÷ power = ${fmt(expected)}`,
        { img_s_per_w: c.img_s_per_w.value, throughput_over_power: round6(expected) },
      );
    }
  }

  // Percentiles cannot decrease.
  const order: NumericField[] = ["latency_p50_ms", "latency_p90_ms", "latency_p95_ms", "latency_p99_ms"];
  const present = order.filter((f) => c[f]);
  for (let i = 1; i < present.length; i++) {
    const lo = c[present[i - 1]!]!;
    const hi = c[present[i]!]!;
    if (hi.value < lo.value) {
      add(
        p,
        "percentile-order",
        "warning",
        `${where}: ${present[i]} (${fmt(hi.value)} ms) is below ${present[i - 1]} (${fmt(lo.value)} ms); a higher percentile cannot be lower`,
        { [present[i - 1]!]: lo.value, [present[i]!]: hi.value },
      );
    }
  }

  // A mean above the 99th percentile needs more than 1 % of extreme samples: usually the mean covers
  // iterations (warm-up, first call) that the percentiles leave out. Worth knowing, not an error.
  if (c.latency_ms && c.latency_p99_ms && c.latency_ms.value > c.latency_p99_ms.value) {
    add(
      p,
      "mean-above-p99",
      "info",
      `${where}: mean latency ${fmt(c.latency_ms.value)} ms is above the 99th percentile ${fmt(c.latency_p99_ms.value)} ms, so the mean and the percentiles probably cover different iterations`,
      { latency_ms: c.latency_ms.value, latency_p99_ms: c.latency_p99_ms.value },
    );
  }

  // Costs follow from the stated hourly price.
  const price = c.price_usd_per_hour?.value ?? meta.price_usd_per_hour;
  if (price !== undefined && c.cost_usd_total && c.run_time_s) {
    const expected = (c.run_time_s.value * price) / 3600;
    const diff = Math.abs(c.cost_usd_total.value - expected) / expected;
    if (diff > roundingTolerance(c.cost_usd_total) + roundingTolerance(c.run_time_s) + AUDIT_MARGIN) {
      add(
        p,
        "cost-total",
        "warning",
        `${where}: total cost $${fmt(c.cost_usd_total.value)} differs by ${pct(diff)} from run time × price = $${fmt(expected)}`,
        { cost_usd_total: c.cost_usd_total.value, run_time_times_price: round6(expected) },
      );
    }
  }
  if (price !== undefined && c.cost_usd_per_1000_img && c.throughput_img_s) {
    const expected = (price / 3600 / c.throughput_img_s.value) * 1000;
    const ratio = c.cost_usd_per_1000_img.value / expected;
    if (
      Math.abs(ratio - 1) >
      roundingTolerance(c.cost_usd_per_1000_img) + roundingTolerance(c.throughput_img_s) + AUDIT_MARGIN
    ) {
      let explanation = "";
      if (c.cost_usd_total) {
        const alt = (c.cost_usd_total.value / c.throughput_img_s.value) * 1000;
        if (
          Math.abs(alt - c.cost_usd_per_1000_img.value) / alt <=
          roundingTolerance(c.cost_usd_per_1000_img) + roundingTolerance(c.cost_usd_total) + AUDIT_MARGIN
        ) {
          explanation = ` The published figure matches, within rounding, total cost ÷ throughput × 1000 = $${fmt(alt)}, which mixes a cost per run with a rate.`;
        }
      }
      add(
        p,
        "cost-per-1000",
        "warning",
        `${where}: published cost per 1,000 images $${fmt(c.cost_usd_per_1000_img.value)} is ${fmt(ratio)}× the cost implied by the stated price and throughput ($${price}/h ÷ 3600 ÷ ${fmt(c.throughput_img_s.value)} img/s × 1000 = $${fmt(expected)}).${explanation}`,
        {
          cost_usd_per_1000_img: c.cost_usd_per_1000_img.value,
          price_based_cost_usd_per_1000_img: round6(expected),
          ratio: round6(ratio),
        },
      );
    }
  }
}

/** Rows measured twice at the same batch (e.g. "32" and "32 (run 2)"): report their spread. */
function checkRepeats(
  points: MergedPoint[],
  add: (p: MergedPoint, message: string, values: AuditFinding["values"]) => void,
): void {
  const byBatch = new Map<number, MergedPoint[]>();
  for (const p of points) {
    const b = p.values.batch_size?.value;
    if (b === undefined || p.label) continue;
    byBatch.set(b, [...(byBatch.get(b) ?? []), p]);
  }
  for (const [batch, group] of byBatch) {
    if (group.length < 2) continue;
    const thr = group
      .map((p) => p.values.throughput_img_s?.value)
      .filter((x): x is number => x !== undefined);
    if (thr.length < 2) continue;
    const spread = (Math.max(...thr) - Math.min(...thr)) / Math.min(...thr);
    const merged: MergedPoint = { ...group[0]!, rows: group.flatMap((p) => p.rows) };
    add(
      merged,
      `batch ${batch} was measured ${group.length} times; throughput ranges ${thr.map(fmt).join(" – ")} img/s (spread ${pct(spread)}), a view of run-to-run variation`,
      { batch_size: batch, spread: round6(spread) },
    );
  }
}

function mostCommon(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}
