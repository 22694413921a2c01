/**
 * The claims ledger: every claim a study makes in words, the data that tests it, and a verdict that
 * says how strong the evidence is. Pure: rows in, ledger out; simulator quantities come through a
 * callback. The verdict rules, in order:
 * - not testable: no test, or no data the test can use;
 * - same source: the only evidence is the claim's own study or one it compares against
 *   (`references_studies`: the tables its prose was written from), so its prose checked against them;
 *   where other studies' series test it too, only those count toward k of n;
 * - holds under a definition: the claim names a definition the atlas had to choose (claim.definition)
 *   and the result differs under the other reading (the source's own definition, or the plain count
 *   where the source's figure needs a narrower one); both are named with their results;
 * - supported: every comparable series agrees; contradicted: none does; mixed: k of n agree.
 */
import { groupBy } from "../group.ts";
import type { CanonicalRow, Claim, ClaimTest, Study } from "../schema.ts";
import { formatNumber } from "./tokens.ts";

export const VERDICTS = [
  "supported",
  "mixed",
  "contradicted",
  "holds under a definition",
  "same source",
  "not testable",
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What each verdict means, for the ledger's headings and legends. */
export const VERDICT_MEANING: Record<Verdict, string> = {
  supported:
    "every comparable series from another source agrees (for a memory claim: the simulator's count, a re-derivation of the arithmetic)",
  mixed: "some comparable series agree and some do not",
  contradicted: "no comparable series agrees",
  "holds under a definition": "the result depends on a definition the atlas chose; both readings are given",
  "same source":
    "the only evidence is the claim's own study or the tables it cites, so this checks its prose against them",
  "not testable":
    "not put to a numeric test: no public data or threshold decides it, or the atlas has no test of its form; each card says why",
};

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
  /** Why this verdict, in one line: "1 of 5 series agree", "agrees with the study's own table". */
  reason: string;
  /** Comparable series (or the simulator) that agree, of how many; null when not testable. */
  agree: { k: number; n: number } | null;
  /** Series or "simulator" whose data decided the verdict. */
  data: string[];
  note?: string;
}

/** A published number shown as published (up to 6 significant digits), not rounded for prose. */
const exact = (x: number) => Number(x.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });

/** The simulator's number a `simulated` claim test asks for (simulate/stage.ts simulatedQuantity). */
type QuantityOfClaim = (t: Extract<ClaimTest, { kind: "simulated" }>) => number | null;

/** The outcome of one test: what was compared and, per series (or "simulator"), whether it agrees. */
interface Outcome {
  test: string;
  evidence: string;
  /** Per series: whether it agrees, and the measured rows whose throughput decided it (none for other quantities). */
  results: { data: string[]; ok: boolean; rows?: CanonicalRow[] }[];
}

export function evaluateClaims(
  studies: Study[],
  rows: CanonicalRow[],
  simulated: QuantityOfClaim,
  /** Rows whose throughput an audit warning puts in doubt (report/assumptions.ts): a verdict resting on them says so. */
  inDoubt: (r: CanonicalRow) => boolean = () => false,
): LedgerEntry[] {
  const measured = rows.filter((r) => r.kind === "measured");
  const studyOf = new Map(measured.map((r) => [r.series, r.study]));
  const authorsOf = new Map(studies.map((s) => [s.id, s.authors.join(", ")]));
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
      const outcome = evaluate(c.test, measured, simulated);
      const judged = judge(c, s, outcome, studyOf, authorsOf, measured, simulated);
      const counted = countedResults(outcome.results, s, studyOf);
      return { ...base, ...judged, reason: judged.reason + doubtNote(counted, inDoubt) };
    }),
  );
}

/**
 * Whose evidence a verdict counts, by result, so several tables of one publisher do not read as
 * independent evidence: " (4 from NVIDIA Corporation; 2 from Prayag Sridhar, Venkatesh Arumugam)", or
 * " (all from NVIDIA Corporation)"; "" for one result or the simulator. A result's source is the
 * authors of its series other than the claimant's own and cited ones (a ratio's two series may have two).
 */
