/**
 * MLPerf Inference figures: per accelerator (rounds over time, scenarios, system size, the RetinaNet
 * cost and power), and across the field (batching gain, efficiency, RetinaNet vs ResNet-50). Values
 * per accelerator are derived (system ÷ accelerators, single-node systems only) and every caption
 * says so; the comparisons themselves live in src/pipeline/mlperf/analysis.ts.
 */
import * as Plot from "@observablehq/plot";
import {
  GAIN_LABELS,
  median,
  perAccelerator,
  usable,
  type EfficiencyPoint,
  type GainComparison,
  type GainPoint,
  type RetinanetPair,
} from "../mlperf/analysis.ts";
import type { MlperfResult } from "../mlperf/normalize.ts";
import { compareRounds, type Scenario } from "../mlperf/rounds.ts";
import { FRAME, inlineLegend, PALETTE, round, withoutColor } from "./common.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";

export interface AcceleratorRef {
  id: string;
  name: string;
}

const DERIVED =
  "Values per accelerator are derived here (system throughput ÷ accelerators per node, single-node systems only) and are not verified by MLCommons.";
const CLOSED =
  "Closed division, valid results only (invalid, open-division, multi-node and unmapped results are listed in the study audits).";

const sortedRounds = (rs: readonly { round: string }[]) =>
  [...new Set(rs.map((r) => r.round))].sort(compareRounds);
const roundColors = (rounds: string[]) =>
  new Map(rounds.map((r, i) => [r, PALETTE[i % PALETTE.length]!] as const));
const studiesOf = (rs: readonly MlperfResult[]) => [...new Set(rs.map((r) => r.study))].sort();
const who = (r: MlperfResult) => `${r.submitter} ${r.system}`;

function forAccelerator(results: readonly MlperfResult[], acc: AcceleratorRef, benchmark = "resnet50") {
  return usable(results, benchmark).filter((r) => r.accelerator === acc.id);
}

/** ResNet-50 Offline throughput per accelerator by round: what newer software (and systems) gained. */
export function mlperfRoundsFigure(results: readonly MlperfResult[], acc: AcceleratorRef): FigureSpec {
  const id = `fig-mlperf-rounds-${acc.id}`;
  const rs = forAccelerator(results, acc).filter((r) => r.scenario === "Offline");
  if (rs.length === 0) throw new MissingDataError(id, `no MLPerf Offline results for ${acc.id}`);
  const data = rs.map((r) => ({
    round: r.round,
    system: who(r),
    accelerators: r.perNode!,
    system_img_s: r.throughput!,
    per_accelerator_img_s: round(perAccelerator(r), 6)!,
    source: r.source,
  }));
  const rounds = sortedRounds(rs);
  const best = rounds.map((round) => ({
    round,
    per_accelerator_img_s: Math.max(
      ...data.filter((d) => d.round === round).map((d) => d.per_accelerator_img_s),
    ),
  }));
  const first = best[0]!;
  const last = best[best.length - 1]!;
  return {
    id,
    title: `ResNet-50 Offline throughput per ${acc.name} across MLPerf rounds`,
    caption: `Each dot is one submitted system's MLPerf Inference Offline result divided by its accelerators; the line joins the best system of each round. ${DERIVED} ${CLOSED} Systems differ in host, software and power limits (MaxQ entries run power-capped).`,
    alt: `Dot chart of images per second per accelerator by MLPerf round for ${acc.name}, ${data.length} systems in ${rounds.length} rounds. The best per accelerator is ${round(first.per_accelerator_img_s, 4)} img/s in ${first.round} and ${round(last.per_accelerator_img_s, 4)} img/s in ${last.round}.`,
    sources: studiesOf(rs),
    accelerator: acc.id,
    columns: [
      { key: "round", label: "round" },
      { key: "system", label: "system" },
      { key: "accelerators", label: "accelerators" },
      { key: "system_img_s", label: "system throughput (img/s, reported)" },
      { key: "per_accelerator_img_s", label: "per accelerator (img/s, derived)" },
      { key: "source", label: "source" },
    ],
    rows: data,
    plot: {
      ...FRAME,
      height: 360,
      x: { label: "MLPerf Inference round", type: "point", domain: rounds, padding: 0.5 },
      y: { label: "↑ Offline images/s per accelerator (derived)", grid: true, zero: true },
      marks: [
        Plot.line(best, { x: "round", y: "per_accelerator_img_s", stroke: PALETTE[0], strokeWidth: 1.5 }),
        Plot.dot(data, { x: "round", y: "per_accelerator_img_s", stroke: PALETTE[0], r: 3.5 }),
      ],
    },
  };
}

