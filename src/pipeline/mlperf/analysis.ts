/**
 * The comparisons the MLPerf findings and figures make, as pure functions of the results, so that a
 * figure and the number a finding quotes come from the same code. The comparisons use closed-division,
 * valid results of single-node systems whose accelerator is identified; what each point compares is
 * named in the point. Apart: the published tables' gains (measured rows, not MLPerf) and the results
 * left out for an unidentified accelerator (`unidentifiedPowerRuns`, `unidentifiedGains`), which the
 * findings state so that a reader knows what is missing.
 */
import type { CanonicalRow } from "../schema.ts";
import { perAccelerator, type MlperfResult } from "./normalize.ts";

/** Results a figure may show: closed division, VALID, accelerator known, one node. */
export function usable(results: readonly MlperfResult[], benchmark = "resnet50"): MlperfResult[] {
  return results.filter(
    (r) => closedSingleNode(r, benchmark) && r.accelerator !== null && r.perNode !== null,
  );
}

const closedSingleNode = (r: MlperfResult, benchmark: string) =>
  r.benchmark === benchmark && r.division === "closed" && r.validity === "VALID" && r.nodes === 1;

const isOfflinePowerRun = (r: MlperfResult) =>
  r.scenario === "Offline" && r.imgPerJoule !== null && r.throughput !== null && r.powerW !== null;

/**
 * Offline power runs of closed-division, single-node systems that `efficiencyPoints` leaves out because
 * the atlas cannot tell which accelerator (or how many) they carry: their whole-system efficiency is
 * known all the same, so the efficiency finding states what they would change.
 */
export function unidentifiedPowerRuns(
  results: readonly MlperfResult[],
  benchmark = "resnet50",
): MlperfResult[] {
  return results.filter(
    (r) =>
      closedSingleNode(r, benchmark) &&
      (r.accelerator === null || r.perNode === null) &&
      isOfflinePowerRun(r),
  );
}

const systemKey = (r: MlperfResult) => `${r.round}\u0000${r.division}\u0000${r.submitter}\u0000${r.system}`;

export type GainComparison = "offline-vs-singlestream" | "offline-vs-server" | "published-table";

export const GAIN_LABELS: Record<GainComparison, string> = {
  "offline-vs-singlestream": "MLPerf Offline ÷ SingleStream (batch 1), one-accelerator systems",
  "offline-vs-server": "MLPerf Offline ÷ Server (latency-bounded), whole system",
  "published-table": "published table: largest batch ÷ batch 1",
};

export interface GainPoint {
  accelerator: string;
  comparison: GainComparison;
  gain: number;
  /** Images per second of the larger and the smaller side. */
  numerator: number;
  denominator: number;
  /** "v3.0 Dell XR5610_L4x1_TRT_MaxQ", or the series of a published table. */
  label: string;
  round: string | null;
  /** Where both sides come from. */
  source: string;
}

/**
 * How much batching buys. MLPerf: Offline (the submitter's batching) ÷ SingleStream batch-1 throughput
 * (1 / 90th-percentile latency) on systems with one accelerator, and Offline ÷ Server on any single-node
 * system. Published tables (rows with batch sizes): largest-batch ÷ batch-1 throughput of a series.
 */
export function batchingGains(
  results: readonly MlperfResult[],
  rows: readonly CanonicalRow[] = [],
  /** Rows an audit warning puts in doubt (report/assumptions.ts): left out of the published tables' gains. */
  inDoubt: (r: CanonicalRow) => boolean = () => false,
): GainPoint[] {
  const out = systemGains(usable(results));
  const series = new Map<string, CanonicalRow[]>();
  for (const r of rows)
    if (
      r.kind === "measured" &&
      r.model === "resnet50_v1.5" &&
      r.batch_size !== null &&
      r.throughput_img_s !== null &&
      r.note === "" &&
      !inDoubt(r)
    )
      series.set(r.series, [...(series.get(r.series) ?? []), r]);
  for (const [id, points] of series) {
    const one = points.find((p) => p.batch_size === 1);
    const largest = points.reduce((a, b) => (b.batch_size! > a.batch_size! ? b : a));
    if (!one || largest === one) continue;
    out.push({
      accelerator: one.accelerator,
      comparison: "published-table",
      gain: largest.throughput_img_s! / one.throughput_img_s!,
      numerator: largest.throughput_img_s!,
      denominator: one.throughput_img_s!,
      label: `${id} (batch ${largest.batch_size} ÷ batch 1)`,
      round: null,
      source: `${one.source_file}:${one.source_line}; ${largest.source_file}:${largest.source_line}`,
    });
  }
  return out;
}

/** Each system's Offline throughput ÷ its SingleStream batch-1 throughput (one accelerator) and ÷ its Server throughput. */
function systemGains(results: readonly MlperfResult[]): GainPoint[] {
  const out: GainPoint[] = [];
  const bySystem = new Map<string, MlperfResult[]>();
  for (const r of results) bySystem.set(systemKey(r), [...(bySystem.get(systemKey(r)) ?? []), r]);
  for (const group of bySystem.values()) {
    const offline = group.find((r) => r.scenario === "Offline");
    if (!offline?.throughput) continue;
    const add = (other: MlperfResult, comparison: GainComparison) =>
      out.push({
        accelerator: offline.accelerator ?? "",
        comparison,
        gain: offline.throughput! / other.throughput!,
        numerator: offline.throughput!,
        denominator: other.throughput!,
        label: `${offline.round} ${offline.submitter} ${offline.system}`,
        round: offline.round,
        source: `${offline.source}; ${other.source}`,
      });
    const ss = group.find((r) => r.scenario === "SingleStream");
    if (ss?.throughput && offline.perNode === 1) add(ss, "offline-vs-singlestream");
    const server = group.find((r) => r.scenario === "Server");
    if (server?.throughput) add(server, "offline-vs-server");
  }
  return out;
}

