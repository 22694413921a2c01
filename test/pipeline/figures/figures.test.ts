/**
 * Figure functions are pure: rows in, spec out. These tests pin what each family plots, the rules of
 * the design system (panels of at most six series, numeric batch order, log axes over 10×, units in
 * every axis label, a legend outside the plot) and, as Plot's own tests do, the rendered SVG of every
 * family, wide and narrow, with coordinates rounded to 3 decimals (snapshots under __snapshots__/; a
 * change must be reviewed).
 */
import { describe, expect, it } from "vitest";
import type * as Plot from "@observablehq/plot";
import type { Accelerator, CanonicalRow } from "../../../src/pipeline/schema.ts";
import type { AuditFinding } from "../../../src/pipeline/normalize/audit.ts";
import { batchScalingFigure } from "../../../src/pipeline/figures/batch-scaling.ts";
import { peakFractionFigure } from "../../../src/pipeline/figures/peak-fraction.ts";
import { speedupFigure } from "../../../src/pipeline/figures/speedup.ts";
import { costFigure, costRows } from "../../../src/pipeline/figures/cost.ts";
import { memoryFigure } from "../../../src/pipeline/figures/memory.ts";
import { sramFigure } from "../../../src/pipeline/figures/sram.ts";
import { auditSummaryFigure } from "../../../src/pipeline/figures/audit-summary.ts";
import { efficiencyFigure, latencyThroughputFigure } from "../../../src/pipeline/figures/tradeoff.ts";
import { validationFigure } from "../../../src/pipeline/figures/validation.ts";
import { batchAt90Figure } from "../../../src/pipeline/figures/batch90.ts";
import { simulatedScalingFigure } from "../../../src/pipeline/figures/sim-scaling.ts";
import { lightSvg, renderFigure, renderInline, stableIds } from "../../../src/pipeline/figures/render.ts";
import { MissingDataError, plotOptions, type FigureSpec } from "../../../src/pipeline/figures/spec.ts";
import { NARROW, sourceRef, tickNumber, WIDE, type Frame } from "../../../src/pipeline/figures/common.ts";
import type { MemoryBreakdownRow } from "../../../src/pipeline/simulate/sweep.ts";
import type { ValidationReport } from "../../../src/pipeline/simulate/validate.ts";
import { snapshotOf } from "./snapshot.ts";
import { brokenDerivations } from "../../../src/pipeline/report/assumptions.ts";
import { FORMULAS } from "../../../src/pipeline/normalize/normalize.ts";

function row(
  series: string,
  batch: number,
  throughput: number,
  extra: Partial<CanonicalRow> = {},
): CanonicalRow {
  return {
    study: "study-a",
    series,
    accelerator: "acc-a",
    devices: 1,
    model: "resnet50_v1.5",
    input_width: 224,
    input_height: 224,
    precision: "fp32",
    framework: "FixtureFlow 2 (build 7)",
    execution: "graph",
    batch_size: batch,
    latency_ms: (batch * 1000) / throughput,
    latency_p90_ms: null,
    latency_p95_ms: null,
    latency_p99_ms: null,
    utilization_pct: null,
    memory_used_mb: null,
    throughput_img_s: throughput,
    power_w: null,
    img_s_per_w: null,
    cost_usd_per_1000_img: null,
    fraction_of_peak: null,
    kind: "measured",
    note: "",
    derived: "",
    source_file: "data/studies/study-a/t.csv",
    source_line: String(batch + 1),
    ...extra,
  };
}
const fp32 = [
  row("s-fp32", 1, 100),
  row("s-fp32", 2, 180),
  row("s-fp32", 4, 300),
  row("s-fp32", 8, 380),
  row("s-fp32", 16, 400),
].map((r) => ({ ...r, fraction_of_peak: r.throughput_img_s! / 400 }));
const amp = [
  row("s-amp", 1, 110, { precision: "mixed-fp16" }),
  row("s-amp", 2, 220, { precision: "mixed-fp16" }),
  row("s-amp", 4, 430, { precision: "mixed-fp16" }),
  row("s-amp", 8, 760, { precision: "mixed-fp16" }),
  row("s-amp", 16, 900, { precision: "mixed-fp16" }),
];
const simulatedRow = (r: CanonicalRow, series: string, factor: number, note = ""): CanonicalRow => ({
  ...r,
  series,
  kind: "simulated",
  throughput_img_s: r.throughput_img_s! * factor,
  study: "atlas-simulator",
  framework: "atlas-simulator (stack: fixture)",
  execution: "simulated (fusion policy: fused)",
  note,
});
const twin = fp32.map((r) => simulatedRow(r, "sim-s-fp32", 1.1, "Simulated twin of s-fp32"));
const sweep = fp32.map((r) => simulatedRow(r, "sim-acc-a-other", 1));
const rows = [...fp32, ...amp, ...twin, ...sweep];