function sourcesNote(
  results: Outcome["results"],
  claimant: Pick<Study, "id" | "references_studies">,
  studyOf: Map<string, string>,
  authorsOf: Map<string, string>,
): string {
  const { ownTable, citedTable } = claimantTables(claimant, studyOf);
  const sourceOf = (r: Outcome["results"][number]) =>
    [
      ...new Set(
        r.data
          .filter((d) => studyOf.has(d) && !ownTable(d) && !citedTable(d))
          .map((d) => authorsOf.get(studyOf.get(d)!) ?? studyOf.get(d)!),
      ),
    ].join(" and ");
  const sources = results.map(sourceOf).filter((who) => who !== "");
  if (sources.length < 2) return "";
  const bySource = groupBy(sources, (who) => who);
  if (bySource.size === 1) return ` (all from ${sources[0]})`;
  const parts = [...bySource].sort((a, b) => b[1].length - a[1].length);
  return ` (${parts.map(([who, rs]) => `${rs.length} from ${who}`).join("; ")})`;
}

/**
 * "; 1 of the rows it rests on (sridhar-p100-mixed-tfgraph at batch 2048) is one whose throughput an
 * audit warning puts in doubt", or "" when none is.
 */
function doubtNote(results: Outcome["results"], inDoubt: (r: CanonicalRow) => boolean): string {
  const used = [...new Set(results.flatMap((r) => r.rows ?? []))];
  const doubted = used.filter(inDoubt);
  if (doubted.length === 0) return "";
  const named = doubted
    .map((r) => `${r.series}${r.batch_size === null ? "" : ` at batch ${r.batch_size}`}`)
    .join(", ");
  const which =
    used.length === 1
      ? "the one row it rests on"
      : doubted.length === used.length
        ? used.length === 2
          ? "both rows it rests on"
          : `all ${used.length} rows it rests on`
        : `${doubted.length} of the ${used.length} rows it rests on`;
  return `; ${which} (${named}) ${doubted.length === 1 ? "is one" : "are ones"} whose throughput an audit warning puts in doubt`;
}

type Judged = Pick<LedgerEntry, "test" | "evidence" | "verdict" | "reason" | "agree" | "data">;

function judge(
  c: Claim,
  claimant: Pick<Study, "id" | "references_studies">,
  o: Outcome,
  studyOf: Map<string, string>,
  authorsOf: Map<string, string>,
  rows: CanonicalRow[],
  simulated: QuantityOfClaim,
): Judged {
  const data = [...new Set(o.results.flatMap((r) => r.data))];
  const { ownTable, citedTable } = claimantTables(claimant, studyOf);
  if (o.results.length === 0)
    return {
      test: o.test,
      evidence: o.evidence,
      verdict: "not testable",
      // A claim given no test says why in its evidence (qualitative, no threshold, no public data).
      reason: o.test === "none" ? "not put to a numeric test (why below)" : "no data tests it",
      agree: null,
      data,
    };
  const independentOf = (results: Outcome["results"]) => independentResults(results, claimant, studyOf);
  const independent = independentOf(o.results);
  // The other reading of a definition counts the same way: other sources only, where there are any.
  const counts = (results: Outcome["results"]) => countedResults(results, claimant, studyOf);
  if (independent.length === 0) {
    const own = sameSource(o, data, ownTable, citedTable);
    return underDefinition(c, o, own, `; same source: ${own.reason}`, rows, simulated, counts) ?? own;
  }
  const k = independent.filter((r) => r.ok).length;
  const n = independent.length;
  const agree = { k, n };
  const plain: Verdict = k === n ? "supported" : k === 0 ? "contradicted" : "mixed";
  const counted =
    n > 1
      ? `${k} of ${n} comparable ${unitOf(independent)} agree`
      : data.includes("simulator")
        ? `the simulator's count ${k === 1 ? "agrees" : "disagrees"}`
        : `the one comparable ${unitOf(independent)} ${k === 1 ? "agrees" : "disagrees"}`;
  const uncounted = notCountedNote(
    o.results.filter((r) => !independent.includes(r)),
    studyOf,
    claimant.id,
  );
  const reason = counted + sourcesNote(independent, claimant, studyOf, authorsOf) + uncounted;
  const judged: Judged = { test: o.test, evidence: o.evidence, verdict: plain, reason, agree, data };
  return underDefinition(c, o, judged, uncounted, rows, simulated, counts) ?? judged;
}