const SCENARIO_COLORS: Record<Exclude<Scenario, "MultiStream">, string> = {
  Offline: PALETTE[0]!,
  Server: PALETTE[1]!,
  SingleStream: PALETTE[2]!,
};
const SCENARIO_LABELS: Record<Exclude<Scenario, "MultiStream">, string> = {
  Offline: "Offline per accelerator (derived)",
  Server: "Server per accelerator (derived)",
  SingleStream: "SingleStream batch 1: 1 ÷ 90th-pct latency",
};

/** The scenarios side by side: Offline and Server per accelerator, SingleStream as batch-1 throughput. */
export function mlperfScenariosFigure(results: readonly MlperfResult[], acc: AcceleratorRef): FigureSpec {
  const id = `fig-mlperf-scenarios-${acc.id}`;
  const rs = forAccelerator(results, acc).filter(
    (r) =>
      r.throughput !== null &&
      (r.scenario === "Offline" ||
        r.scenario === "Server" ||
        (r.scenario === "SingleStream" && r.perNode === 1)),
  );
  const scenarios = [...new Set(rs.map((r) => r.scenario))] as Exclude<Scenario, "MultiStream">[];
  if (scenarios.length < 2) throw new MissingDataError(id, `fewer than two scenarios for ${acc.id}`);
  const order: Exclude<Scenario, "MultiStream">[] = ["Offline", "Server", "SingleStream"];
  const data = rs.map((r) => {
    const scenario = r.scenario as Exclude<Scenario, "MultiStream">;
    return {
      round: r.round,
      scenario: SCENARIO_LABELS[scenario],
      system: who(r),
      accelerators: r.perNode!,
      img_s: round(scenario === "SingleStream" ? r.throughput : perAccelerator(r), 6)!,
      reported: `${r.metric} = ${r.valueText} ${r.unit}`,
      source: r.source,
      color: SCENARIO_COLORS[scenario],
    };
  });
  const rounds = sortedRounds(rs);
  const shown = order.filter((s) => scenarios.includes(s));
  const medianOf = (s: Exclude<Scenario, "MultiStream">) =>
    round(median(data.filter((d) => d.scenario === SCENARIO_LABELS[s]).map((d) => d.img_s)), 4);
  return {
    id,
    title: `ResNet-50 on ${acc.name}: MLPerf scenarios compared`,
    caption: `Offline lets the system batch freely; Server adds a latency bound (15 ms for ResNet-50); SingleStream sends one image at a time, so 1 ÷ its 90th-percentile latency is a batch-1 throughput (shown for one-accelerator systems only, undivided). ${DERIVED} ${CLOSED}`,
    alt: `Dot chart by MLPerf round of images per second (log scale) for ${acc.name} in ${shown.length} scenarios. Medians: ${shown.map((s) => `${s} ${medianOf(s)} img/s`).join(", ")}.`,
    sources: studiesOf(rs),
    accelerator: acc.id,
    columns: [
      { key: "round", label: "round" },
      { key: "scenario", label: "scenario" },
      { key: "system", label: "system" },
      { key: "accelerators", label: "accelerators" },
      { key: "img_s", label: "images/s (per accelerator or batch 1)" },
      { key: "reported", label: "reported result" },
      { key: "source", label: "source" },
    ],
    rows: withoutColor(data),
    plot: {
      ...FRAME,
      height: 380,
      marginRight: 30,
      x: { label: "MLPerf Inference round", type: "point", domain: rounds, padding: 0.5 },
      y: { label: "↑ Images/s (log scale)", type: "log", grid: true },
      marks: [
        ...shown.map((s, i) =>
          Plot.dot(
            data.filter((d) => d.scenario === SCENARIO_LABELS[s]),
            { x: "round", y: "img_s", stroke: "color", r: 3.5, dx: (i - (shown.length - 1) / 2) * 9 },
          ),
        ),
        ...inlineLegend(
          shown.map((s) => ({ label: SCENARIO_LABELS[s], color: SCENARIO_COLORS[s] })),
          "bottom-right",
        ),
      ],
    },
  };
}

