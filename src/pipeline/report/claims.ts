/**
 * The claims ledger: every claim a study makes in words, the data that tests it, and a verdict with
 * the numbers. Pure: rows in, ledger out; simulator quantities come through a callback.
 */
import type { CanonicalRow, Claim, ClaimTest, Study } from "../schema.ts";
import { formatNumber } from "./tokens.ts";

export type Verdict = "supported" | "contradicted" | "not testable";

export interface LedgerEntry {
  study: string;
  studyTitle: string;
  claim: string;
  text: string;
  where: string;
  /** What was compared, in words. */
  test: string;
  /** The numbers behind the verdict. */
  evidence: string;
  verdict: Verdict;
  /** Series or "simulator" whose data decided the verdict. */
  data: string[];
  note?: string;
}

/** A published number shown as published (up to 6 significant digits), not rounded for prose. */
const exact = (x: number) => Number(x.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });

export type SimulatedQuantity = (t: Extract<ClaimTest, { kind: "simulated" }>) => number | null;

export function evaluateClaims(
  studies: Study[],
  rows: CanonicalRow[],
  simulated: SimulatedQuantity,
): LedgerEntry[] {
  const measured = rows.filter((r) => r.kind === "measured");
  return studies.flatMap((s) =>
    (s.claims ?? []).map((c) => {
      const base = {
        study: s.id,
        studyTitle: s.title,
        claim: c.id,
        text: c.text,
        where: c.where,
        ...(c.note ? { note: c.note } : {}),
      };
      return { ...base, ...evaluate(c, measured, simulated) };
    }),
  );
}

type Outcome = Pick<LedgerEntry, "test" | "evidence" | "verdict" | "data">;

function evaluate(c: Claim, rows: CanonicalRow[], simulated: SimulatedQuantity): Outcome {
  const t = c.test;
  if (!t) return { test: "no test recorded", evidence: "", verdict: "not testable", data: [] };
  switch (t.kind) {
    case "none":
      return { test: "none", evidence: t.reason, verdict: "not testable", data: [] };
    case "throughput-ratio":
      return throughputRatio(t, rows);
    case "peak-fraction":
      return peakFraction(t, rows);
    case "value":
      return value(t, rows);
    case "ratio":
      return ratio(t, rows);
    case "simulated":
      return simulatedTest(t, simulated);
  }
}

const at = (rows: CanonicalRow[], series: string, batch: number) =>
  rows.find((r) => r.series === series && r.batch_size === batch && r.note === "");

function throughputRatio(t: Extract<ClaimTest, { kind: "throughput-ratio" }>, rows: CanonicalRow[]): Outcome {
  const series = [
    ...new Set(
      rows
        .filter(
          (r) =>
            r.accelerator === t.accelerator && r.model === t.model && (!t.series || r.series === t.series),
        )
        .map((r) => r.series),
    ),
  ];
  const test = `throughput at batch ${t.batch} ÷ at batch ${t.reference_batch} = ${t.expected} (±${t.tolerance * 100} %)`;
  const ratios = series.flatMap((s) => {
    const hi = at(rows, s, t.batch)?.throughput_img_s;
    const lo = at(rows, s, t.reference_batch)?.throughput_img_s;
    return hi && lo ? [{ s, ratio: hi / lo }] : [];
  });
  if (ratios.length === 0)
    return {
      test,
      evidence: `no measured series of ${t.model} on ${t.accelerator} has both batch sizes`,
      verdict: "not testable",
      data: [],
    };
  const within = ratios.filter((r) => Math.abs(r.ratio - t.expected) / t.expected <= t.tolerance);
  const evidence = ratios.map((r) => `${r.s}: ${formatNumber(r.ratio)}×`).join("; ");
  return {
    test,
    evidence: `${within.length} of ${ratios.length} series within tolerance. ${evidence}`,
    verdict: within.length > 0 ? "supported" : "contradicted",
    data: ratios.map((r) => r.s),
  };
}

function peakFraction(t: Extract<ClaimTest, { kind: "peak-fraction" }>, rows: CanonicalRow[]): Outcome {
  const cmp = t.comparison ?? "at-least";
  const test = `throughput at batch ${t.batch} ÷ series maximum ${cmp === "at-least" ? "≥" : "≤"} ${t.expected * 100} %`;
  const r = at(rows, t.series, t.batch);
  if (!r || r.fraction_of_peak === null)
    return {
      test,
      evidence: `series ${t.series} has no batch ${t.batch}`,
      verdict: "not testable",
      data: [],
    };
  const ok = cmp === "at-least" ? r.fraction_of_peak >= t.expected : r.fraction_of_peak <= t.expected;
  return {
    test,
    evidence: `${t.series}: ${(r.fraction_of_peak * 100).toFixed(1)} % of its peak at batch ${t.batch}`,
    verdict: ok ? "supported" : "contradicted",
    data: [t.series],
  };
}