/**
 * "holds under a definition" where the claim names one (claim.definition) and its other reading gives
 * the other result (the chosen reading holds when every counted result of `judged` agrees); null where
 * there is no definition or both readings agree.
 */
function underDefinition(
  c: Claim,
  o: Outcome,
  judged: Judged,
  suffix: string,
  rows: CanonicalRow[],
  simulated: QuantityOfClaim,
  counts: (results: Outcome["results"]) => Outcome["results"],
): Judged | null {
  if (!c.definition) return null;
  const chosenOk = judged.agree !== null && judged.agree.k === judged.agree.n;
  const alt = evaluate(c.definition.source_test, rows, simulated);
  const altCounted = counts(alt.results);
  const altOk = altCounted.length > 0 && altCounted.every((r) => r.ok);
  if (alt.results.length === 0 || altOk === chosenOk) return null;
  const holds = chosenOk ? c.definition.chosen : c.definition.source;
  const fails = chosenOk ? c.definition.source : c.definition.chosen;
  return {
    test: `${o.test}; under ${c.definition.source}: ${alt.test}`,
    evidence: `${c.definition.chosen}: ${o.evidence}. ${c.definition.source}: ${alt.evidence}.`,
    verdict: "holds under a definition",
    reason: `holds with ${holds}; fails with ${fails}${suffix}`,
    agree: judged.agree,
    data: [...new Set([...judged.data, ...alt.results.flatMap((r) => r.data)])],
  };
}

/** What a result compares: one series, or (a ratio between two) a comparison. */
function unitOf(results: Outcome["results"]): string {
  const plural = results.length !== 1;
  return results.some((r) => r.data.length > 1) ? (plural ? "comparisons" : "comparison") : "series";
}

/** Whether a series is the claimant study's own, or one of a study it cites. */
function claimantTables(claimant: Pick<Study, "id" | "references_studies">, studyOf: Map<string, string>) {
  const cited = new Set(claimant.references_studies ?? []);
  return {
    ownTable: (d: string) => studyOf.get(d) === claimant.id,
    citedTable: (d: string) => cited.has(studyOf.get(d) ?? ""),
  };
}

/**
 * Evidence only from the claim's own study or the tables it cites is its prose against them, not an
 * independent check: where other sources test it too, only theirs count.
 */
function independentResults(
  results: Outcome["results"],
  claimant: Pick<Study, "id" | "references_studies">,
  studyOf: Map<string, string>,
): Outcome["results"] {
  const { ownTable, citedTable } = claimantTables(claimant, studyOf);
  return results.filter((r) => !r.data.every((d) => ownTable(d) || citedTable(d)));
}

/** The results a verdict counts: the independent ones, or, where there are none, the study's own. */
function countedResults(
  results: Outcome["results"],
  claimant: Pick<Study, "id" | "references_studies">,
  studyOf: Map<string, string>,
): Outcome["results"] {
  const independent = independentResults(results, claimant, studyOf);
  return independent.length > 0 ? independent : results;
}

/** The verdict when every series that tests a claim is its own study's or one it cites. */
function sameSource(
  o: Outcome,
  data: string[],
  ownTable: (d: string) => boolean,
  citedTable: (d: string) => boolean,
): Judged {
  const k = o.results.filter((r) => r.ok).length;
  const n = o.results.length;
  const unit = unitOf(o.results);
  const tables = data.length === 1 ? "table" : "tables";
  const whose = data.every(ownTable)
    ? `the study's own ${tables}`
    : data.every(citedTable)
      ? `the ${tables} the study cites`
      : "the study's own and cited tables";
  const reason =
    k === n
      ? `agrees with ${whose} (${k} of ${n} ${unit})`
      : k === 0
        ? `disagrees with ${whose} (${n} ${unit})`
        : `${k} of ${n} ${unit} of ${whose} agree`;
  return { test: o.test, evidence: o.evidence, verdict: "same source", reason, agree: { k, n }, data };
}