/** System throughput against accelerators per node: how the systems submitted scale with the count. */
export function mlperfScalingFigure(results: readonly MlperfResult[], acc: AcceleratorRef): FigureSpec {
  const id = `fig-mlperf-scaling-${acc.id}`;
  const rs = forAccelerator(results, acc).filter((r) => r.scenario === "Offline");
  const counts = [...new Set(rs.map((r) => r.perNode!))].sort((a, b) => a - b);
  if (counts.length < 2) throw new MissingDataError(id, `one system size only for ${acc.id}`);
  const rounds = sortedRounds(rs);
  const colors = roundColors(rounds);
  const data = rs.map((r) => ({
    round: r.round,
    system: who(r),
    accelerators: r.perNode!,
    system_img_s: r.throughput!,
    per_accelerator_img_s: round(perAccelerator(r), 6)!,
    source: r.source,
    color: colors.get(r.round)!,
  }));
  const spread = (n: number) => {
    const xs = data.filter((d) => d.accelerators === n).map((d) => d.per_accelerator_img_s);
    return `${n}: ${round(Math.min(...xs), 4)}–${round(Math.max(...xs), 4)}`;
  };
  return {
    id,
    title: `ResNet-50 Offline throughput of ${acc.name} systems by accelerator count`,
    caption: `Whole-system MLPerf Offline throughput (reported) against the accelerators in the system; a system whose throughput grows in proportion to its accelerators lies on a line of slope 1 on these log axes. ${CLOSED} Colours are rounds.`,
    alt: `Scatter of system images per second against accelerators per node (both log scale) for ${data.length} ${acc.name} systems. Per-accelerator ranges by count (derived): ${counts.map(spread).join("; ")} img/s.`,
    sources: studiesOf(rs),
    accelerator: acc.id,
    columns: [
      { key: "round", label: "round" },
      { key: "system", label: "system" },
      { key: "accelerators", label: "accelerators" },
      { key: "system_img_s", label: "system throughput (img/s, reported)" },
      { key: "per_accelerator_img_s", label: "per accelerator (img/s, derived)" },
      { key: "source", label: "source" },
    ],
    rows: withoutColor(data),
    plot: {
      ...FRAME,
      height: 380,
      x: {
        label: "Accelerators per node →",
        type: "log",
        base: 2,
        grid: true,
        ticks: counts,
        tickFormat: (d: number) => String(d),
      },
      y: { label: "↑ System images/s (log scale)", type: "log", grid: true },
      marks: [
        Plot.dot(data, { x: "accelerators", y: "system_img_s", stroke: "color", r: 3.5 }),
        ...inlineLegend(
          rounds.map((r) => ({ label: r, color: colors.get(r)! })),
          "bottom-right",
        ),
      ],
    },
  };
}

