/**
 * The MLPerf figures on hand-made results: what each plots, that each follows the design system
 * (laid out for both frames, legend below, at most six colours per panel, log ticks all labelled, no
 * labels touching) and, as for every family, the reviewed SVG snapshots, wide and narrow.
 */
import { describe, expect, it } from "vitest";
import type * as Plot from "@observablehq/plot";
import {
  mlperfBatchingFigure,
  mlperfEfficiencyFigure,
  mlperfPowerFigure,
  mlperfRetinanetAcceleratorFigure,
  mlperfRetinanetFigure,
  mlperfRoundsFigure,
  mlperfScalingFigure,
  mlperfScenariosFigure,
} from "../../../src/pipeline/figures/mlperf.ts";
import {
  efficiencyPoints,
  type GainPoint,
  type RetinanetPair,
} from "../../../src/pipeline/mlperf/analysis.ts";
import type { MlperfResult } from "../../../src/pipeline/mlperf/normalize.ts";
import { MAX_SERIES, NARROW, WIDE } from "../../../src/pipeline/figures/common.ts";
import { renderFigure, renderInline } from "../../../src/pipeline/figures/render.ts";
import { MissingDataError, plotOptions, type FigureSpec } from "../../../src/pipeline/figures/spec.ts";
import { snapshotOf } from "./snapshot.ts";

function result(o: Partial<MlperfResult> & Pick<MlperfResult, "system" | "scenario">): MlperfResult {
  return {
    study: `mlperf-inference-${(o.round ?? "v3.0").replace(".", "-")}-resnet50`,
    round: "v3.0",
    benchmark: "resnet50",
    division: "closed",
    submitter: "Acme",
    systemName: o.system,
    category: "datacenter",
    availability: "available",
    acceleratorModel: "Fixture A",
    hostProcessor: "Fixture CPU",
    framework: "FixtureRT",
    accelerator: "acc-a",
    deviceKind: "accelerator",
    unmappedReason: null,
    perNode: 1,
    nodes: 1,
    metric: "Samples per second",
    value: 1,
    valueText: "1",
    unit: "samples/s",
    validity: "VALID",
    throughput: null,
    latencyMs: null,
    powerW: null,
    imgPerJoule: null,
    line: 2,
    source: `mlcommons/inference_results_v3.0@${"0".repeat(40)}:closed/Acme/results/${o.system}/resnet50/${o.scenario}/performance/run_1/mlperf_log_summary.txt:7`,
    series: "s",
    ...o,
  };
}

const ACC = { id: "acc-a", name: "Acc A" };
const offline = (round: string, system: string, perNode: number, throughput: number, extra = {}) =>
  result({ round, system, scenario: "Offline", perNode, throughput, value: throughput, ...extra });

const results: MlperfResult[] = [
  offline("v0.7", "a1", 1, 5000),
  offline("v0.7", "a8", 8, 36000),
  offline("v1.0", "b1", 1, 5600),
  offline("v1.0", "b8", 8, 46400, { powerW: 2900, imgPerJoule: 16 }),
  offline("v3.0", "c1", 1, 6100, { powerW: 250, imgPerJoule: 24.4 }),
  offline("v3.0", "c20", 20, 118000),
  offline("v3.0", "c21", 21, 121000),
  result({ round: "v3.0", system: "c1", scenario: "SingleStream", throughput: 1250, unit: "ns" }),
  result({ round: "v3.0", system: "c8", scenario: "SingleStream", throughput: 1300, perNode: 8, unit: "ns" }),
  result({ round: "v1.0", system: "b8", scenario: "Server", perNode: 8, throughput: 40000, powerW: 2950 }),
  // Left out of every figure: invalid, open division, another accelerator, multi-node.
  offline("v3.0", "bad", 1, 9e5, { validity: "INVALID" }),
  offline("v3.0", "open", 1, 9e5, { division: "open" }),
  offline("v3.0", "other", 1, 9e5, { accelerator: "acc-b" }),
  offline("v3.0", "multi", 8, 9e5, { nodes: 2 }),
].map((r) => (r.scenario === "Server" && r.powerW ? { ...r, imgPerJoule: r.throughput! / r.powerW } : r));

