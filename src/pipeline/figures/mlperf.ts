/**
 * MLPerf Inference figures: per accelerator (rounds over time, scenarios, system size, the RetinaNet
 * cost and power), and across the field (batching gain, efficiency, RetinaNet vs ResNet-50). Values
 * per accelerator are derived (system ÷ accelerators, single-node systems only) and every caption
 * says so; the comparisons themselves live in src/pipeline/mlperf/analysis.ts. Every figure is laid
 * out for the wide and the narrow frame (common.ts), with its legend below the plot.
 */
import * as Plot from "@observablehq/plot";
import { median } from "../stats.ts";
import {
  GAIN_LABELS,
  perAccelerator,
  usable,
  type EfficiencyPoint,
  type GainComparison,
  type GainPoint,
  type RetinanetPair,
} from "../mlperf/analysis.ts";
import type { MlperfResult } from "../mlperf/normalize.ts";
import { compareRounds, type Scenario } from "../mlperf/rounds.ts";
import { count } from "../labels.ts";
import {
  gridHeight,
  logTicks,
  margins,
  MAX_SERIES,
  num,
  panelGrid,
  round,
  tableRows,
  textWidth,
  tickNumber,
  tip,
  valueAxis,
  type Frame,
  type LegendEntry,
} from "./common.ts";
import { categorical, NEUTRAL, SYMBOLS, type SymbolName } from "./palette.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";

interface AcceleratorRef {
  id: string;
  name: string;
}

const DERIVED =
  "Values per accelerator are derived here (system throughput ÷ accelerators per node, single-node systems only) and are not verified by MLCommons.";
const CLOSED =
  "Closed division, valid results only (invalid, open-division, multi-node and unmapped results are listed in the study audits).";

export const sortedRounds = (rs: readonly { round: string }[]) =>
  [...new Set(rs.map((r) => r.round))].sort(compareRounds);
const studiesOf = (rs: readonly MlperfResult[]) => [...new Set(rs.map((r) => r.study))].sort();
const who = (r: MlperfResult) => `${r.submitter} ${r.system}`;

/** The frame's margins, the left one wide enough for the y axis's longest tick label ("100,000"). */
function marginsFor(frame: Frame, yValues: number[], o: { top?: number } = {}) {
  const widest = textWidth(tickNumber(Number((Math.max(...yValues) * 1.15).toPrecision(2))));
  return margins(frame, { ...o, left: Math.max(margins(frame).marginLeft, Math.ceil(widest) + 14) });
}

/**
 * A value axis along x: as valueAxis, with no more log ticks than the frame's width has room for
 * side by side ("100,000" and "300,000" would touch on a phone).
 */
function xValueAxis(values: number[], label: string, frame: Frame, o: { zero?: boolean } = {}) {
  const axis = valueAxis(values, label, { frame, ...o });
  if (axis.type !== "log" || !Array.isArray(axis.domain)) return axis;
  const [lo, hi] = axis.domain as [number, number];
  const m = margins(frame);
  const room = Math.floor((frame.width - m.marginLeft - m.marginRight) / (textWidth(tickNumber(hi)) + 12));
  return { ...axis, ticks: logTicks(lo, hi, Math.max(2, room)) };
}

/** A value axis along y: as valueAxis, a linear one ending on a labelled tick ("nice"). */
function yValueAxis(values: number[], label: string, frame: Frame): Plot.ScaleOptions {
  const axis = valueAxis(values, label, { frame });
  return axis.type === "log" ? axis : { ...axis, nice: true };
}

/** One colour and marker per entry of a small set (scenarios, comparisons, rounds), in order. */
function styles<K extends string>(keys: readonly K[]): Map<K, { color: string; symbol: SymbolName }> {
  return new Map(keys.map((k, i) => [k, { color: categorical(i), symbol: SYMBOLS[i % SYMBOLS.length]! }]));
}

/** The round axis: rounds in release order, every other one labelled where the frame has no room for all. */
export function roundAxis(rounds: string[], frame: Frame): Plot.ScaleOptions {
  const m = margins(frame);
  const room = (frame.width - m.marginLeft - m.marginRight) / Math.max(1, rounds.length);
  const step = Math.ceil((textWidth("v0.0") + 8) / room);
  return {
    type: "point",
    label: "MLPerf Inference round →",
    domain: rounds,
    padding: 0.5,
    ticks: rounds.filter((_, i) => i % step === 0),
  };
}

