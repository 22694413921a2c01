/**
 * Figure functions are pure: rows in, Plot spec out. These tests pin what each family plots and, as
 * Plot's own tests do, the rendered SVG bytes (snapshots under __snapshots__/; a change must be reviewed).
 */
import { describe, expect, it } from "vitest";
import type { CanonicalRow } from "../../../src/pipeline/schema.ts";
import { batchScalingFigure } from "../../../src/pipeline/figures/batch-scaling.ts";
import { peakFractionFigure } from "../../../src/pipeline/figures/peak-fraction.ts";
import { speedupFigure } from "../../../src/pipeline/figures/speedup.ts";
import { costFigure } from "../../../src/pipeline/figures/cost.ts";
import { memoryFigure } from "../../../src/pipeline/figures/memory.ts";
import { renderFigure, stableIds } from "../../../src/pipeline/figures/render.ts";
import { MissingDataError } from "../../../src/pipeline/figures/spec.ts";
import type { MemoryBreakdownRow } from "../../../src/pipeline/simulate/sweep.ts";

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
    framework: "FixtureFlow",
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
const twin = fp32.map((r) => ({
  ...r,
  series: "sim-s-fp32",
  kind: "simulated" as const,
  throughput_img_s: r.throughput_img_s! * 1.1,
  study: "atlas-simulator",
}));
const sweep = fp32.map((r) => ({
  ...r,
  series: "sim-acc-a-other",
  kind: "simulated" as const,
  study: "atlas-simulator",
}));
const rows = [...fp32, ...amp, ...twin, ...sweep];

describe("batch scaling figure", () => {
  const spec = batchScalingFigure(rows, {
    accelerator: { id: "acc-a", name: "Acc A" },
    model: "resnet50_v1.5",
    metric: "throughput",
    studyTitles: { "study-a": "Study A" },
  })!;
  it("plots every measured series and only the simulated twins of those series", () => {
    expect(spec.id).toBe("fig-throughput-acc-a-resnet50");
    // The accelerator's page finds its figures by this field, not by id prefix (acc-a's would match acc-a-b's).
    expect(spec.accelerator).toBe("acc-a");
    const series = new Set(spec.rows.map((r) => r.series));
    expect(series.size).toBe(3);
    expect([...series].filter((s) => String(s).startsWith("simulated:"))).toHaveLength(1);
    expect(spec.rows.filter((r) => r.kind === "measured")).toHaveLength(10);
    expect(spec.caption).toContain("Study A");
    expect(spec.caption).toContain("Dashed lines are the atlas simulator's predictions");
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
    await expect(renderFigure(spec)).toMatchFileSnapshot("__snapshots__/batch-scaling.svg");
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
    await expect(renderFigure(spec)).toMatchFileSnapshot("__snapshots__/peak-fraction.svg");
  });
});

describe("speed-up figure", () => {
  it("divides throughputs at equal batch sizes", async () => {
    const spec = speedupFigure(rows, {
      id: "fig-test-speedup",
      title: "T",
      caption: "C",
      sources: [],
      pairs: [{ label: "AMP ÷ FP32", series: "s-amp", baseline: "s-fp32" }],
    });
    expect(spec.rows.map((r) => r.speedup)).toEqual([1.1, 1.222, 1.433, 2, 2.25]);
    await expect(renderFigure(spec)).toMatchFileSnapshot("__snapshots__/speedup.svg");
  });
});

describe("cost figure", () => {
  it("shows the published cost beside price ÷ throughput", async () => {
    const spec = costFigure(
      [
        {
          configuration: "GPU A (batch 8)",
          published: 0.05,
          implied: 0.002,
          price_usd_per_hour: 4,
          throughput_img_s: 555,
          source: "x.csv:2",
        },
        {
          configuration: "GPU B (batch 64)",
          published: null,
          implied: 0.001,
          price_usd_per_hour: 1,
          throughput_img_s: 277,
          source: "y.csv:2",
        },
      ],
      { id: "fig-test-cost", title: "T", caption: "C", sources: [] },
    );
    expect(spec.alt).toContain("the cheapest is GPU B (batch 64)");
    await expect(renderFigure(spec)).toMatchFileSnapshot("__snapshots__/cost.svg");
  });
});

describe("memory figure", () => {
  it("marks where the working set overtakes the weights", async () => {
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
        layerIoPeakBytes: 1.2e6 * k,
        peakActivationBytes: 1.8e6 * k,
        peakActivationBytesByPolicy: { separate: 0, fused: 0, "fused-inplace": 0 },
        totalActivationBytes: 0,
        onChipBytesForNoSpill: 0,
      }) as MemoryBreakdownRow;
    const spec = memoryFigure([mem(224, 224, 1), mem(1024, 1024, 20), mem(2048, 1024, 40)], {
      id: "fig-test-mem",
      model: "resnet50_v1.5",
      precision: "int8",
      title: "T",
      caption: "C",
      sources: [],
    });
    expect(spec.alt).toContain("exceeds the weights from 1024×1024");
    await expect(renderFigure(spec)).toMatchFileSnapshot("__snapshots__/memory.svg");
  });
});

describe("rendering", () => {
  it("renumbers Plot's process-global ids per figure, so output does not depend on render order", () => {
    expect(
      stableIds(
        '<clipPath id="plot-clip-17"/><use clip-path="url(#plot-clip-17)"/><g filter="url(#plot-filter-3)"/>',
        "fig-x",
      ),
    ).toBe('<clipPath id="fig-x-1"/><use clip-path="url(#fig-x-1)"/><g filter="url(#fig-x-2)"/>');
  });
  it("gives the same bytes when rendered twice with other figures in between", () => {
    const spec = batchScalingFigure(rows, {
      accelerator: { id: "acc-a", name: "Acc A" },
      model: "resnet50_v1.5",
      metric: "latency",
      studyTitles: {},
    })!;
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
});
