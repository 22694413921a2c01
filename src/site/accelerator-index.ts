/**
 * What the accelerator index shows for each accelerator, and how it groups them (by kind, then vendor):
 * pure functions of the atlas, so the index scales to dozens of accelerators without per-page scans.
 */
import type { Accelerator, CanonicalRow } from "../pipeline/schema.ts";
import { perAccelerator, usable } from "../pipeline/mlperf/analysis.ts";
import type { MlperfResult } from "../pipeline/mlperf/normalize.ts";
import { compareRounds } from "../pipeline/mlperf/rounds.ts";
import { groupBy } from "../pipeline/group.ts";

interface IndexEntry {
  acc: Accelerator;
  /** Measured points from published tables (not MLPerf). */
  tablePoints: number;
  /** MLPerf results (system × scenario) of any validity and division. */
  mlperfResults: number;
  /** "v0.7–v3.0", or "" without MLPerf results. */
  rounds: string;
  /** Best closed-division ResNet-50 Offline images/s per accelerator (derived), with where it is from. */
  bestOffline: { value: number; round: string; system: string } | null;
  /** Best closed-division ResNet-50 batch-1 images/s (1 ÷ SingleStream 90th-percentile latency, one accelerator). */
  bestBatch1: { value: number; round: string; system: string } | null;
}

const KIND_LABELS: Record<Accelerator["kind"], string> = {
  gpu: "GPUs",
  dla: "Dedicated inference accelerators",
  ipu: "IPUs",
  fpga: "FPGAs",
  cpu: "Processors without an accelerator (CPUs)",
  other: "Other",
};
const KIND_ORDER: Accelerator["kind"][] = ["gpu", "dla", "ipu", "fpga", "cpu", "other"];

export function indexEntries(
  accelerators: readonly Accelerator[],
  measuredByAccelerator: ReadonlyMap<string, readonly CanonicalRow[]>,
  mlperf: readonly MlperfResult[],
): IndexEntry[] {
  const mlperfStudies = new Set(mlperf.map((r) => r.study));
  const tablePoints = (id: string) =>
    (measuredByAccelerator.get(id) ?? []).filter((r) => r.kind === "measured" && !mlperfStudies.has(r.study))
      .length;
  const results = groupBy(
    mlperf.filter((r) => r.accelerator !== null),
    (r) => r.accelerator!,
  );
  const good = groupBy(usable(mlperf), (r) => r.accelerator!);
  const best = (rs: MlperfResult[], value: (r: MlperfResult) => number | null) => {
    let top: IndexEntry["bestOffline"] = null;
    for (const r of rs) {
      const v = value(r);
      if (v !== null && (top === null || v > top.value))
        top = { value: v, round: r.round, system: `${r.submitter} ${r.system}` };
    }
    return top;
  };
  return accelerators.map((acc) => {
    const own = results.get(acc.id) ?? [];
    const rounds = [...new Set(own.map((r) => r.round))].sort(compareRounds);
    const usableOwn = good.get(acc.id) ?? [];
    return {
      acc,
      tablePoints: tablePoints(acc.id),
      mlperfResults: own.length,
      rounds:
        rounds.length === 0
          ? ""
          : rounds.length === 1
            ? rounds[0]!
            : `${rounds[0]}–${rounds[rounds.length - 1]}`,
      bestOffline: best(
        usableOwn.filter((r) => r.scenario === "Offline"),
        (r) => perAccelerator(r),
      ),
      bestBatch1: best(
        usableOwn.filter((r) => r.scenario === "SingleStream" && r.perNode === 1),
        (r) => r.throughput,
      ),
    };
  });
}

/** Kinds in a fixed order, vendors alphabetically, accelerators by name. */
export function groupEntries(summaries: readonly IndexEntry[]): {
  kind: Accelerator["kind"];
  label: string;
  vendors: { vendor: string; items: IndexEntry[] }[];
}[] {
  const byName = (a: IndexEntry, b: IndexEntry) => a.acc.name.localeCompare(b.acc.name, "en");
  return KIND_ORDER.flatMap((kind) => {
    const ofKind = summaries.filter((s) => s.acc.kind === kind);
    if (ofKind.length === 0) return [];
    const vendors = [...groupBy(ofKind, (s) => s.acc.vendor)]
      .sort(([a], [b]) => a.localeCompare(b, "en"))
      .map(([vendor, items]) => ({ vendor, items: [...items].sort(byName) }));
    return [{ kind, label: KIND_LABELS[kind], vendors }];
  });
}

/** A `repository@commit:path[:line]` source as a GitHub link. */
export function sourceUrl(source: string): string {
  const m = /^([^@]+)@([0-9a-f]{40}):(.+?)(?::(\d+))?$/.exec(source);
  if (!m) return "";
  return `https://github.com/${m[1]}/blob/${m[2]}/${m[3]!.split("/").map(encodeURIComponent).join("/")}${m[4] ? `#L${m[4]}` : ""}`;
}