/**
 * Rounds in panels of at most MAX_SERIES (each round is a colour): one panel while the rounds fit, else
 * consecutive rounds together ("v0.5–v2.0"), so no panel holds more colours than a reader can tell apart.
 */
function roundPanels(rounds: string[]): { title: string; rounds: string[] }[] {
  const n = Math.ceil(rounds.length / MAX_SERIES);
  const size = Math.ceil(rounds.length / n);
  const out: { title: string; rounds: string[] }[] = [];
  for (let i = 0; i < rounds.length; i += size) {
    const part = rounds.slice(i, i + size);
    out.push({ title: part.length > 1 ? `${part[0]}–${part[part.length - 1]}` : part[0]!, rounds: part });
  }
  return out;
}

/** Facet channels and layout for round panels; nothing extra when there is one panel. */
function roundFacets(rounds: string[], frame: Frame, panelHeight: number) {
  const groups = roundPanels(rounds);
  const faceted = groups.length > 1;
  const panels = panelGrid(
    groups.map((g, i) => ({ key: String(i), title: g.title })),
    frame,
  );
  const panelOf = new Map(groups.flatMap((g, i) => g.rounds.map((r) => [r, panels[i]!] as const)));
  const facet = faceted
    ? {
        fx: (d: { round: string }) => panelOf.get(d.round)!.fx,
        fy: (d: { round: string }) => panelOf.get(d.round)!.fy,
      }
    : {};
  return {
    faceted,
    facet,
    height: faceted ? gridHeight(panels, panelHeight) + 10 : panelHeight + 70,
    options: faceted ? { fx: { axis: null, padding: 0.1 }, fy: { axis: null, padding: 0.16 } } : {},
    titles: faceted
      ? [
          Plot.text(panels, {
            fx: "fx",
            fy: "fy",
            text: "title",
            frameAnchor: "top-left",
            textAnchor: "start",
            dy: -10,
            fontWeight: "bold",
          }),
        ]
      : [],
  };
}

/** Rows of a field-wide chart: a name on its own line above each row, so long names fit a phone too. */
function rowLabels(names: string[]): Plot.Markish {
  return Plot.text(names, {
    y: (n: string) => n,
    text: (n: string) => n,
    frameAnchor: "left",
    textAnchor: "start",
    dy: -11,
    fill: "currentColor",
    // A halo keeps the name legible where a reference line crosses it.
    stroke: "var(--chart-bg, white)",
    strokeWidth: 4,
  });
}
/** Height of one row: its name's line and its markers. */
const rowHeight = (frame: Frame) => (frame.narrow ? 34 : 30);

function forAccelerator(results: readonly MlperfResult[], acc: AcceleratorRef, benchmark = "resnet50") {
  return usable(results, benchmark).filter((r) => r.accelerator === acc.id);
}