function value(t: Extract<ClaimTest, { kind: "value" }>, rows: CanonicalRow[]): Outcome {
  const field = t.field as keyof CanonicalRow;
  const inSeries = rows.filter((r) => r.series === t.series && typeof r[field] === "number");
  const where = t.aggregate ? `${t.aggregate} over the series` : `batch ${t.batch}`;
  const test = `${t.field} (${where}) = ${t.expected} (±${(t.tolerance * 100).toFixed(1)} %)`;
  let row: CanonicalRow | undefined;
  if (t.aggregate) {
    const sorted = [...inSeries].sort((a, b) => (a[field] as number) - (b[field] as number));
    row = t.aggregate === "min" ? sorted[0] : sorted[sorted.length - 1];
  } else row = inSeries.find((r) => r.batch_size === t.batch);
  if (!row)
    return {
      test,
      evidence: `series ${t.series} has no ${t.field} at ${where}`,
      verdict: "not testable",
      data: [],
    };
  const v = row[field] as number;
  const diff = t.expected === 0 ? Math.abs(v) : Math.abs(v - t.expected) / Math.abs(t.expected);
  return {
    test,
    evidence: `${t.series}: ${t.field} = ${exact(v)} at batch ${row.batch_size}`,
    verdict: diff <= t.tolerance ? "supported" : "contradicted",
    data: [t.series],
  };
}

/** One row of a series: at `batch`, or the only row of a series without batch sizes (a cost-table row). */
function pick(rows: CanonicalRow[], series: string, batch: number | undefined): CanonicalRow | undefined {
  const own = rows.filter((r) => r.series === series && r.note === "");
  if (batch !== undefined) return own.find((r) => r.batch_size === batch);
  const all = rows.filter((r) => r.series === series);
  return all.length === 1 ? all[0] : undefined;
}

function ratio(t: Extract<ClaimTest, { kind: "ratio" }>, rows: CanonicalRow[]): Outcome {
  const field = t.field as keyof CanonicalRow;
  const at = (b: number | undefined) => (b === undefined ? "" : ` at batch ${b}`);
  const test = `${t.field} of ${t.series}${at(t.batch)} ÷ ${t.reference_series}${at(t.reference_batch)} = ${t.expected} (±${t.tolerance * 100} %)`;
  const a = pick(rows, t.series, t.batch)?.[field];
  const b = pick(rows, t.reference_series, t.reference_batch)?.[field];
  if (typeof a !== "number" || typeof b !== "number" || b === 0)
    return { test, evidence: `one of the two rows has no ${t.field}`, verdict: "not testable", data: [] };
  const r = a / b;
  return {
    test,
    evidence: `${exact(a)} ÷ ${exact(b)} = ${formatNumber(r)}`,
    verdict: Math.abs(r - t.expected) / t.expected <= t.tolerance ? "supported" : "contradicted",
    data: [t.series, t.reference_series],
  };
}

function simulatedTest(t: Extract<ClaimTest, { kind: "simulated" }>, simulated: SimulatedQuantity): Outcome {
  const cmp = t.comparison ?? "approx";
  const what = `${t.quantity} of ${t.model} at ${t.input.width}×${t.input.height}, ${t.precision}${t.batch ? `, batch ${t.batch}` : ""}`;
  const test =
    cmp === "approx"
      ? `simulated ${what} ≈ ${t.expected} (±${t.tolerance * 100} %)`
      : `simulated ${what} ${cmp === "greater-than" ? ">" : "<"} ${t.expected}`;
  const v = simulated(t);
  if (v === null)
    return {
      test,
      evidence: "the simulator does not compute this quantity",
      verdict: "not testable",
      data: [],
    };
  const ok =
    cmp === "approx"
      ? Math.abs(v - t.expected) / t.expected <= t.tolerance
      : cmp === "greater-than"
        ? v > t.expected
        : v < t.expected;
  const bytes = /Bytes$/.test(t.quantity);
  const shown = bytes
    ? `${formatNumber(v / 1e6, 4)} MB (${Math.round(v).toLocaleString("en-US")} B)`
    : Math.round(v).toLocaleString("en-US");
  return {
    test,
    evidence: `simulator: ${shown}`,
    verdict: ok ? "supported" : "contradicted",
    data: ["simulator"],
  };
}