/** Every axis label of a spec's Plot options at a frame names its unit in parentheses. */
function axisLabels(spec: FigureSpec, frame: Frame): string[] {
  const o = plotOptions(spec, frame);
  return (["x", "y"] as const)
    .map((k) => (o[k] as Plot.ScaleOptions | undefined)?.label)
    .filter((l): l is string => typeof l === "string");
}

describe("batch scaling figure", () => {
  const spec = batchScalingFigure(rows, {
    accelerator: { id: "acc-a", name: "Acc A" },
    model: "resnet50_v1.5",
    metric: "throughput",
    studyTitles: { "study-a": "Study A" },
  })!;
  it("plots every measured series and only the simulated twins of those series, with unique labels", () => {
    expect(spec.id).toBe("fig-throughput-acc-a-resnet50");
    // The accelerator's page finds its figures by this field, not by id prefix (acc-a's would match acc-a-b's).
    expect(spec.accelerator).toBe("acc-a");
    const series = [...new Set(spec.rows.map((r) => r.series))];
    expect(series).toEqual(["FP32, graph", "mixed FP16, graph", "simulated, FP32, graph"]);
    expect(spec.rows.filter((r) => r.kind === "measured")).toHaveLength(10);
    expect(spec.caption).toContain("Study A");
    expect(spec.caption).toContain("Dashed lines are the atlas simulator's predictions");
    // A legend entry per measured series and one for the twins' style: below the chart, never over it.
    expect(spec.legend!.map((l) => l.label)).toEqual([
      "FP32, graph",
      "mixed FP16, graph",
      "simulated twin of each series (dashed)",
    ]);
  });
  it("uses a log axis for a quantity spanning more than 10× and a linear one otherwise", () => {
    expect((plotOptions(spec, WIDE).y as Plot.ScaleOptions).type).toBeUndefined();
    const wide = batchScalingFigure([...fp32, row("s-fp32", 32, 4100)], {
      accelerator: { id: "acc-a", name: "Acc A" },
      model: "resnet50_v1.5",
      metric: "throughput",
      studyTitles: {},
    })!;
    expect((plotOptions(wide, WIDE).y as Plot.ScaleOptions).type).toBe("log");
  });
  it("names the unit of every axis", () => {
    for (const frame of [WIDE, NARROW]) for (const l of axisLabels(spec, frame)) expect(l).toMatch(/\(.+\)/);
  });
  it("says in its caption when a source does not state the input size, and when every series ran on several devices", () => {
    expect(spec.caption).toContain("at 224×224 on Acc A, one line");
    const o = {
      accelerator: { id: "acc-a", name: "Acc A" },
      model: "resnet50_v1.5",
      metric: "throughput" as const,
      studyTitles: {},
    };
    expect(batchScalingFigure(rows, { ...o, assumedInput: new Set(["s-fp32"]) })!.caption).toContain(
      "at 224×224 (assumed for 1 of 2 series, whose source does not state it) on Acc A",
    );
    expect(batchScalingFigure(rows, { ...o, assumedInput: new Set(["s-fp32", "s-amp"]) })!.caption).toContain(
      "at 224×224 (assumed: no source states it) on Acc A",
    );
    const card = [...fp32, ...amp].map((r) => ({ ...r, devices: 2 }));
    expect(batchScalingFigure(card, o)!.caption).toContain(
      "on Acc A (2 devices together in every series), one line",
    );
  });
  it("returns null when the accelerator has no measurements of the model", () => {
    expect(
      batchScalingFigure(rows, {
        accelerator: { id: "acc-a", name: "Acc A" },
        model: "yolov3",
        metric: "latency",
        studyTitles: {},
      }),
    ).toBeNull();
  });
  it("renders to the same SVG as the reviewed snapshot", async () => {
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/batch-scaling.svg");
  });
});