/** "; the 12 series of the studies it cites (a, b) are not counted", or "" when every series counts. */
function notCountedNote(
  notCounted: Outcome["results"],
  studyOf: Map<string, string>,
  claimant: string,
): string {
  if (notCounted.length === 0) return "";
  const from = [...new Set(notCounted.flatMap((r) => r.data.map((d) => studyOf.get(d) ?? "")))];
  const cited = from.filter((id) => id !== claimant);
  const whose = [
    ...(from.includes(claimant) ? ["its own study"] : []),
    ...(cited.length
      ? [`the ${cited.length === 1 ? "study" : "studies"} it cites (${cited.join(", ")})`]
      : []),
  ].join(" and ");
  const one = notCounted.length === 1;
  return `; ${one ? "the one series" : `the ${notCounted.length} series`} of ${whose} ${one ? "is" : "are"} not counted`;
}

function evaluate(t: ClaimTest | undefined, rows: CanonicalRow[], simulated: QuantityOfClaim): Outcome {
  if (!t) return { test: "no test recorded", evidence: "", results: [] };
  switch (t.kind) {
    case "none":
      return { test: "none", evidence: t.reason, results: [] };
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
    const hiRow = at(rows, s, t.batch);
    const loRow = at(rows, s, t.reference_batch);
    const hi = hiRow?.throughput_img_s;
    const lo = loRow?.throughput_img_s;
    return hi && lo ? [{ s, ratio: hi / lo, rows: [hiRow!, loRow!] }] : [];
  });
  if (ratios.length === 0)
    return {
      test,
      evidence: `no measured series of ${t.model} on ${t.accelerator} has both batch sizes`,
      results: [],
    };
  const ok = (r: number) => Math.abs(r - t.expected) / t.expected <= t.tolerance;
  const within = ratios.filter((r) => ok(r.ratio));
  const evidence = ratios.map((r) => `${r.s}: ${formatNumber(r.ratio)}×`).join("; ");
  return {
    test,
    evidence: `${within.length} of ${ratios.length} series within tolerance. ${evidence}`,
    results: ratios.map((r) => ({ data: [r.s], ok: ok(r.ratio), rows: r.rows })),
  };
}

function peakFraction(t: Extract<ClaimTest, { kind: "peak-fraction" }>, rows: CanonicalRow[]): Outcome {
  const cmp = t.comparison ?? "at-least";
  const peak = t.up_to_batch === undefined ? "series maximum" : `series maximum up to batch ${t.up_to_batch}`;
  const named = t.series !== undefined;
  const accelerators = [t.accelerator ?? []].flat();
  const models = [t.model ?? []].flat();
  const scope = named
    ? ""
    : `, in every measured series of ${models.join(" or ")} on ${accelerators.join(" or ")}`;
  const test = `throughput at batch ${t.batch} ÷ ${peak} ${cmp === "at-least" ? "≥" : "≤"} ${t.expected * 100} %${scope}`;
  const series = named ? [t.series ?? []].flat() : selectedSeries(rows, accelerators, models);
  const found = series.flatMap((s) => {
    const fraction = fractionOfPeak(rows, s, t.batch, t.up_to_batch);
    return fraction === null ? [] : [{ s, ...fraction }];
  });
  // A named series without the batch is worth saying; a selected one simply does not take part.
  const missing = named ? series.filter((s) => !found.some((f) => f.s === s)) : [];
  const lacking =
    missing.length > 0
      ? `series ${missing.join(", ")} ${missing.length === 1 ? "has" : "have"} no batch ${t.batch}`
      : "";
  if (found.length === 0)
    return {
      test,
      evidence:
        lacking ||
        `no measured series of ${models.join(" or ")} on ${accelerators.join(" or ")} has batch ${t.batch}`,
      results: [],
    };
  const ok = (f: number) => (cmp === "at-least" ? f >= t.expected : f <= t.expected);
  const each = found.map((f) => `${f.s}: ${(f.fraction * 100).toFixed(1)} %`);
  return {
    test,
    evidence: [`at batch ${t.batch}, of the ${peak}: ${each.join("; ")}`, ...(lacking ? [lacking] : [])].join(
      "; ",
    ),
    results: found.map((f) => ({ data: [f.s], ok: ok(f.fraction), rows: f.rows })),
  };
}

/** Every measured series of one of `accelerators` and `models`, in the dataset's order. */
function selectedSeries(rows: CanonicalRow[], accelerators: string[], models: string[]): string[] {
  return [
    ...new Set(
      rows
        .filter((r) => accelerators.includes(r.accelerator) && models.includes(r.model))
        .map((r) => r.series),
    ),
  ];
}