/** ResNet-50 Offline throughput per accelerator by round: what newer software (and systems) gained. */
export function mlperfRoundsFigure(results: readonly MlperfResult[], acc: AcceleratorRef): FigureSpec {
  const id = `fig-mlperf-rounds-${acc.id}`;
  const rs = forAccelerator(results, acc).filter((r) => r.scenario === "Offline");
  if (rs.length === 0) throw new MissingDataError(id, `no MLPerf Offline results for ${acc.id}`);
  const color = categorical(0);
  const data = rs.map((r) => {
    const per = round(perAccelerator(r), 6)!;
    return {
      round: r.round,
      system: who(r),
      accelerators: r.perNode!,
      system_img_s: r.throughput!,
      per_accelerator_img_s: per,
      source: r.source,
      tip: tip(`${r.round} ${who(r)}`, `${num(per)} img/s per accelerator (${r.perNode} × ${r.nodes} node)`),
    };
  });
  const rounds = sortedRounds(rs);
  const best = rounds.map((r) => ({
    round: r,
    per_accelerator_img_s: Math.max(...data.filter((d) => d.round === r).map((d) => d.per_accelerator_img_s)),
  }));
  const first = best[0]!;
  const last = best[best.length - 1]!;
  const top = best.reduce((a, b) => (b.per_accelerator_img_s > a.per_accelerator_img_s ? b : a));
  return {
    id,
    title: `ResNet-50 Offline throughput per ${acc.name} across MLPerf rounds`,
    caption: `Each dot is one submitted system's MLPerf Inference Offline result divided by its accelerators; the line joins the best system of each round. ${DERIVED} ${CLOSED} Systems differ in host, software and power limits (MaxQ entries run power-capped).`,
    alt: `Dot chart of images per second per accelerator by MLPerf round for ${acc.name}: ${count(data.length, "system")} in ${count(rounds.length, "round")}. The best per accelerator is ${num(top.per_accelerator_img_s)} img/s (${top.round})${best.length > 1 ? `; the best of the first round (${first.round}) is ${num(first.per_accelerator_img_s)} img/s and of the last (${last.round}) ${num(last.per_accelerator_img_s)} img/s` : ""}.`,
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
    rows: tableRows(data),
    legend: [
      { label: "one system", color, symbol: "circle", hollow: true, line: "none" },
      { label: "best system of each round", color, line: "solid" },
    ],
    plot: (frame: Frame) => ({
      ...marginsFor(
        frame,
        data.map((d) => d.per_accelerator_img_s),
      ),
      height: frame.narrow ? 280 : 340,
      x: roundAxis(rounds, frame),
      y: yValueAxis(
        data.map((d) => d.per_accelerator_img_s),
        "↑ Offline throughput per accelerator (images/s, derived)",
        frame,
      ),
      marks: [
        Plot.line(best, { x: "round", y: "per_accelerator_img_s", stroke: color, strokeWidth: 1.5 }),
        Plot.dot(data, { x: "round", y: "per_accelerator_img_s", stroke: color, r: 3.5, title: "tip" }),
      ],
    }),
  };
}

type ThroughputScenario = Exclude<Scenario, "MultiStream">;
const SCENARIO_ORDER: ThroughputScenario[] = ["Offline", "Server", "SingleStream"];
const SCENARIO_STYLE = styles(SCENARIO_ORDER);
const SCENARIO_LABELS: Record<ThroughputScenario, string> = {
  Offline: "Offline per accelerator (derived)",
  Server: "Server per accelerator (derived)",
  SingleStream: "SingleStream batch 1: 1 ÷ 90th-percentile latency",
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
  const scenarios = [...new Set(rs.map((r) => r.scenario))] as ThroughputScenario[];
  if (scenarios.length < 2) throw new MissingDataError(id, `fewer than two scenarios for ${acc.id}`);
  const shown = SCENARIO_ORDER.filter((s) => scenarios.includes(s));
  const data = rs.map((r) => {
    const scenario = r.scenario as ThroughputScenario;
    const img_s = round(scenario === "SingleStream" ? r.throughput : perAccelerator(r), 6)!;
    return {
      round: r.round,
      scenario: SCENARIO_LABELS[scenario],
      system: who(r),
      accelerators: r.perNode!,
      img_s,
      reported: `${r.metric} = ${r.valueText} ${r.unit}`,
      source: r.source,
      color: SCENARIO_STYLE.get(scenario)!.color,
      symbol: SCENARIO_STYLE.get(scenario)!.symbol,
      tip: tip(`${r.round} ${who(r)}`, `${SCENARIO_LABELS[scenario]}: ${num(img_s)} img/s`),
    };
  });
  const rounds = sortedRounds(rs);
  const medianOf = (s: ThroughputScenario) =>
    num(median(data.filter((d) => d.scenario === SCENARIO_LABELS[s]).map((d) => d.img_s)));
  return {
    id,
    title: `ResNet-50 on ${acc.name}: MLPerf scenarios compared`,
    caption: `Offline lets the system batch freely; Server adds a latency bound (15 ms for ResNet-50); SingleStream sends one image at a time, so 1 ÷ its 90th-percentile latency is a batch-1 throughput (shown for one-accelerator systems only, undivided). ${DERIVED} ${CLOSED}`,
    alt: `Dot chart by MLPerf round of images per second for ${acc.name} in ${count(shown.length, "scenario")}. Medians: ${shown.map((s) => `${s} ${medianOf(s)} img/s`).join(", ")}.`,
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
    rows: tableRows(data),
    legend: shown.map((s) => ({
      label: SCENARIO_LABELS[s],
      color: SCENARIO_STYLE.get(s)!.color,
      symbol: SCENARIO_STYLE.get(s)!.symbol,
      line: "none" as const,
    })),
    plot: (frame: Frame) => ({
      ...marginsFor(
        frame,
        data.map((d) => d.img_s),
      ),
      height: frame.narrow ? 300 : 360,
      x: roundAxis(rounds, frame),
      y: yValueAxis(
        data.map((d) => d.img_s),
        "↑ Throughput (images/s)",
        frame,
      ),
      // One mark per scenario: side by side within a round, in the legend's order.
      marks: shown.map((s, i) =>
        Plot.dot(
          data.filter((d) => d.scenario === SCENARIO_LABELS[s]),
          {
            x: "round",
            y: "img_s",
            fill: "color",
            symbol: "symbol",
            r: 3.5,
            fillOpacity: 0.8,
            dx: (i - (shown.length - 1) / 2) * (frame.narrow ? 6 : 9),
            title: "tip",
          },
        ),
      ),
    }),
  };
}