describe("small multiples", () => {
  // Four series of two frameworks, each with a twin: eight lines, more than one panel may hold.
  const pyt = (r: CanonicalRow) => ({
    ...r,
    study: "study-b",
    framework: "PyTorch (NGC 21.03)",
    execution: "eager",
  });
  const more = [
    ...fp32.map((r) => pyt({ ...r, series: "b-fp32" })),
    ...amp.map((r) => pyt({ ...r, series: "b-amp" })),
  ];
  const twins = [...amp, ...more].map((r) =>
    simulatedRow(r, `sim-${r.series}`, 0.9, `Simulated twin of ${r.series}`),
  );
  const spec = batchScalingFigure([...fp32, ...amp, ...twin, ...more, ...twins], {
    accelerator: { id: "acc-a", name: "Acc A" },
    model: "resnet50_v1.5",
    metric: "latency",
    studyTitles: {},
  })!;
  it("splits more than six lines into panels by framework, each panel at most six lines", () => {
    const options = plotOptions(spec, WIDE);
    const marks = options.marks as unknown[];
    expect(marks.length).toBeGreaterThan(4);
    expect(spec.caption).toContain("in panels by framework");
    // Two panels side by side when wide, stacked when narrow (the same series in each).
    const svg = renderInline(spec);
    expect(svg.wide).toContain(">FixtureFlow 2 (build 7)<");
    expect(svg.wide).toContain(">PyTorch (NGC 21.03)<");
    expect(svg.narrow).toContain(">PyTorch (NGC 21.03)<");
    // Labels tell apart series that share precision and execution, by framework.
    const labels = new Set(spec.rows.map((r) => r.series));
    expect(labels.size).toBe(8);
  });
  it("gives every series of one precision its own shade and marker", () => {
    const amps = spec.legend!.filter((l) => l.label.startsWith("mixed FP16"));
    expect(amps).toHaveLength(2);
    expect(new Set(amps.map((l) => l.color)).size).toBe(2);
    expect(new Set(amps.map((l) => l.symbol)).size).toBe(2);
  });
  it("renders to the reviewed snapshot", async () => {
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/small-multiples.svg");
  });
  it("labels every tick of a log axis in every panel (Plot thins log tick labels; the T4's lost 5, 50, 500)", () => {
    // Three frameworks' panels, two rows of them when wide, with latencies over two decades (log axis).
    const third = fp32.map((r) => ({
      ...r,
      study: "study-c",
      series: "c-fp32",
      framework: "MXNet (fixture)",
    }));
    const spread = (r: CanonicalRow) => ({ ...r, latency_ms: 3 * r.batch_size! ** 2 });
    const logSpec = batchScalingFigure([...fp32, ...amp, ...twin, ...more, ...twins, ...third].map(spread), {
      accelerator: { id: "acc-a", name: "Acc A" },
      model: "resnet50_v1.5",
      metric: "latency",
      studyTitles: {},
    })!;
    const y = plotOptions(logSpec, WIDE).y as Plot.ScaleOptions;
    expect(y.type).toBe("log");
    const ticks = y.ticks as number[];
    expect(ticks).toContain(50); // a mantissa d3 leaves unlabelled on an axis this long
    const { wide } = renderInline(logSpec);
    const group = wide.slice(wide.indexOf('data-mark="y-axis tick label"'));
    const labels = [
      ...group.slice(0, group.indexOf('data-mark="', 10)).matchAll(/<text[^>]*?(?:\/>|>([^<]*)<\/text>)/g),
    ].map((m) => m[1] ?? "");
    expect(labels.length).toBe(ticks.length * 2);
    expect(labels).toEqual([...ticks, ...ticks].map((t) => tickNumber(t)));
  });
});