/** Whole-system images per joule of the power runs, by round (Offline and Server). */
export function mlperfPowerFigure(results: readonly MlperfResult[], acc: AcceleratorRef): FigureSpec {
  const id = `fig-mlperf-power-${acc.id}`;
  const rs = forAccelerator(results, acc).filter((r) => r.imgPerJoule !== null);
  if (rs.length === 0) throw new MissingDataError(id, `no MLPerf power runs for ${acc.id}`);
  const data = rs.map((r) => ({
    round: r.round,
    scenario: r.scenario,
    system: who(r),
    accelerators: r.perNode!,
    power_w: r.powerW!,
    img_s_per_w: r.imgPerJoule!,
    source: r.source,
    color: SCENARIO_COLORS[r.scenario as "Offline" | "Server"],
  }));
  const rounds = sortedRounds(rs);
  const best = data.reduce((a, b) => (b.img_s_per_w > a.img_s_per_w ? b : a));
  return {
    id,
    title: `ResNet-50 images per joule of ${acc.name} systems (MLPerf power runs)`,
    caption: `Throughput ÷ average wall power of the whole system under test during the run (computed from the run's power log as MLCommons' submission checker does), so host processors, memory and fans are included. ${CLOSED}`,
    alt: `Dot chart of images per second per watt by round for ${data.length} power runs of ${acc.name} systems. The highest is ${round(best.img_s_per_w, 4)} img/s/W (${best.system}, ${best.round}, ${best.scenario}).`,
    sources: studiesOf(rs),
    accelerator: acc.id,
    columns: [
      { key: "round", label: "round" },
      { key: "scenario", label: "scenario" },
      { key: "system", label: "system" },
      { key: "accelerators", label: "accelerators" },
      { key: "power_w", label: "average power (W)" },
      { key: "img_s_per_w", label: "img/s/W (derived)" },
      { key: "source", label: "source" },
    ],
    rows: withoutColor(data),
    plot: {
      ...FRAME,
      height: 340,
      x: { label: "MLPerf Inference round", type: "point", domain: rounds, padding: 0.5 },
      y: { label: "↑ Images per second per watt (whole system)", grid: true, zero: true },
      marks: [
        Plot.dot(data, { x: "round", y: "img_s_per_w", stroke: "color", r: 3.5 }),
        ...inlineLegend(
          [...new Set(data.map((d) => d.scenario))].map((s) => ({
            label: s,
            color: SCENARIO_COLORS[s as "Offline" | "Server"],
          })),
          "top-left",
        ),
      ],
    },
  };
}

/** RetinaNet (800×800) against ResNet-50 (224×224) on the same systems of one accelerator. */
export function mlperfRetinanetAcceleratorFigure(
  pairs: readonly RetinanetPair[],
  acc: AcceleratorRef,
  macRatio: number,
): FigureSpec {
  const id = `fig-mlperf-retinanet-${acc.id}`;
  const ps = pairs.filter((p) => p.accelerator === acc.id);
  if (ps.length === 0) throw new MissingDataError(id, `no RetinaNet and ResNet-50 pairs for ${acc.id}`);
  const data = ps.map((p) => ({
    round: p.round,
    system: p.label,
    resnet50_img_s: p.resnet50,
    retinanet_img_s: p.retinanet,
    ratio: round(p.ratio, 4)!,
    source: p.source,
  }));
  const rounds = sortedRounds(ps);
  return {
    id,
    title: `How much slower RetinaNet runs than ResNet-50 on ${acc.name} systems`,
    caption: `ResNet-50 Offline images/s ÷ RetinaNet Offline images/s of the same system in the same round. The dashed line is the ratio of the networks' multiply-accumulates (${round(macRatio, 3)}×, counted by the atlas; see the RetinaNet finding): above it, the 800×800 network costs more than its arithmetic alone. ${CLOSED}`,
    alt: `Dot chart of throughput ratios by round for ${data.length} ${acc.name} systems; median ${round(median(data.map((d) => d.ratio)), 3)}× against a MAC ratio of ${round(macRatio, 3)}×.`,
    sources: studiesOfPairs(ps),
    accelerator: acc.id,
    columns: [
      { key: "round", label: "round" },
      { key: "system", label: "system" },
      { key: "resnet50_img_s", label: "ResNet-50 Offline (img/s)" },
      { key: "retinanet_img_s", label: "RetinaNet Offline (img/s)" },
      { key: "ratio", label: "ResNet-50 ÷ RetinaNet (derived)" },
      { key: "source", label: "sources" },
    ],
    rows: data,
    plot: {
      ...FRAME,
      height: 320,
      x: { label: "MLPerf Inference round", type: "point", domain: rounds, padding: 0.5 },
      y: { label: "↑ ResNet-50 ÷ RetinaNet throughput", grid: true, zero: true },
      marks: [
        Plot.ruleY([macRatio], { stroke: PALETTE[1], strokeDasharray: "5,4" }),
        Plot.dot(data, { x: "round", y: "ratio", stroke: PALETTE[0], r: 3.5 }),
        ...inlineLegend(
          [
            { label: "same system, same round", color: PALETTE[0]! },
            { label: "MAC ratio", color: PALETTE[1]!, dashed: true },
          ],
          "bottom-right",
        ),
      ],
    },
  };
}