/** Rendered tick labels of each axis group (`x-axis tick label`, top and bottom) of a figure's SVG. */
function tickLabels(svg: string, axis: "x" | "y"): string[][] {
  return [...svg.matchAll(new RegExp(`data-mark="${axis}-axis tick label"[^>]*>(.*?)</g>`, "gs"))].map((m) =>
    [...m[1]!.matchAll(/>([^<]*)<\/text>/g)].map((t) => t[1]!),
  );
}

/** The data of every mark of a spec at a frame, flattened. */
const markData = (spec: FigureSpec, frame: typeof WIDE): unknown[] =>
  (plotOptions(spec, frame).marks as unknown as { data?: unknown }[]).flatMap((m) =>
    Array.isArray(m.data) ? m.data : [],
  );

function designRules(spec: FigureSpec): void {
  // Laid out per frame (not the compatibility path for fixed options), with a legend below the plot.
  expect(typeof spec.plot).toBe("function");
  expect(spec.legend?.length ?? 0).toBeGreaterThan(0);
  expect((plotOptions(spec, WIDE).marks ?? []).length).toBe((plotOptions(spec, NARROW).marks ?? []).length);
  for (const frame of [WIDE, NARROW]) {
    const o = plotOptions(spec, frame);
    for (const axis of ["x", "y"] as const) {
      const scale = o[axis] as Plot.ScaleOptions | undefined;
      if (scale?.type !== "log" || !Array.isArray(scale.ticks)) continue;
      // Every chosen tick of a log axis is labelled, on every axis line drawn.
      const svg = frame.narrow ? renderInline(spec).narrow : renderFigure(spec);
      const format = scale.tickFormat as (d: number) => string;
      for (const group of tickLabels(svg, axis))
        expect(group).toEqual((scale.ticks as number[]).map((t) => format(t)));
    }
  }
  // Table rows carry no drawing channels.
  for (const r of spec.rows) for (const k of ["color", "symbol", "tip"]) expect(r).not.toHaveProperty(k);
}