describe("derived values whose assumption fails", () => {
  // Latency derived as batch ÷ throughput, at a batch larger than the run's 1,000 images.
  const derived = (batch: number, thr: number) =>
    row("run", batch, thr, {
      derived: `latency_ms=${FORMULAS.latencyFromThroughput}`,
      source_file: "data/studies/study-a/run.csv",
      source_line: String(batch),
    });
  const runRows = [derived(256, 200), derived(512, 210), derived(2048, 800)];
  const audit: AuditFinding[] = [
    {
      study: "study-a",
      series: "run",
      check: "batch-exceeds-images",
      severity: "warning",
      message: "batch 2048: a batch of 2048 is larger than the 1,000 images in the run",
      rows: ["data/studies/study-a/run.csv:2048"],
      values: { batch_size: 2048, images: 1000 },
    },
  ];
  const broken = brokenDerivations(runRows, audit);
  it("are found by joining the derivation formula with the audit finding that breaks it", () => {
    expect([...broken.keys()]).toEqual(["data/studies/study-a/run.csv:2048"]);
    expect(broken.get("data/studies/study-a/run.csv:2048")![0]!.field).toBe("latency_ms");
  });
  it("are left out of the latency chart, with a note, but not out of the throughput chart", () => {
    const opts = {
      accelerator: { id: "acc-a", name: "Acc A" },
      model: "resnet50_v1.5",
      studyTitles: {},
      broken,
    };
    const latency = batchScalingFigure(runRows, { ...opts, metric: "latency" })!;
    expect(latency.rows.map((r) => r.batch)).toEqual([256, 512]);
    expect(latency.caption).toContain("Left out: 1 latency derived as batch ÷ throughput");
    expect(latency.caption).toContain("at batch 2048");
    const throughput = batchScalingFigure(runRows, { ...opts, metric: "throughput" })!;
    expect(throughput.rows.map((r) => r.batch)).toEqual([256, 512, 2048]);
  });
});

describe("architecture comparison (fraction of batch 16)", () => {
  const spec = peakFractionFigure(rows, {
    id: "fig-test-arch",
    title: "Test",
    caption: "Caption",
    sources: ["study-a"],
    threshold: 0.9,
    referenceBatch: 16,
    series: [
      { id: "s-fp32", label: "FP32" },
      { id: "s-amp", label: "AMP" },
    ],
    claims: [{ label: "Chip X (claim)", batch: 4, fraction: 0.9, source: "poster" }],
  });
  it("divides by the throughput at the reference batch and keeps claims apart from data", () => {
    const at4 = spec.rows.find((r) => r.series === "FP32" && r.batch === 4)!;
    expect(at4.fraction).toBe(0.75);
    expect(spec.rows.filter((r) => r.kind === "claim")).toEqual([
      { series: "Chip X (claim)", kind: "claim", batch: 4, fraction: 0.9, source: "poster" },
    ]);
    expect(spec.alt).toContain("FP32 first reaches 90 % at batch 8; AMP first reaches 90 % at batch 16");
    // The claim is a hollow marker in the legend, not a line.
    expect(spec.legend!.find((l) => l.label === "Chip X (claim)")).toMatchObject({ hollow: true });
  });
  it("throws MissingDataError when a series is absent, so reports without that study skip the figure", () => {
    expect(() =>
      peakFractionFigure(rows, {
        id: "x",
        title: "x",
        caption: "x",
        sources: [],
        threshold: 0.9,
        referenceBatch: 16,
        series: [{ id: "nope", label: "n" }],
        claims: [],
      }),
    ).toThrow(MissingDataError);
  });
  it("renders to the reviewed snapshot", async () => {
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/peak-fraction.svg");
  });
});

describe("a row's source in a figure's table", () => {
  it("names every row merged into it, as the audit's references do", () => {
    expect(sourceRef(row("s", 1, 10, { source_file: "a.csv;b.csv", source_line: "2;7" }))).toBe(
      "a.csv:2; b.csv:7",
    );
    // Two lines of one file: both, not the first alone.
    expect(sourceRef(row("s", 1, 10, { source_file: "a.csv", source_line: "2;5" }))).toBe("a.csv:2; a.csv:5");
    expect(sourceRef(row("s", 1, 10, { kind: "simulated" }))).toBe("simulator");
  });
});

describe("speed-up figure", () => {
  it("divides throughputs at equal batch sizes", async () => {
    // The two series from two tables, so each ratio's rows can be told apart.
    const twoTables = rows.map((r) =>
      r.series === "s-amp" ? { ...r, source_file: "data/studies/study-a/amp.csv" } : r,
    );
    const spec = speedupFigure(twoTables, {
      id: "fig-test-speedup",
      title: "T",
      caption: "C",
      sources: [],
      pairs: [{ label: "AMP ÷ FP32", series: "s-amp", baseline: "s-fp32" }],
    });
    expect(spec.rows.map((r) => r.speedup)).toEqual([1.1, 1.222, 1.433, 2, 2.25]);
    // Every ratio names the row it divides and the baseline row it divides by.
    expect(spec.rows[3]).toMatchObject({
      batch: 8,
      source: "data/studies/study-a/amp.csv:9",
      baseline_source: "data/studies/study-a/t.csv:9",
    });
    expect(spec.columns.map((c) => c.label)).toContain("baseline source row");
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/speedup.svg");
  });
});