const studiesOfPairs = (pairs: readonly RetinanetPair[]) =>
  [...new Set(pairs.flatMap((p) => p.source.split("; ").map(studyOfSource)))].sort();

/** "mlcommons/inference_results_v3.0@…" → the atlas study of that round and benchmark. */
function studyOfSource(source: string): string {
  const m = /inference_results_v(\d+)\.(\d+)@[0-9a-f]+:[^/]+\/[^/]+\/results\/[^/]+\/([^/]+)\//.exec(source);
  if (!m) return "mlperf";
  const bench = m[3] === "retinanet" ? "retinanet" : "resnet50";
  return `mlperf-inference-v${m[1]}-${m[2]}-${bench}`;
}

const GAIN_COLORS: Record<GainComparison, string> = {
  "offline-vs-singlestream": PALETTE[0]!,
  "offline-vs-server": PALETTE[1]!,
  "published-table": PALETTE[6]!,
};

/** Batching gain per accelerator across the field, each point saying which comparison it is. */
export function mlperfBatchingFigure(
  points: readonly GainPoint[],
  names: Map<string, string>,
  o: { id: string; title: string; sources: string[] },
): FigureSpec {
  if (points.length === 0) throw new MissingDataError(o.id, "no batching-gain points");
  const name = (id: string) => names.get(id) ?? id;
  const accs = [...new Set(points.map((p) => p.accelerator))];
  // Ordered by the batching comparisons (batch 1, published tables) where an accelerator has one, else by Server.
  const rank = (a: string) => {
    const own = points.filter((p) => p.accelerator === a);
    const batch = own.filter((p) => p.comparison !== "offline-vs-server");
    return median((batch.length ? batch : own).map((p) => p.gain));
  };
  const med = new Map(accs.map((a) => [a, rank(a)]));
  accs.sort((a, b) => med.get(b)! - med.get(a)! || a.localeCompare(b));
  const order = accs.map(name);
  const data = points.map((p) => ({
    accelerator: name(p.accelerator),
    comparison: GAIN_LABELS[p.comparison],
    what: p.label,
    gain: round(p.gain, 4)!,
    larger_img_s: round(p.numerator, 6),
    smaller_img_s: round(p.denominator, 6),
    source: p.source,
    color: GAIN_COLORS[p.comparison],
  }));
  const comparisons = (Object.keys(GAIN_LABELS) as GainComparison[]).filter((c) =>
    points.some((p) => p.comparison === c),
  );
  return {
    id: o.id,
    title: o.title,
    caption:
      "Each dot is one system (MLPerf, closed division, one node) or one published table series. Blue: Offline throughput ÷ batch-1 throughput (1 ÷ SingleStream 90th-percentile latency) on systems with one accelerator; orange: Offline ÷ Server throughput of the same system, the price of a latency bound rather than of batch 1; black: the largest batch's throughput ÷ batch 1's in the atlas's published tables (NVIDIA DeepLearningExamples and the V100/P100 report). " +
      "Offline lets the submitter choose any batching, so an MLPerf gain mixes batching with other parallelism (several streams, extra engines such as Jetson DLAs). Rows are ordered by the median of the batch-1 and published-table gains (by the Server ratio where an accelerator has neither).",
    alt: `Dot chart of batching gain (log scale) for ${accs.length} accelerators, ${points.length} points, ordered by median gain (batch-1 comparisons where an accelerator has them). Largest: ${order[0]} (${round(med.get(accs[0]!)!, 3)}×); smallest: ${order[order.length - 1]} (${round(med.get(accs[accs.length - 1]!)!, 3)}×).`,
    sources: o.sources,
    columns: [
      { key: "accelerator", label: "accelerator" },
      { key: "comparison", label: "comparison" },
      { key: "what", label: "system or series" },
      { key: "gain", label: "gain (×)" },
      { key: "larger_img_s", label: "larger side (img/s)" },
      { key: "smaller_img_s", label: "smaller side (img/s)" },
      { key: "source", label: "sources" },
    ],
    rows: withoutColor(data),
    plot: {
      ...FRAME,
      marginLeft: 300,
      height: Math.max(300, 100 + order.length * 18),
      x: { label: "Batching gain (×, log scale) →", type: "log", grid: true },
      y: { label: null, domain: order, insetTop: 55 },
      marks: [
        Plot.ruleX([1]),
        Plot.dot(data, { x: "gain", y: "accelerator", stroke: "color", r: 3 }),
        ...inlineLegend(
          comparisons.map((c) => ({ label: GAIN_LABELS[c], color: GAIN_COLORS[c] })),
          "top-right",
        ),
      ],
    },
  };
}