describe("per-accelerator MLPerf figures", () => {
  it("rounds: each system's Offline value shared out per accelerator, the best of each round joined", () => {
    const spec = mlperfRoundsFigure(results, ACC);
    expect(spec.rows.map((r) => [r.round, r.system, r.per_accelerator_img_s])).toEqual([
      ["v0.7", "Acme a1", 5000],
      ["v0.7", "Acme a8", 4500],
      ["v1.0", "Acme b1", 5600],
      ["v1.0", "Acme b8", 5800],
      ["v3.0", "Acme c1", 6100],
      ["v3.0", "Acme c20", 5900],
      ["v3.0", "Acme c21", 5761.9],
    ]);
    const line = (
      plotOptions(spec, WIDE).marks as unknown as { data: { per_accelerator_img_s: number }[] }[]
    )[0]!;
    expect(line.data.map((d) => d.per_accelerator_img_s)).toEqual([5000, 5800, 6100]);
    expect(spec.caption).toContain("not verified by MLCommons");
    designRules(spec);
  });

  it("scenarios: SingleStream only from one-accelerator systems, each scenario its own colour and marker", async () => {
    const spec = mlperfScenariosFigure(results, ACC);
    expect(
      spec.rows.filter((r) => String(r.scenario).startsWith("SingleStream")).map((r) => r.system),
    ).toEqual(["Acme c1"]);
    expect(spec.legend!.map((l) => l.label)).toEqual([
      "Offline per accelerator (derived)",
      "Server per accelerator (derived)",
      "SingleStream batch 1: 1 ÷ 90th-percentile latency",
    ]);
    expect(new Set(spec.legend!.map((l) => l.symbol)).size).toBe(3);
    designRules(spec);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/mlperf-scenarios.svg");
    expect(() =>
      mlperfScenariosFigure(
        results.filter((r) => r.scenario === "Offline"),
        ACC,
      ),
    ).toThrow(MissingDataError);
  });

  it("scaling: a log axis of the counts that occur, without labels that would touch (20 beside 21)", () => {
    const spec = mlperfScalingFigure(results, ACC);
    for (const frame of [WIDE, NARROW]) {
      const ticks = (plotOptions(spec, frame).x as Plot.ScaleOptions).ticks as number[];
      expect(ticks.slice(0, 3)).toEqual([1, 8, 20]);
      expect(ticks).not.toContain(21);
    }
    designRules(spec);
  });

  it("scaling: rounds in panels of at most six colours once there are more than six rounds", async () => {
    const rounds = ["v0.5", "v0.7", "v1.0", "v1.1", "v2.0", "v2.1", "v3.0"];
    const many = rounds.flatMap((round, i) => [
      offline(round, `one-${i}`, 1, 5000 + 100 * i),
      offline(round, `four-${i}`, 4, 19000 + 400 * i),
    ]);
    const spec = mlperfScalingFigure(many, ACC);
    expect(spec.legend!.map((l) => l.label)).toEqual(rounds);
    for (const frame of [WIDE, NARROW]) {
      // Two panels (v0.5–v1.1, v2.0–v3.0), titled in the chart.
      const titles = markData(spec, frame).flatMap((d) =>
        d && typeof d === "object" && "title" in d ? [(d as { title: string }).title] : [],
      );
      expect(titles).toEqual(["v0.5–v1.1", "v2.0–v3.0"]);
    }
    for (const panel of [rounds.slice(0, 4), rounds.slice(4)])
      expect(panel.length).toBeLessThanOrEqual(MAX_SERIES);
    designRules(spec);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/mlperf-scaling-panels.svg");
  });

  it("power: whole-system images per joule of Offline and Server power runs", () => {
    const spec = mlperfPowerFigure(results, ACC);
    expect(spec.rows.map((r) => [r.round, r.scenario, r.img_s_per_w])).toEqual([
      ["v1.0", "Offline", 16],
      ["v3.0", "Offline", 24.4],
      ["v1.0", "Server", 40000 / 2950],
    ]);
    designRules(spec);
    expect(() => mlperfPowerFigure(results, { id: "acc-z", name: "Z" })).toThrow(MissingDataError);
  });

  it("RetinaNet: the same systems' throughput ratio against the MAC ratio, which the axis includes", () => {
    const pairs: RetinanetPair[] = [
      {
        accelerator: "acc-a",
        round: "v3.0",
        label: "v3.0 Acme c1",
        resnet50: 6100,
        retinanet: 90,
        ratio: 6100 / 90,
        source:
          "mlcommons/inference_results_v3.0@0000:closed/Acme/results/c1/resnet50/Offline/x; mlcommons/inference_results_v3.0@0000:closed/Acme/results/c1/retinanet/Offline/x",
      },
    ];
    const spec = mlperfRetinanetAcceleratorFigure(pairs, ACC, 49.2);
    const y = plotOptions(spec, WIDE).y as Plot.ScaleOptions;
    expect(y.type).not.toBe("log");
    expect(spec.legend!.map((l) => l.line)).toEqual(["none", "dashed"]);
    designRules(spec);
  });
});