describe("cost figure", () => {
  const data = [
    {
      configuration: "GPU A (batch 8)",
      published: 0.05,
      implied: 0.002,
      price_usd_per_hour: 4,
      throughput_img_s: 555,
      throughput_in_doubt: "",
      source: "x.csv:2",
    },
    {
      configuration: "GPU B (batch 64)",
      published: null,
      implied: 0.001,
      price_usd_per_hour: 1,
      throughput_img_s: 277,
      throughput_in_doubt: "batch-exceeds-images",
      source: "y.csv:2",
    },
  ];
  const spec = costFigure(data, { id: "fig-test-cost", title: "T", caption: "C", sources: [] });
  it("shows the published cost beside price ÷ throughput, on a log axis as they differ by more than 10×", async () => {
    expect(spec.alt).toContain(
      "the cheapest is GPU B (batch 64) at $0.001 per 1,000 images, from a run whose throughput the audit doubts (batch-exceeds-images)",
    );
    // The table says which rows' costs rest on a doubted throughput, and has no such column when none does.
    expect(spec.columns.map((c) => c.key)).toContain("throughput_in_doubt");
    const clean = costFigure(
      data.map((d) => ({ ...d, throughput_in_doubt: "" })),
      { id: "fig-test-cost-clean", title: "T", caption: "C", sources: [] },
    );
    expect(clean.columns.map((c) => c.key)).not.toContain("throughput_in_doubt");
    expect(clean.alt).not.toContain("doubts");
    expect((plotOptions(spec, WIDE).x as Plot.ScaleOptions).type).toBe("log");
    // Dots, with dot swatches: no bars with line swatches.
    expect(spec.legend!.every((l) => l.symbol && !l.line)).toBe(true);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/cost.svg");
  });
  it("reads the published figure from its own column, never from the atlas's derived cost", () => {
    const r = row("c", 1, 100, {
      batch_size: null,
      cost_usd_per_1000_img: 0.0111,
      published_cost_usd_per_1000_img: 0.0926,
      derived: "cost_usd_per_1000_img=price_usd_per_hour / 3600 / throughput_img_s × 1000",
    });
    const [c] = costRows([r], new Map([["c", 4]]), "study-a");
    expect(c).toMatchObject({ published: 0.0926, implied: 0.0111, throughput_in_doubt: "" });
    const [d] = costRows([r], new Map([["c", 4]]), "study-a", () => ["run-time-vs-images"]);
    expect(d!.throughput_in_doubt).toBe("run-time-vs-images");
  });
});

const mem = (w: number, h: number, k: number): MemoryBreakdownRow =>
  ({
    model: "resnet50_v1.5",
    width: w,
    height: h,
    usedWidth: w,
    usedHeight: h,
    letterboxed: false,
    megapixels: (w * h) / 1e6,
    precision: "int8",
    params: 1,
    macs: 1,
    weightBytes: 25e6,
    flexLogixWeightBytes: 22.7e6,
    largestActivationBytes: 0.8e6 * k,
    layerIoPeakBytes: 1.8e6 * k,
    peakActivationBytes: 1.8e6 * k,
    peakActivationBytesByPolicy: { separate: 0, fused: 0, "fused-inplace": 0 },
    totalActivationBytes: 0,
    onChipBytesForNoSpill: 0,
  }) as MemoryBreakdownRow;
const memory = [mem(224, 224, 1), mem(1024, 1024, 20), mem(2048, 1024, 40)];

describe("memory figure", () => {
  const spec = memoryFigure(memory, {
    id: "fig-test-mem",
    model: "resnet50_v1.5",
    precision: "int8",
    title: "T",
    caption: "C",
    sources: [],
  });
  it("marks where the working set overtakes the weights and says which lines coincide", async () => {
    expect(spec.alt).toContain("exceeds the weights from 1024×1024");
    expect(spec.caption).toContain(
      "the largest layer input + output (Flex Logix 'storage') equals the peak working set",
    );
    // The smallest input (224 px) gets a tick label on the log axis.
    const x = plotOptions(spec, WIDE).x as Plot.ScaleOptions;
    expect((x.ticks as number[])[0]).toBeLessThanOrEqual(224 ** 2 / 1e6);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/memory.svg");
  });
});