/** Images per joule against throughput for every Offline power run, by round, with the Pareto front. */
export function mlperfEfficiencyFigure(
  points: readonly EfficiencyPoint[],
  names: Map<string, string>,
  o: { id: string; title: string },
): FigureSpec {
  if (points.length === 0) throw new MissingDataError(o.id, "no MLPerf power runs");
  const rounds = sortedRounds(points.map((p) => p.result));
  const colors = roundColors(rounds);
  const data = points.map((p) => ({
    round: p.result.round,
    accelerator: names.get(p.result.accelerator!) ?? p.result.accelerator!,
    system: `${who(p.result)} (${p.result.perNode}×)`,
    system_img_s: p.throughput,
    power_w: p.powerW,
    img_s_per_w: p.imgPerJoule,
    pareto: p.pareto ? "yes" : "",
    source: p.result.source,
    color: colors.get(p.result.round)!,
  }));
  const front = data.filter((d) => d.pareto === "yes").sort((a, b) => a.system_img_s - b.system_img_s);
  return {
    id: o.id,
    title: o.title,
    caption:
      "Each dot is one MLPerf Offline power run (closed division, one node): whole-system throughput against whole-system images per joule (throughput ÷ average wall power in the run's power window, computed as MLCommons' submission checker does). " +
      "The line joins the Pareto front: runs no other run beats on both throughput and efficiency. Power is the whole system's, so systems with more accelerators amortise their host over more work.",
    alt: `Scatter of images per second per watt against system throughput (log scale) for ${data.length} power runs in ${rounds.length} rounds; ${front.length} runs are on the Pareto front, from ${front[0]?.system} to ${front[front.length - 1]?.system}.`,
    sources: studiesOf(points.map((p) => p.result)),
    columns: [
      { key: "round", label: "round" },
      { key: "accelerator", label: "accelerator" },
      { key: "system", label: "system (accelerators)" },
      { key: "system_img_s", label: "throughput (img/s)" },
      { key: "power_w", label: "average power (W)" },
      { key: "img_s_per_w", label: "img/s/W (derived)" },
      { key: "pareto", label: "on the Pareto front" },
      { key: "source", label: "source" },
    ],
    rows: withoutColor(data),
    plot: {
      ...FRAME,
      height: 440,
      x: { label: "System throughput (images/s, log scale) →", type: "log", grid: true },
      y: { label: "↑ Images per second per watt (whole system)", grid: true, zero: true },
      marks: [
        Plot.line(front, { x: "system_img_s", y: "img_s_per_w", stroke: "currentColor", strokeWidth: 1 }),
        Plot.dot(data, { x: "system_img_s", y: "img_s_per_w", stroke: "color", r: 3 }),
        ...inlineLegend(
          rounds.map((r) => ({ label: r, color: colors.get(r)! })),
          "top-left",
        ),
      ],
    },
  };
}