describe("field-wide MLPerf figures", () => {
  const names = new Map([
    ["acc-a", "Acc A"],
    ["acc-b", "A much longer accelerator name (PCIe, 80 GB)"],
    ["acc-c", "Acc C"],
  ]);
  const gain = (
    accelerator: string,
    comparison: GainPoint["comparison"],
    g: number,
    label = "x",
    source = "mlcommons/inference_results_v3.0@0000:closed/Acme/results/s/resnet50/Offline/x",
  ): GainPoint => ({
    accelerator,
    comparison,
    gain: g,
    numerator: 1000 * g,
    denominator: 1000,
    label,
    round: "v3.0",
    source,
  });
  const gains = [
    gain("acc-a", "offline-vs-singlestream", 4.8),
    gain("acc-a", "offline-vs-server", 1.2),
    gain("acc-b", "offline-vs-singlestream", 22),
    gain("acc-b", "published-table", 35, "dle series", "data/studies/dle/t.csv:2; data/studies/dle/t.csv:9"),
    gain("acc-c", "offline-vs-server", 1.05),
  ];

  it("batching gain: one row per accelerator ordered by its batch-1 gains, names above the rows", async () => {
    const spec = mlperfBatchingFigure(gains, names, { id: "fig-mlperf-batching-gain", title: "t" });
    // Its sources are the studies its points come from: a published table's folder, MLPerf's rounds.
    expect(spec.sources).toEqual(["dle", "mlperf-inference-v3-0-resnet50"]);
    // A source that names no study is an error, never a made-up study id.
    expect(() =>
      mlperfBatchingFigure([gain("acc-a", "offline-vs-server", 2, "x", "somewhere")], names, {
        id: "f",
        title: "t",
      }),
    ).toThrow(/not an MLPerf results source: "somewhere"/);
    expect(spec.caption).toContain("(1 series, whatever framework and precision its table used)");
    const o = plotOptions(spec, NARROW);
    expect((o.y as Plot.ScaleOptions).domain).toEqual([
      "A much longer accelerator name (PCIe, 80 GB)",
      "Acc A",
      "Acc C",
    ]);
    expect((o.y as Plot.ScaleOptions).axis).toBeNull();
    expect((o.x as Plot.ScaleOptions).type).toBe("log");
    expect(o.marginLeft).toBeLessThan(20);
    designRules(spec);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/mlperf-batching-gain.svg");
  });

  it("efficiency: every Offline power run by round, with the Pareto front", async () => {
    const points = efficiencyPoints(results);
    const spec = mlperfEfficiencyFigure(points, names, { id: "fig-mlperf-efficiency", title: "t" });
    expect(spec.rows.map((r) => [r.system, r.pareto])).toEqual([
      ["Acme b8 (8×)", "yes"],
      ["Acme c1 (1×)", "yes"],
    ]);
    expect(spec.legend!.map((l) => l.label)).toEqual(["v1.0", "v3.0", "Pareto front"]);
    designRules(spec);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/mlperf-efficiency.svg");
  });

  it("RetinaNet against ResNet-50: ratios per accelerator against the MAC ratio", async () => {
    const pair = (accelerator: string, ratio: number, label: string): RetinanetPair => ({
      accelerator,
      round: "v3.0",
      label,
      resnet50: 100 * ratio,
      retinanet: 100,
      ratio,
      source: "mlcommons/inference_results_v3.0@0000:closed/Acme/results/s/retinanet/Offline/x",
    });
    const spec = mlperfRetinanetFigure(
      [
        pair("acc-a", 60, "v3.0 Acme c1"),
        pair("acc-a", 70, "v3.0 Acme c2"),
        pair("acc-b", 52, "v3.0 Acme d"),
      ],
      names,
      { id: "fig-mlperf-retinanet-vs-resnet50", title: "t", macRatio: 49.2 },
    );
    expect((plotOptions(spec, WIDE).y as Plot.ScaleOptions).domain).toEqual([
      "Acc A",
      "A much longer accelerator name (PCIe, 80 GB)",
    ]);
    const x = plotOptions(spec, WIDE).x as Plot.ScaleOptions;
    expect(x.axis).toBe("both");
    designRules(spec);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/mlperf-retinanet.svg");
  });
});