describe("SRAM figure", () => {
  const acc = (id: string, name: string, mib: number) =>
    ({
      id,
      name,
      vendor: "V",
      kind: "gpu",
      specs: { onchip_sram_mib: { value: mib, source: "s" } },
    }) as Accelerator;
  const spec = sramFigure(memory, [acc("a", "Chip A", 6), acc("b", "Chip B", 6.3), acc("c", "Chip C", 40)], {
    id: "fig-test-sram",
    model: "resnet50_v1.5",
    precision: "int8",
    sizes: [
      { width: 224, height: 224 },
      { width: 2048, height: 1024 },
    ],
    batches: [1, 2, 4, 8],
    title: "T",
    caption: "C",
    sources: [],
  });
  it("labels every SRAM line at its right end, moving labels of close lines apart", async () => {
    const svg = renderFigure(spec);
    expect(svg).toContain(">Chip A 6.291 MB<");
    expect(svg).toContain(">Chip B 6.606 MB<");
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/sram.svg");
  });
});

describe("Graphcore trade-off figures", () => {
  const series = [2, 4, 6, 8, 10, 12].map((b) =>
    row("gc", b, 1000 + b * 100, {
      img_s_per_w: 6 + b / 4,
      power_w: 250,
      derived: "power_w=throughput_img_s / img_s_per_w",
    }),
  );
  // Text order would put 10 and 12 before 2: the rows arrive shuffled, the bars must not.
  const shuffled = [series[4]!, series[5]!, series[0]!, series[2]!, series[1]!, series[3]!];
  it("orders the efficiency bars by batch size, numerically", async () => {
    const spec = efficiencyFigure(shuffled, {
      id: "fig-test-eff",
      series: "gc",
      title: "T",
      caption: "C",
      sources: [],
    });
    expect(spec.rows.map((r) => r.batch)).toEqual([2, 4, 6, 8, 10, 12]);
    expect((plotOptions(spec, WIDE).x as Plot.ScaleOptions).domain).toEqual(["2", "4", "6", "8", "10", "12"]);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/efficiency.svg");
  });
  it("joins latency against throughput in batch order", async () => {
    const spec = latencyThroughputFigure(shuffled, {
      id: "fig-test-lt",
      series: "gc",
      title: "T",
      caption: "C",
      sources: [],
    });
    expect(spec.rows.map((r) => r.batch)).toEqual([2, 4, 6, 8, 10, 12]);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/latency-throughput.svg");
  });
});