/** RetinaNet against ResNet-50 on the same systems, across the field, against the MAC ratio. */
export function mlperfRetinanetFigure(
  pairs: readonly RetinanetPair[],
  names: Map<string, string>,
  o: { id: string; title: string; macRatio: number },
): FigureSpec {
  if (pairs.length === 0) throw new MissingDataError(o.id, "no RetinaNet and ResNet-50 pairs");
  const name = (id: string) => names.get(id) ?? id;
  const accs = [...new Set(pairs.map((p) => p.accelerator))];
  const med = new Map(
    accs.map((a) => [a, median(pairs.filter((p) => p.accelerator === a).map((p) => p.ratio))]),
  );
  const order = accs.sort((a, b) => med.get(b)! - med.get(a)! || a.localeCompare(b)).map(name);
  const data = pairs.map((p) => ({
    accelerator: name(p.accelerator),
    system: p.label,
    resnet50_img_s: p.resnet50,
    retinanet_img_s: p.retinanet,
    ratio: round(p.ratio, 4)!,
    source: p.source,
  }));
  return {
    id: o.id,
    title: o.title,
    caption: `Each dot is one system that ran both benchmarks in the same round (MLPerf Offline, closed division, one node): ResNet-50 images/s ÷ RetinaNet images/s. The dashed line is the ratio of multiply-accumulates per image, ${round(o.macRatio, 3)}× (RetinaNet ResNeXt-50 FPN at 800×800 ÷ ResNet-50 at 224×224, counted by the atlas). A dot right of the line means the large-image network runs slower than its arithmetic alone predicts.`,
    alt: `Dot chart of throughput ratios (log scale) for ${accs.length} accelerators and ${data.length} systems; median ${round(median(data.map((d) => d.ratio)), 3)}× against a MAC ratio of ${round(o.macRatio, 3)}×.`,
    sources: studiesOfPairs(pairs),
    columns: [
      { key: "accelerator", label: "accelerator" },
      { key: "system", label: "system" },
      { key: "resnet50_img_s", label: "ResNet-50 Offline (img/s)" },
      { key: "retinanet_img_s", label: "RetinaNet Offline (img/s)" },
      { key: "ratio", label: "ResNet-50 ÷ RetinaNet (derived)" },
      { key: "source", label: "sources" },
    ],
    rows: data,
    plot: {
      ...FRAME,
      marginLeft: 300,
      height: Math.max(300, 70 + order.length * 18),
      x: { label: "ResNet-50 ÷ RetinaNet throughput (×, log scale) →", type: "log", grid: true },
      y: { label: null, domain: order, insetTop: 25 },
      marks: [
        Plot.ruleX([o.macRatio], { stroke: PALETTE[1], strokeDasharray: "5,4" }),
        Plot.dot(data, { x: "ratio", y: "accelerator", stroke: PALETTE[0], r: 3 }),
        ...inlineLegend([{ label: "MAC ratio", color: PALETTE[1]!, dashed: true }], "top-right"),
      ],
    },
  };
}