/** System throughput against accelerators per node: how the systems submitted scale with the count. */
export function mlperfScalingFigure(results: readonly MlperfResult[], acc: AcceleratorRef): FigureSpec {
  const id = `fig-mlperf-scaling-${acc.id}`;
  const rs = forAccelerator(results, acc).filter((r) => r.scenario === "Offline");
  const counts = [...new Set(rs.map((r) => r.perNode!))].sort((a, b) => a - b);
  if (counts.length < 2) throw new MissingDataError(id, `one system size only for ${acc.id}`);
  const rounds = sortedRounds(rs);
  const style = styles(rounds);
  const data = rs.map((r) => {
    const per = round(perAccelerator(r), 6)!;
    return {
      round: r.round,
      system: who(r),
      accelerators: r.perNode!,
      system_img_s: r.throughput!,
      per_accelerator_img_s: per,
      source: r.source,
      color: style.get(r.round)!.color,
      symbol: style.get(r.round)!.symbol,
      tip: tip(
        `${r.round} ${who(r)}`,
        `${r.perNode} accelerators: ${num(r.throughput!)} img/s (${num(per)} img/s each, derived)`,
      ),
    };
  });
  const spread = (n: number) => {
    const xs = data.filter((d) => d.accelerators === n).map((d) => d.per_accelerator_img_s);
    return `${n}: ${num(Math.min(...xs))}–${num(Math.max(...xs))}`;
  };
  return {
    id,
    title: `ResNet-50 Offline throughput of ${acc.name} systems by accelerator count`,
    caption: `Whole-system MLPerf Offline throughput (reported) against the accelerators in the system; a system whose throughput grows in proportion to its accelerators lies on a line of slope 1 on these log axes. ${CLOSED} Colours and markers are rounds.`,
    alt: `Scatter of system images per second against accelerators per node (both log scale) for ${count(data.length, `${acc.name} system`)}. Per-accelerator ranges by count (derived): ${counts.map(spread).join("; ")} img/s.`,
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
    rows: tableRows(data),
    legend: rounds.map((r) => ({ label: r, ...style.get(r)!, line: "none" as const })),
    plot: (frame: Frame) => {
      const f = roundFacets(rounds, frame, frame.narrow ? 240 : 300);
      return {
        ...marginsFor(
          frame,
          data.map((d) => d.system_img_s),
          { top: f.faceted ? 46 : 28 },
        ),
        height: f.height,
        ...f.options,
        x: countAxis(counts, frame),
        y: yValueAxis(
          data.map((d) => d.system_img_s),
          "↑ System throughput (images/s)",
          frame,
        ),
        marks: [
          Plot.frame({ stroke: "currentColor", strokeOpacity: 0.15 }),
          Plot.dot(data, {
            x: "accelerators",
            y: "system_img_s",
            fill: "color",
            symbol: "symbol",
            r: 3.5,
            fillOpacity: 0.8,
            title: "tip",
            ...f.facet,
          }),
          ...f.titles,
        ],
      };
    },
  };
}

/**
 * Accelerators per node on a log-2 axis: the counts that occur, each labelled, less those that would
 * touch the label before them (20 beside 21).
 */