/**
 * Offline ÷ SingleStream of the systems `batchingGains` leaves out because the atlas cannot tell which
 * accelerator they carry, though their system file says one per node (MIG slices, unnamed cards): the
 * batching finding states what they would change. Their `accelerator` is "".
 */
export function unidentifiedGains(results: readonly MlperfResult[], benchmark = "resnet50"): GainPoint[] {
  return systemGains(
    results.filter((r) => closedSingleNode(r, benchmark) && r.accelerator === null && r.perNode === 1),
  ).filter((p) => p.comparison === "offline-vs-singlestream");
}

export interface EfficiencyPoint {
  result: MlperfResult;
  throughput: number;
  imgPerJoule: number;
  powerW: number;
  pareto: boolean;
}

/**
 * Offline power runs (whole-system wall power) with their throughput; a point is on the Pareto front
 * when no other point has both more throughput and more images per joule.
 */
export function efficiencyPoints(
  results: readonly MlperfResult[],
  benchmark = "resnet50",
): EfficiencyPoint[] {
  const points = usable(results, benchmark)
    .filter(isOfflinePowerRun)
    .map((r) => ({
      result: r,
      throughput: r.throughput!,
      imgPerJoule: r.imgPerJoule!,
      powerW: r.powerW!,
      pareto: false,
    }));
  for (const p of points)
    p.pareto = !points.some(
      (q) =>
        q !== p &&
        q.throughput >= p.throughput &&
        q.imgPerJoule >= p.imgPerJoule &&
        (q.throughput > p.throughput || q.imgPerJoule > p.imgPerJoule),
    );
  return points;
}

export interface RetinanetPair {
  accelerator: string;
  round: string;
  label: string;
  resnet50: number;
  retinanet: number;
  /** ResNet-50 images per second ÷ RetinaNet images per second on the same system. */
  ratio: number;
  source: string;
}

/** The same system's Offline throughput on both benchmarks in the same round (closed, single node). */
export function retinanetPairs(results: readonly MlperfResult[]): RetinanetPair[] {
  const rn50 = new Map(
    usable(results, "resnet50")
      .filter((r) => r.scenario === "Offline" && r.throughput)
      .map((r) => [systemKey(r), r]),
  );
  const out: RetinanetPair[] = [];
  for (const r of usable(results, "retinanet")) {
    const other = rn50.get(systemKey(r));
    if (r.scenario !== "Offline" || !r.throughput || !other) continue;
    out.push({
      accelerator: r.accelerator!,
      round: r.round,
      label: `${r.round} ${r.submitter} ${r.system}`,
      resnet50: other.throughput!,
      retinanet: r.throughput,
      ratio: other.throughput! / r.throughput,
      source: `${other.source}; ${r.source}`,
    });
  }
  return out;
}

/**
 * The rows the home page's per-accelerator summary may use (report/summary.ts): every row of the
 * published tables, and of MLPerf only the results of one-accelerator, single-node systems in the closed
 * division, so that a "peak" is one accelerator's and not a 20-card server's. Their power is left out:
 * MLPerf measures the whole system at the wall, host included, which is not the accelerator's
 * efficiency the summary's column compares (the accelerator pages show MLPerf's power runs).
 */
export function summaryRows(rows: readonly CanonicalRow[], results: readonly MlperfResult[]): CanonicalRow[] {
  const studies = new Set(results.map((r) => r.study));
  const single = new Set(
    usable(results, "resnet50")
      .concat(usable(results, "retinanet"))
      .filter((r) => r.perNode === 1 && r.series !== null)
      .map((r) => r.series!),
  );
  return rows
    .filter((r) => !studies.has(r.study) || single.has(r.series))
    .map((r) => (studies.has(r.study) ? { ...r, power_w: null, img_s_per_w: null } : r));
}

/** The comparisons the MLPerf findings quote and their figures draw, made once per build. */
export interface MlperfAnalysis {
  gains: GainPoint[];
  efficiency: EfficiencyPoint[];
  retinanet: RetinanetPair[];
}

export function analyseMlperf(
  results: readonly MlperfResult[],
  /** The measured rows: the published tables' gains are compared with MLPerf's (batchingGains). */
  rows: readonly CanonicalRow[],
  /** Rows an audit warning puts in doubt: left out of the published tables' gains. */
  inDoubt: (r: CanonicalRow) => boolean,
): MlperfAnalysis {
  return {
    gains: batchingGains(results, rows, inDoubt),
    efficiency: efficiencyPoints(results),
    retinanet: retinanetPairs(results),
  };
}

/** Per-accelerator Offline value of a usable result (derived: system ÷ accelerators). */
export { perAccelerator };