describe("audit summary figure", () => {
  it("stacks findings per study by check, with a legend of squares below", async () => {
    const f = (
      study: string,
      check: AuditFinding["check"],
      severity: AuditFinding["severity"],
    ): AuditFinding => ({
      study,
      series: "s",
      check,
      severity,
      message: "m",
      rows: [],
      values: {},
    });
    const spec = auditSummaryFigure(
      [
        f("a", "throughput-vs-latency", "warning"),
        f("a", "throughput-vs-latency", "info"),
        f("b", "source-typo", "info"),
      ],
      { id: "fig-test-audit", title: "T", caption: "C" },
    );
    expect(spec.legend!.map((l) => [l.label, l.square])).toEqual([
      ["source-typo", true],
      ["throughput-vs-latency", true],
    ]);
    // No category is drawn in pure black (invisible on a dark page).
    expect(spec.legend!.map((l) => l.color).join()).not.toMatch(/#000000/);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/audit-summary.svg");
  });
});

describe("validation figure", () => {
  it("plots held-out predictions only (leave-one-accelerator-out, or the full fit off its training set), by study", async () => {
    const point = (
      series: string,
      b: number,
      m: number,
      full: number,
      loao: number | null,
      training = false,
      in_scope = true,
    ) => ({
      series,
      study: series === "s-amp" ? "study-b" : "study-a",
      accelerator: "acc-a",
      model: "resnet50_v1.5",
      precision: "fp32",
      stack: "pytorch-eager",
      batch_size: b,
      measured_throughput_img_s: m,
      simulated_throughput_img_s: full,
      loao_throughput_img_s: loao,
      lomo_throughput_img_s: null,
      training,
      loao_covered: loao === null ? null : true,
      lomo_covered: null,
      in_scope,
      engine: loao === null ? "roofline" : "kernels",
    });
    const report = {
      series: [],
      points: [
        point("s-fp32", 1, 100, 105, 110, true),
        point("s-fp32", 2, 180, 181, null, true),
        point("s-amp", 4, 430, 420, 400),
        point("s-amp", 8, 800, 700, 650, false, false),
      ],
      summary: {},
      byStudy: [{ study: "study-a", throughput_mape_pct: 8.5 }],
    } as unknown as ValidationReport;
    const spec = validationFigure(
      report,
      new Map([
        ["s-fp32", "study-a"],
        ["s-amp", "study-b"],
      ]),
      {
        id: "fig-test-val",
        title: "T",
        caption: "C",
        sources: [],
      },
    );
    // The training point is plotted at its LOAO prediction, not its in-sample fit; a roofline training
    // point has no held-out prediction; an out-of-scope point is left out.
    expect(spec.rows.map((r) => [r.batch, r.simulated])).toEqual([
      [1, 110],
      [4, 400],
    ]);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/validation.svg");
  });
});

describe("batch-at-90 % figure", () => {
  const series = (
    id: string,
    stack: string,
    measured: number | null,
    predicted: number | null,
    more = {},
  ) => ({
    series: id,
    stack,
    engine: "kernels",
    in_scope: true,
    batch_at_90_measured: measured,
    batch_at_90_predicted: predicted,
    ...more,
  });
  const report = (s: unknown[]) =>
    ({ series: s, points: [], summary: {}, byStudy: [] }) as unknown as ValidationReport;
  const o = { id: "fig-test-b90", title: "T", caption: "C" };
  // Series a–c are drawn; e (a roofline accelerator) and f (out of scope) are not.
  const studyOf = new Map([
    ["a-fp16", "study-1"],
    ["b-fp16", "study-2"],
    ["c-fp32", "study-1"],
    ["e-ipu", "study-3"],
    ["f-out", "study-4"],
  ]);

  it("plots one point per GPU series with both answers, spreading coincident points sideways", async () => {
    const spec = batchAt90Figure(
      report([
        series("a-fp16", "tensorrt", 16, 16),
        series("b-fp16", "tensorrt", 16, 16),
        series("c-fp32", "pytorch-eager", 8, 32),
        series("d-fp32", "pytorch-eager", null, 4),
        series("e-ipu", "popart", 4, 4, { engine: "roofline" }),
        series("f-out", "mxnet", 2, 2, { in_scope: false }),
      ]),
      studyOf,
      o,
    );
    // It credits the studies of the series it draws, and no other.
    expect(spec.sources).toEqual(["study-1", "study-2"]);
    expect(spec.rows.map((r) => [r.series, r.measured, r.predicted])).toEqual([
      ["a-fp16", 16, 16],
      ["b-fp16", 16, 16],
      ["c-fp32", 8, 32],
    ]);
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/batch90.svg");
  });

  it("refuses to draw without GPU series that have both answers", () => {
    expect(() => batchAt90Figure(report([series("d", "tensorrt", null, 4)]), studyOf, o)).toThrow(
      MissingDataError,
    );
    expect(() => batchAt90Figure(null, studyOf, o)).toThrow(MissingDataError);
  });
});

describe("simulated scaling figure", () => {
  const sim = [1, 2, 4, 8].flatMap((b) => [
    simulatedRow(
      row("x", b, 100 * b, { batch_size: b, fraction_of_peak: b / 8, precision: "fp16" }),
      "sim-acc-a-rn50-224",
      1,
    ),
    simulatedRow(
      row("x", b, 3 * b, {
        batch_size: b,
        input_width: 2048,
        input_height: 1024,
        fraction_of_peak: b / 8,
        precision: "fp16",
      }),
      "sim-acc-a-rn50-2mp",
      1,
    ),
  ]);
  const spec = simulatedScalingFigure(sim, {
    accelerator: { id: "acc-a", name: "Acc A" },
    precisions: ["fp16"],
    curves: [
      { model: "resnet50_v1.5", width: 224, height: 224 },
      { model: "resnet50_v1.5", width: 2048, height: 1024 },
    ],
    assumed: ["board power 500 W (assumed: not published)"],
    engine: "roofline",
    checked: "Checked against 3 results: off by 12 %.",
  });
  it("says which model made it, which assumed specifications it rests on, and how it fared against data", async () => {
    expect(spec.caption).toContain(
      "rest on assumed specifications: board power 500 W (assumed: not published)",
    );
    expect(spec.caption).toContain("per-layer roofline");
    expect(spec.caption).toContain("Checked against 3 results: off by 12 %.");
    const gpu = simulatedScalingFigure(sim, {
      accelerator: { id: "acc-a", name: "Acc A" },
      precisions: ["fp16"],
      curves: [{ model: "resnet50_v1.5", width: 224, height: 224 }],
      engine: "kernels",
    });
    expect(gpu.caption).toContain("GPU kernel model");
    expect(gpu.caption).not.toContain("roofline");
    expect((plotOptions(spec, WIDE).y as Plot.ScaleOptions).type).toBe("log");
    await expect(snapshotOf(spec)).toMatchFileSnapshot("__snapshots__/simulated.svg");
  });
  it("calls a curve still rising at its largest batch just that, and names the software stack simulated", () => {
    expect(spec.alt).toContain("ResNet-50 v1.5 224×224 is still rising at batch 8, the largest simulated");
    const peaked = [100, 300, 500, 480].map((t, i) =>
      simulatedRow(row("x", 2 ** i, t, { batch_size: 2 ** i, precision: "fp16" }), "sim-acc-a-rn50-224", 1),
    );
    const f = simulatedScalingFigure(peaked, {
      accelerator: { id: "acc-a", name: "Acc A" },
      precisions: ["fp16"],
      curves: [{ model: "resnet50_v1.5", width: 224, height: 224 }],
      engine: "kernels",
    });
    expect(f.alt).toContain("ResNet-50 v1.5 224×224 reaches 90 % of its simulated peak at batch 4");
    // simulatedRow's framework names the stack "fixture".
    expect(f.caption).toContain("not measurements, for the software stack fixture.");
  });
});

describe("rendering", () => {
  const spec = batchScalingFigure(rows, {
    accelerator: { id: "acc-a", name: "Acc A" },
    model: "resnet50_v1.5",
    metric: "latency",
    studyTitles: {},
  })!;
  it("renumbers Plot's process-global ids per figure, so output does not depend on render order", () => {
    expect(
      stableIds(
        '<clipPath id="plot-clip-17"/><use clip-path="url(#plot-clip-17)"/><g filter="url(#plot-filter-3)"/>',
        "fig-x",
      ),
    ).toBe('<clipPath id="fig-x-1"/><use clip-path="url(#fig-x-1)"/><g filter="url(#fig-x-2)"/>');
  });
  it("gives the same bytes when rendered twice with other figures in between", () => {
    const a = renderFigure(spec);
    renderFigure(
      batchScalingFigure(rows, {
        accelerator: { id: "acc-a", name: "Acc A" },
        model: "resnet50_v1.5",
        metric: "throughput",
        studyTitles: {},
      })!,
    );
    expect(renderFigure(spec)).toBe(a);
    expect(a).toMatch(/^<svg [^>]*role="img"/);
    expect(a).toContain('<title id="fig-latency-acc-a-resnet50-title">');
  });
  it("draws pages' figures with CSS variables and downloads with light colours only", () => {
    const { wide, narrow } = renderInline(spec);
    expect(wide).toContain("var(--chart-bg, white)");
    expect(wide).toMatch(/var\(--atlas-[a-z]+-\d, #[0-9A-F]{6}\)/);
    const download = renderFigure(spec);
    expect(download).not.toContain("var(");
    expect(download).toBe(lightSvg(wide));
    // Narrow and wide drawings have their own ids, so a page can hold both.
    expect(narrow).toContain('<title id="fig-latency-acc-a-resnet50-n-title">');
  });
  it("keeps ARIA labels off the marks inside the image (axe: aria-prohibited-attr)", () => {
    const { wide } = renderInline(spec);
    expect(wide.match(/aria-label=/g)).toBeNull();
    expect(wide).toContain('data-mark="line"');
  });
  it("gives every point its value as hover text", () => {
    expect(renderFigure(spec)).toMatch(/<title>FP32, graph\nbatch 4: 13\.33 ms<\/title>/);
  });
  it("labels every tick it chose on a log axis (Plot would thin them)", () => {
    const wide = batchScalingFigure([...fp32, row("s-fp32", 32, 4100)], {
      accelerator: { id: "acc-a", name: "Acc A" },
      model: "resnet50_v1.5",
      metric: "throughput",
      studyTitles: {},
    })!;
    const ticks = (plotOptions(wide, WIDE).y as Plot.ScaleOptions).ticks as number[];
    const group = /data-mark="y-axis tick label"[^>]*>(.*?)<\/g>/s.exec(renderFigure(wide))![1]!;
    expect([...group.matchAll(/>([\d,.]*)<\/text>/g)].map((m) => m[1])).toEqual(
      ticks.map((t) => t.toLocaleString("en-US")),
    );
  });
});