function countAxis(counts: number[], frame: Frame): Plot.ScaleOptions {
  const lo = counts[0]! / 1.3;
  const hi = counts[counts.length - 1]! * 1.3;
  const m = margins(frame);
  const px = (c: number) =>
    ((Math.log(c) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) *
    (frame.width - m.marginLeft - m.marginRight);
  const ticks: number[] = [];
  for (const c of counts) {
    const last = ticks[ticks.length - 1];
    const room = (textWidth(String(c)) + textWidth(String(last ?? ""))) / 2 + 8;
    if (last === undefined || px(c) - px(last) >= room) ticks.push(c);
  }
  return {
    label: "Accelerators per node →",
    type: "log",
    base: 2,
    grid: true,
    domain: [lo, hi],
    ticks,
    tickFormat: (d: number) => String(d),
  };
}

/** Whole-system images per joule of the power runs, by round (Offline and Server). */
export function mlperfPowerFigure(results: readonly MlperfResult[], acc: AcceleratorRef): FigureSpec {
  const id = `fig-mlperf-power-${acc.id}`;
  const rs = forAccelerator(results, acc).filter((r) => r.imgPerJoule !== null);
  if (rs.length === 0) throw new MissingDataError(id, `no MLPerf power runs for ${acc.id}`);
  const scenarios = SCENARIO_ORDER.filter((s) => rs.some((r) => r.scenario === s));
  const data = rs.map((r) => {
    const s = SCENARIO_STYLE.get(r.scenario as ThroughputScenario)!;
    return {
      round: r.round,
      scenario: r.scenario,
      system: who(r),
      accelerators: r.perNode!,
      power_w: r.powerW!,
      img_s_per_w: r.imgPerJoule!,
      source: r.source,
      color: s.color,
      symbol: s.symbol,
      tip: tip(
        `${r.round} ${who(r)}, ${r.scenario}`,
        `${num(r.imgPerJoule!)} img/s/W at ${num(r.powerW!)} W (whole system)`,
      ),
    };
  });
  const rounds = sortedRounds(rs);
  const best = data.reduce((a, b) => (b.img_s_per_w > a.img_s_per_w ? b : a));
  return {
    id,
    title: `ResNet-50 images per joule of ${acc.name} systems (MLPerf power runs)`,
    caption: `Throughput ÷ average wall power of the whole system under test during the run (computed from the run's power log as MLCommons' submission checker does), so host processors, memory and fans are included. ${CLOSED}`,
    alt: `Dot chart of images per second per watt by round for ${count(data.length, "power run")} of ${acc.name} systems. The highest is ${num(best.img_s_per_w)} img/s/W (${best.system}, ${best.round}, ${best.scenario}).`,
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
    rows: tableRows(data),
    legend: scenarios.map((s) => ({ label: s, ...SCENARIO_STYLE.get(s)!, line: "none" as const })),
    plot: (frame: Frame) => ({
      ...marginsFor(
        frame,
        data.map((d) => d.img_s_per_w),
      ),
      height: frame.narrow ? 260 : 320,
      x: roundAxis(rounds, frame),
      y: yValueAxis(
        data.map((d) => d.img_s_per_w),
        "↑ Efficiency (images/s per watt, whole system)",
        frame,
      ),
      marks: [
        Plot.dot(data, {
          x: "round",
          y: "img_s_per_w",
          fill: "color",
          symbol: "symbol",
          r: 3.5,
          fillOpacity: 0.8,
          title: "tip",
        }),
      ],
    }),
  };
}

const MAC_LINE: LegendEntry = {
  label: "ratio of multiply-accumulates (MAC ratio)",
  color: NEUTRAL,
  line: "dashed",
  dash: "5,4",
};

/** RetinaNet (800×800) against ResNet-50 (224×224) on the same systems of one accelerator. */
export function mlperfRetinanetAcceleratorFigure(
  pairs: readonly RetinanetPair[],
  acc: AcceleratorRef,
  macRatio: number,
): FigureSpec {
  const id = `fig-mlperf-retinanet-${acc.id}`;
  const ps = pairs.filter((p) => p.accelerator === acc.id);
  if (ps.length === 0) throw new MissingDataError(id, `no RetinaNet and ResNet-50 pairs for ${acc.id}`);
  const color = categorical(0);
  const data = ps.map((p) => ({
    round: p.round,
    system: p.label,
    resnet50_img_s: p.resnet50,
    retinanet_img_s: p.retinanet,
    ratio: round(p.ratio, 4)!,
    source: p.source,
    tip: tip(p.label, `ResNet-50 ÷ RetinaNet: ${num(p.ratio)}×`),
  }));
  const rounds = sortedRounds(ps);
  return {
    id,
    title: `How much slower RetinaNet runs than ResNet-50 on ${acc.name} systems`,
    caption: `ResNet-50 Offline images/s ÷ RetinaNet Offline images/s of the same system in the same round. The dashed line is the ratio of the networks' multiply-accumulates (${num(macRatio, 3)}×, counted by the atlas; see the RetinaNet finding): above it, the 800×800 network costs more than its arithmetic alone. ${CLOSED}`,
    alt: `Dot chart of throughput ratios by round for ${count(data.length, `${acc.name} system`)}; median ${num(median(data.map((d) => d.ratio)), 3)}× against a MAC ratio of ${num(macRatio, 3)}×.`,
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
    rows: tableRows(data),
    legend: [
      { label: "one system, both benchmarks in one round", color, symbol: "circle", line: "none" },
      MAC_LINE,
    ],
    plot: (frame: Frame) => ({
      ...margins(frame),
      height: frame.narrow ? 260 : 300,
      x: roundAxis(rounds, frame),
      y: yValueAxis([...data.map((d) => d.ratio), macRatio], "↑ ResNet-50 ÷ RetinaNet throughput (×)", frame),
      marks: [
        Plot.ruleY([macRatio], { stroke: NEUTRAL, strokeOpacity: 0.7, strokeDasharray: MAC_LINE.dash }),
        Plot.dot(data, { x: "round", y: "ratio", fill: color, r: 3.5, fillOpacity: 0.8, title: "tip" }),
      ],
    }),
  };
}

const studiesOfPairs = (pairs: readonly RetinanetPair[]) =>
  [...new Set(pairs.flatMap((p) => p.source.split("; ").map(studyOfSource)))].sort();

/**
 * "mlcommons/inference_results_v3.0@…" → the atlas study of that round and benchmark; any other source
 * is an error, so a figure never names a study that does not exist.
 */
function studyOfSource(source: string): string {
  const m = /inference_results_v(\d+)\.(\d+)@[0-9a-f]+:[^/]+\/[^/]+\/results\/[^/]+\/([^/]+)\//.exec(source);
  if (!m) throw new Error(`not an MLPerf results source: ${JSON.stringify(source)}`);
  const bench = m[3] === "retinanet" ? "retinanet" : "resnet50";
  return `mlperf-inference-v${m[1]}-${m[2]}-${bench}`;
}

/** The study a gain point's source names: a published table's folder, or an MLPerf round's results. */
function studyOfGainSource(source: string): string {
  const m = /^data\/studies\/([^/]+)\//.exec(source);
  return m ? m[1]! : studyOfSource(source);
}

const GAIN_ORDER = Object.keys(GAIN_LABELS) as GainComparison[];
const GAIN_STYLE = styles(GAIN_ORDER);

/** Batching gain per accelerator across the field, each point saying which comparison it is. */
export function mlperfBatchingFigure(
  points: readonly GainPoint[],
  names: Map<string, string>,
  o: { id: string; title: string },
): FigureSpec {
  if (points.length === 0) throw new MissingDataError(o.id, "no batching-gain points");
  const published = points.filter((p) => p.comparison === "published-table").length;
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
  const comparisons = GAIN_ORDER.filter((c) => points.some((p) => p.comparison === c));
  const data = points.map((p) => ({
    accelerator: name(p.accelerator),
    comparison: GAIN_LABELS[p.comparison],
    what: p.label,
    gain: round(p.gain, 4)!,
    larger_img_s: round(p.numerator, 6),
    smaller_img_s: round(p.denominator, 6),
    source: p.source,
    color: GAIN_STYLE.get(p.comparison)!.color,
    symbol: GAIN_STYLE.get(p.comparison)!.symbol,
    tip: tip(`${name(p.accelerator)}: ${p.label}`, `${GAIN_LABELS[p.comparison]}: ${num(p.gain)}×`),
  }));
  return {
    id: o.id,
    title: o.title,
    caption:
      `Each marker is one system (MLPerf, closed division, one node) or one published table series, in the accelerator's row. ${GAIN_LABELS["offline-vs-singlestream"]}: Offline throughput ÷ batch-1 throughput (1 ÷ SingleStream 90th-percentile latency); ${GAIN_LABELS["offline-vs-server"]}: the price of a latency bound rather than of batch 1; ${GAIN_LABELS["published-table"]}: each ResNet-50 v1.5 series of the atlas's published tables that has a batch-1 row (${count(published, "series", "series")}, whatever framework and precision its table used), from batch 1 to its largest batch. ` +
      "Offline lets the submitter choose any batching, so an MLPerf gain mixes batching with other parallelism (several streams, extra engines such as Jetson DLAs). Rows are ordered by the median of the batch-1 and published-table gains (by the Server ratio where an accelerator has neither); the vertical line is no gain (1×).",
    alt: `Dot chart of batching gain for ${count(accs.length, "accelerator")} and ${count(points.length, "point")}, ordered by median gain (batch-1 comparisons where an accelerator has them). Largest: ${order[0]} (${num(med.get(accs[0]!)!, 3)}×); smallest: ${order[order.length - 1]} (${num(med.get(accs[accs.length - 1]!)!, 3)}×).`,
    sources: [...new Set(points.flatMap((p) => p.source.split("; ").map(studyOfGainSource)))].sort(),
    columns: [
      { key: "accelerator", label: "accelerator" },
      { key: "comparison", label: "comparison" },
      { key: "what", label: "system or series" },
      { key: "gain", label: "gain (×)" },
      { key: "larger_img_s", label: "larger side (img/s)" },
      { key: "smaller_img_s", label: "smaller side (img/s)" },
      { key: "source", label: "sources" },
    ],
    rows: tableRows(data),
    legend: comparisons.map((c) => ({
      label: GAIN_LABELS[c],
      ...GAIN_STYLE.get(c)!,
      hollow: true,
      line: "none" as const,
    })),
    plot: (frame: Frame) => ({
      ...margins(frame, { left: 12, top: 44 }),
      height: 84 + order.length * rowHeight(frame),
      // A tall chart: ticks above and below.
      x: {
        ...xValueAxis([...data.map((d) => d.gain), 1], "Batching gain (×) →", frame, { zero: false }),
        axis: "both",
        inset: 6,
      },
      y: { axis: null, domain: order, padding: 0.5 },
      marks: [
        Plot.ruleX([1], { stroke: NEUTRAL, strokeOpacity: 0.6 }),
        rowLabels(order),
        // One mark per comparison: a little apart within a row, in the legend's order.
        ...comparisons.map((c, i) =>
          Plot.dot(
            data.filter((d) => d.comparison === GAIN_LABELS[c]),
            {
              x: "gain",
              y: "accelerator",
              stroke: "color",
              symbol: "symbol",
              r: 3,
              dy: 3 + (i - (comparisons.length - 1) / 2) * 4,
              title: "tip",
            },
          ),
        ),
      ],
    }),
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
  const style = styles(rounds);
  const data = points.map((p) => {
    const accelerator = names.get(p.result.accelerator!) ?? p.result.accelerator!;
    return {
      round: p.result.round,
      accelerator,
      system: `${who(p.result)} (${p.result.perNode}×)`,
      system_img_s: p.throughput,
      power_w: p.powerW,
      img_s_per_w: p.imgPerJoule,
      pareto: p.pareto ? "yes" : "",
      source: p.result.source,
      color: style.get(p.result.round)!.color,
      symbol: style.get(p.result.round)!.symbol,
      tip: tip(
        `${p.result.round} ${who(p.result)}`,
        `${p.result.perNode} × ${accelerator}`,
        `${num(p.throughput)} img/s at ${num(p.powerW)} W: ${num(p.imgPerJoule)} img/s/W`,
        p.pareto && "on the Pareto front",
      ),
    };
  });
  const front = data.filter((d) => d.pareto === "yes").sort((a, b) => a.system_img_s - b.system_img_s);
  return {
    id: o.id,
    title: o.title,
    caption:
      "Each marker is one MLPerf Offline power run (closed division, one node): whole-system throughput against whole-system images per joule (throughput ÷ average wall power in the run's power window, computed as MLCommons' submission checker does). " +
      "The line joins the Pareto front: runs no other run beats on both throughput and efficiency. Power is the whole system's, so systems with more accelerators amortise their host over more work. Colours and markers are rounds.",
    alt: `Scatter of images per second per watt against system throughput for ${count(data.length, "power run")} in ${count(rounds.length, "round")}; ${count(front.length, "run")} on the Pareto front, from ${front[0]?.system} to ${front[front.length - 1]?.system}.`,
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
    rows: tableRows(data),
    legend: [
      ...rounds.map((r) => ({ label: r, ...style.get(r)!, line: "none" as const })),
      { label: "Pareto front", color: NEUTRAL, line: "solid" as const },
    ],
    plot: (frame: Frame) => {
      const f = roundFacets(rounds, frame, frame.narrow ? 300 : 380);
      return {
        ...marginsFor(
          frame,
          data.map((d) => d.img_s_per_w),
          { top: f.faceted ? 46 : 28 },
        ),
        height: f.height,
        ...f.options,
        x: xValueAxis(
          data.map((d) => d.system_img_s),
          "System throughput (images/s) →",
          frame,
        ),
        y: yValueAxis(
          data.map((d) => d.img_s_per_w),
          "↑ Efficiency (images/s per watt, whole system)",
          frame,
        ),
        marks: [
          Plot.frame({ stroke: "currentColor", strokeOpacity: 0.15 }),
          // The front over every round, drawn in each panel.
          Plot.line(front, { x: "system_img_s", y: "img_s_per_w", stroke: NEUTRAL, strokeWidth: 1 }),
          Plot.dot(data, {
            x: "system_img_s",
            y: "img_s_per_w",
            fill: "color",
            symbol: "symbol",
            r: 3.5,
            fillOpacity: 0.8,
            title: "tip",
            ...f.facet,
          }),
          ...f.titles,
        ],
      };
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
  const color = categorical(0);
  const data = pairs.map((p) => ({
    accelerator: name(p.accelerator),
    system: p.label,
    resnet50_img_s: p.resnet50,
    retinanet_img_s: p.retinanet,
    ratio: round(p.ratio, 4)!,
    source: p.source,
    tip: tip(`${name(p.accelerator)}: ${p.label}`, `ResNet-50 ÷ RetinaNet: ${num(p.ratio)}×`),
  }));
  return {
    id: o.id,
    title: o.title,
    caption: `Each marker is one system that ran both benchmarks in the same round (MLPerf Offline, closed division, one node): ResNet-50 images/s ÷ RetinaNet images/s. The dashed line is the ratio of multiply-accumulates per image, ${num(o.macRatio, 3)}× (RetinaNet ResNeXt-50 FPN at 800×800 ÷ ResNet-50 at 224×224, counted by the atlas). A marker right of the line means the large-image network runs slower than its arithmetic alone predicts.`,
    alt: `Dot chart of throughput ratios for ${count(accs.length, "accelerator")} and ${count(data.length, "system")}; median ${num(median(data.map((d) => d.ratio)), 3)}× against a MAC ratio of ${num(o.macRatio, 3)}×.`,
    sources: studiesOfPairs(pairs),
    columns: [
      { key: "accelerator", label: "accelerator" },
      { key: "system", label: "system" },
      { key: "resnet50_img_s", label: "ResNet-50 Offline (img/s)" },
      { key: "retinanet_img_s", label: "RetinaNet Offline (img/s)" },
      { key: "ratio", label: "ResNet-50 ÷ RetinaNet (derived)" },
      { key: "source", label: "sources" },
    ],
    rows: tableRows(data),
    legend: [
      {
        label: "one system, both benchmarks in one round",
        color,
        symbol: "circle",
        hollow: true,
        line: "none",
      },
      MAC_LINE,
    ],
    plot: (frame: Frame) => ({
      ...margins(frame, { left: 12, top: 44 }),
      height: 84 + order.length * rowHeight(frame),
      // A tall chart: ticks above and below.
      x: {
        ...xValueAxis(
          [...data.map((d) => d.ratio), o.macRatio],
          "ResNet-50 ÷ RetinaNet throughput (×) →",
          frame,
          { zero: false },
        ),
        axis: "both",
        inset: 6,
      },
      y: { axis: null, domain: order, padding: 0.5 },
      marks: [
        Plot.ruleX([o.macRatio], { stroke: NEUTRAL, strokeOpacity: 0.7, strokeDasharray: MAC_LINE.dash }),
        rowLabels(order),
        Plot.dot(data, {
          x: "ratio",
          y: "accelerator",
          stroke: color,
          r: 3,
          dy: 3,
          title: "tip",
        }),
      ],
    }),
  };
}