/**
 * Throughput at `batch` ÷ the series' best (every row of the series, as the dataset's fraction_of_peak
 * counts them: normalize.ts), or, with `upTo`, the best at batches up to `upTo` (a source's own batch
 * range), with the two rows it divides. Null when the series has no such row.
 */
function fractionOfPeak(
  rows: CanonicalRow[],
  series: string,
  batch: number,
  upTo?: number,
): { fraction: number; rows: CanonicalRow[] } | null {
  const r = at(rows, series, batch);
  if (!r || r.throughput_img_s === null) return null;
  const candidates = rows.filter(
    (x) => x.series === series && x.batch_size !== null && (upTo === undefined || x.batch_size <= upTo),
  );
  const best = bestRow(candidates);
  if (!best || !((best.throughput_img_s ?? 0) > 0)) return null;
  if (upTo === undefined && r.fraction_of_peak === null) return null;
  const fraction = upTo === undefined ? r.fraction_of_peak! : r.throughput_img_s / best.throughput_img_s!;
  return { fraction, rows: [...new Set([r, best])] };
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
  if (!row) return { test, evidence: `series ${t.series} has no ${t.field} at ${where}`, results: [] };
  const v = row[field] as number;
  const diff = t.expected === 0 ? Math.abs(v) : Math.abs(v - t.expected) / Math.abs(t.expected);
  return {
    test,
    evidence: `${t.series}: ${t.field} = ${exact(v)} at batch ${row.batch_size}`,
    results: [
      {
        data: [t.series],
        ok: diff <= t.tolerance,
        rows: FROM_THROUGHPUT.has(t.field) ? restsOn(row, inSeries, field) : [],
      },
    ],
  };
}

/** The rows a value rests on: the row, and for a fraction of peak the series' best row as well. */
function restsOn(row: CanonicalRow, series: CanonicalRow[], field: keyof CanonicalRow): CanonicalRow[] {
  if (field !== "fraction_of_peak") return [row];
  return [...new Set([row, bestRow([row, ...series]) ?? row])];
}

/** The row of highest throughput (the first of equals), or undefined when none has a positive one. */
function bestRow(rows: CanonicalRow[]): CanonicalRow | undefined {
  return rows.reduce<CanonicalRow | undefined>(
    (b, x) => ((x.throughput_img_s ?? 0) > (b?.throughput_img_s ?? 0) ? x : b),
    undefined,
  );
}

/** Fields that are, or are computed from, a row's throughput: what an audit warning on it puts in doubt. */
const FROM_THROUGHPUT = new Set<string>([
  "throughput_img_s",
  "fraction_of_peak",
  "img_s_per_w",
  "cost_usd_per_1000_img",
]);

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
  const rowA = pick(rows, t.series, t.batch);
  const rowB = pick(rows, t.reference_series, t.reference_batch);
  const a = rowA?.[field];
  const b = rowB?.[field];
  if (typeof a !== "number" || typeof b !== "number" || b === 0)
    return { test, evidence: `one of the two rows has no ${t.field}`, results: [] };
  const r = a / b;
  return {
    test,
    evidence: `${exact(a)} ÷ ${exact(b)} = ${formatNumber(r)}`,
    results: [
      {
        data: [t.series, t.reference_series],
        ok: Math.abs(r - t.expected) / t.expected <= t.tolerance,
        rows: FROM_THROUGHPUT.has(t.field) ? [rowA!, rowB!] : [],
      },
    ],
  };
}

function simulatedTest(t: Extract<ClaimTest, { kind: "simulated" }>, simulated: QuantityOfClaim): Outcome {
  const cmp = t.comparison ?? "approx";
  const what = `${t.quantity} of ${t.model} at ${t.input.width}×${t.input.height}, ${t.precision}${t.batch ? `, batch ${t.batch}` : ""}`;
  const test =
    cmp === "approx"
      ? `simulated ${what} ≈ ${t.expected} (±${t.tolerance * 100} %)`
      : `simulated ${what} ${cmp === "greater-than" ? ">" : "<"} ${t.expected}`;
  const v = simulated(t);
  if (v === null) return { test, evidence: "the simulator does not compute this quantity", results: [] };
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
  return { test, evidence: `simulator: ${shown}`, results: [{ data: ["simulator"], ok }] };
}
