/**
 * The explore pages' pure parts: URL ⇄ state round trips, bad links, the custom chip through
 * deviceFor, and the SVG chart's accessible markup. The browser behaviour is in test/browser/.
 */
import { describe, expect, it } from "vitest";
import type { ExploreParams } from "../../src/client/explore-params.ts";
import { CUSTOM, parseWhatIf, whatIfQuery, defaultWhatIf } from "../../src/client/whatif-state.ts";
import { customDevice, runWhatIf, type WhatIfResult } from "../../src/client/whatif-run.ts";
import { accuracyText, whatIfView } from "../../src/client/whatif-view.ts";
import { compareQuery, parseCompare } from "../../src/client/compare-state.ts";
import { runCompare } from "../../src/client/compare-run.ts";
import { legendHtml, SHAPES, svgChart, tickLabel } from "../../src/client/svg-chart.ts";

/** One accelerator with the numbers deviceFor gives a 100 TFLOPS FP16 chip. */
const params: ExploreParams = {
  dataset: "test",
  models: [
    { id: "resnet50_v1.5", name: "ResNet-50 v1.5" },
    { id: "yolov3", name: "YOLOv3" },
  ],
  precisions: ["int8", "fp16", "fp32"],
  policies: ["separate", "fused", "fused-inplace"],
  defaultPolicy: "fused",
  sizes: [{ width: 224, height: 224 }],
  stacks: [{ id: "tf1", name: "TF1", engine: "roofline", launch: null }],
  accelerators: [
    {
      id: "t4",
      name: "Test chip",
      defaultStack: "tf1",
      device: {
        id: "t4",
        name: "Test chip",
        kind: "other",
        smCount: null,
        l2Bytes: null,
        peak: { fp16: { macsPerSecond: 5e13, spec: "peak_fp16_tflops" } },
        dramBytesPerSecond: 3e11,
        sramBytes: 16 * 2 ** 20,
        memoryBytes: 16e9,
        weights: "stream",
        powerW: 70,
        priceUsdPerHour: null,
        stack: "tf1",
        supplemented: [],
      },
      stacks: {
        tf1: {
          fp16: {
            engine: "roofline",
            id: "tf1",
            params: { efficiency: 0.2, overheadMs: 1, layerFloorMs: 0.01 },
            source: "test",
          },
        },
      },
    },
  ],
  measured: [
    {
      id: "m-a",
      study: "s",
      studyTitle: "S",
      accelerator: "t4",
      acceleratorName: "Test chip",
      model: "resnet50_v1.5",
      width: 224,
      height: 224,
      precision: "mixed-fp16",
      math: "fp16",
      framework: "F",
      execution: "E",
      devices: 1,
      stack: "tf1",
      points: [
        { batch: 2, throughput: 100, latency: 20 },
        { batch: 8, throughput: 300, latency: 26 },
      ],
    },
  ],
  accuracy: {
    gpu: { key: "gpu", points: 817, mape_pct: 32.46, bias_pct: 5.579 },
    gpuByAccelerator: [{ key: "t4", points: 149, mape_pct: 49.84, bias_pct: 39.86 }],
    gpuByStack: [{ key: "pytorch-eager", points: 253, mape_pct: 21.6, bias_pct: -3.1 }],
    gpuByRegime: [
      { key: "batch < 16", points: 400, mape_pct: 33.45, bias_pct: 3.461 },
      { key: "batch ≥ 16", points: 417, mape_pct: 31.51, bias_pct: 7.612 },
    ],
    gpuByPrecision: [{ key: "fp16", points: 448, mape_pct: 30.25, bias_pct: 3.9 }],
    rooflineByAccelerator: [{ key: "gc2", points: 4, mape_pct: 3.029, bias_pct: -1.2 }],
    mlperf: [
      {
        accelerator: "t4",
        scenario: "Offline",
        engine: "kernels",
        stats: { key: "t4", points: 12, mape_pct: 9.5, bias_pct: 0.01 },
      },
      {
        accelerator: "l4",
        scenario: "Offline",
        engine: "roofline",
        stats: { key: "l4", points: 11, mape_pct: 61.41, bias_pct: -61.41 },
      },
    ],
    outOfScope: [
      {
        accelerator: "p100",
        stack: "mxnet",
        study: "course",
        reason: "Its throughput includes data loading.",
      },
    ],
    batchAt90: { series: 100, same: 42, offBy2: 58 },
  },
};

describe("what-if state in the URL", () => {
  it("round-trips a custom chip and an atlas accelerator", () => {
    for (const q of [
      "?model=yolov3&w=1920&h=1080&p=int8&acc=custom&bmin=2&bmax=64&dev=2&policy=separate&peak=32&bw=25.6&sram=32&mem=8&eff=0.4&ovh=0.2&floor=0.01&wts=resident",
      "?model=resnet50_v1.5&w=224&h=224&p=fp16&acc=t4&stack=tf1&bmin=1&bmax=256",
    ]) {
      const { state, problems } = parseWhatIf(q, params);
      expect(problems).toEqual([]);
      expect(whatIfQuery(state, params)).toBe(q);
    }
  });

  it("keeps what it can of a broken link and says what it ignored", () => {
    const { state, problems } = parseWhatIf("?model=vgg&w=10&bmin=3&bmax=1&acc=custom&eff=2", params);
    expect(state).toMatchObject({
      model: "resnet50_v1.5",
      width: 224,
      batchMin: 1,
      batchMax: 1,
      accelerator: "custom",
    });
    expect(state.custom.efficiency).toBe(0.5);
    expect(problems).toEqual([
      "model=vgg ignored: expected resnet50_v1.5, yolov3",
      "w=10 ignored: expected a whole number from 32 to 8192",
      "bmin=3 ignored: expected a power of two up to 4096",
      "eff=2 ignored: must be at most 1",
    ]);
  });

  it("simulates a custom chip with deviceFor's unit conversions and compares measured points", () => {
    const d = customDevice(
      {
        peakT: 32,
        bandwidthGBs: 25.6,
        sramMiB: 32,
        memoryGB: null,
        efficiency: 0.5,
        overheadMs: 0.1,
        layerFloorMs: 0,
        weights: "stream",
      },
      "int8",
    );
    expect(d).toMatchObject({
      peak: { int8: { macsPerSecond: 16e12, spec: "peak_int8_tops" } },
      dramBytesPerSecond: 25.6e9,
      sramBytes: 32 * 2 ** 20,
      memoryBytes: null,
    });
    const out = runWhatIf(params, defaultWhatIf(params));
    if (!out.ok) throw new Error(out.error);
    expect(out.result.points.map((p) => p.batch)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(out.result.measured[0]!.points.map((p) => p.batch)).toEqual([2, 8]);
    expect(runWhatIf(params, { ...defaultWhatIf(params), precision: "int8" })).toEqual({
      ok: false,
      error: expect.stringContaining("no INT8 peak"),
    });
  });
});

describe("what-if accuracy", () => {
  const base = runWhatIf(params, defaultWhatIf(params));
  if (!base.ok) throw new Error(base.error);
  /** The fixture's view, as if `engine` had run it for `accelerator` under `stackId`. */
  const view = (
    accelerator: string,
    stackId: string,
    engine: "kernels" | "roofline" = "kernels",
  ): WhatIfResult => ({
    ...base.result,
    state: { ...base.result.state, accelerator },
    stackId,
    stack: { ...base.result.stack, engine } as WhatIfResult["stack"],
  });
  const chip = (id: string, name: string) => ({ ...params.accelerators[0]!, id, name });
  const more: ExploreParams = {
    ...params,
    stacks: [
      ...params.stacks,
      { id: "pytorch-eager", name: "eager PyTorch", engine: "kernels", launch: "eager" },
      { id: "mxnet", name: "MXNet", engine: "kernels", launch: "eager" },
    ],
    accelerators: [
      ...params.accelerators,
      chip("p100", "Chip P"),
      chip("x", "Chip X"),
      chip("gc2", "Chip G"),
      chip("l4", "Chip L"),
    ],
  };

  it("states the cross-validated error of the kernel model, by batch, for its stack and for its accelerator", () => {
    expect(accuracyText(view("t4", "pytorch-eager"), more)).toBe(
      "How far to trust these throughputs: on GPUs a fit never saw (leave-one-accelerator-out), the kernel model was off by 32.5 % on average over 817 measured points (5.6 % above the measurements on balance); the forecast above uses the full fit. " +
        "Its batch at 90 % of the best (the answer above) matched the measured one in 42 of 100 measured series and was off by 2× or more in 58. " +
        "By batch, batch < 16: off by 33.5 % on average over 400 points (3.5 % above the measurements on balance); batch ≥ 16: off by 31.5 % on average over 417 points (7.6 % above the measurements on balance). " +
        "At FP16 (mixed precision included): off by 30.3 % on average over 448 points (3.9 % above the measurements on balance). " +
        "With eager PyTorch: off by 21.6 % on average over 253 points (3.1 % below the measurements on balance). " +
        "On the Test chip: off by 49.8 % on average over 149 points (39.9 % above the measurements on balance). " +
        "Against MLPerf ResNet-50 Offline results of the Test chip (TensorRT, INT8; throughput per accelerator against the simulator at its best batch): off by 9.5 % on average over 12 results.",
    );
  });

  it("says why measured points of a study out of the model's scope are not its errors", () => {
    const accuracy = params.accuracy!;
    const scoped = { ...params, accuracy: { ...accuracy, outOfScope: [] } };
    expect(whatIfView(base, scoped)).not.toContain("Out of the simulator's scope");
    const outside = {
      ...params,
      accuracy: {
        ...accuracy,
        outOfScope: [{ accelerator: "t4", stack: "tf1", study: "s", reason: "It counts data loading." }],
      },
    };
    expect(whatIfView(base, outside)).toContain(
      "Out of the simulator's scope, so its differences from the simulation are not counted as the simulator's errors: S. It counts data loading.",
    );
  });
  it("says where no error can be stated instead of borrowing one", () => {
    const outside = accuracyText(view("p100", "mxnet"), more);
    expect(outside).toContain(
      "No measured series the validation counts ran MXNet, so its error cannot be stated (its measured series are in studies the validation declares out of the model's scope;",
    );
    expect(outside).toContain(
      "The atlas has no measurement of the Chip P that the validation counts (its measured series are in studies",
    );
    expect(
      accuracyText(
        { ...view("x", "pytorch-eager"), state: { ...view("x", "pytorch-eager").state, precision: "int8" } },
        more,
      ),
    ).toContain("No measured series the validation counts ran at INT8, so its error cannot be stated.");
    const none = accuracyText(view("x", "pytorch-eager"), more);
    expect(none).toContain("The atlas has no measurement of the Chip X that the validation counts.");
    expect(none).not.toContain("On the Chip X");
    // The roofline: its own held-out error where it is fitted on the chip, else none but MLPerf's.
    expect(accuracyText(view("gc2", "tf1", "roofline"), more)).toBe(
      "How far to trust these throughputs: the layer roofline is fitted on the Chip G's published points; on the points its fit left out it was off by 3.0 % on average over only 4 points (1.2 % below the measurements on balance).",
    );
    const borrowed = accuracyText(view("l4", "tf1", "roofline"), more);
    expect(borrowed).toContain(
      "the layer roofline's parameters for the Chip L were not fitted on measurements of it (test)",
    );
    expect(borrowed).toContain("Against MLPerf ResNet-50 Offline results of the Chip L");
    expect(borrowed).toContain(
      "off by 61.4 % on average over 11 results (61.4 % below the measurements on balance)",
    );
    expect(borrowed).not.toContain("3.0 %");
    const custom = runWhatIf(params, { ...defaultWhatIf(params), accelerator: CUSTOM });
    if (!custom.ok) throw new Error(custom.error);
    expect(accuracyText(custom.result, params)).toContain("no error can be stated");
    expect(accuracyText(base.result, { ...params, accuracy: null })).toBe(
      "How far to trust these throughputs: the simulator's accuracy was not measured in this build.",
    );
    // A report without in-scope GPU points has no average to state (and does not fail on its null).
    const empty = { ...params.accuracy!, gpu: { key: "gpu", points: 0, mape_pct: null, bias_pct: null } };
    expect(accuracyText(view("x", "pytorch-eager"), { ...more, accuracy: empty })).toContain(
      "no measured GPU series was in scope to test the kernel model.",
    );
  });
});

describe("compare state in the URL", () => {
  it("round-trips series and normalization, and normalizes by batch 1 or by the best", () => {
    const q = "?s=m~m-a&s=s~t4~yolov3~608x608~fp16&norm=batch1";
    const { state, problems } = parseCompare(q, params);
    expect(problems).toEqual([]);
    expect(compareQuery(state)).toBe(q);
    const [measured] = runCompare(params, state);
    // No batch-1 point: divided by the smallest batch, and it says so.
    expect(measured!.base).toEqual({ throughput: 100, batch: 2 });
    expect(measured!.points.map((p) => p.value)).toEqual([1, 3]);
    const peak = runCompare(params, { ...state, norm: "peak" });
    expect(Math.max(...peak[1]!.points.map((p) => p.value))).toBe(1);
    expect(parseCompare("?s=m~nope&s=s~t4~yolov3~608x608~int8", params).problems).toHaveLength(2);
  });
});

describe("svgChart", () => {
  /** One series from batch 1 to 256 on log axes, with one rule. */
  const lineChart = (
    id: string,
    title: string,
    desc: string,
    rule: NonNullable<Parameters<typeof svgChart>[0]["rules"]>[number],
  ) => ({
    id,
    title,
    desc,
    x: { label: "Batch", scale: "log2" as const },
    y: { label: "img/s", scale: "log10" as const },
    series: [
      {
        label: "s",
        color: "#000",
        points: [
          [1, 10],
          [256, 2000],
        ] as const,
      },
    ],
    rules: [rule],
  });
  it("keeps a rule's label inside the frame, on the side with room, in both drawings", () => {
    const label = "90 % of best: batch 32";
    const chart = (at: number) => svgChart(lineChart("r", "t", "d", { axis: "x", value: at, label }));
    const labelAt = (svg: string) => {
      const m = svg.match(/<text x="([\d.]+)" y="[\d.]+" text-anchor="(start|end)"[^>]*>90 %/)!;
      return { x: Number(m[1]), anchor: m[2] };
    };
    for (const at of [1, 4, 16, 32, 64, 256]) {
      const [wide, narrow] = chart(at).split("</svg>");
      for (const [svg, W] of [
        [wide!, 640],
        [narrow!, 360],
      ] as const) {
        const { x, anchor } = labelAt(svg);
        const [from, to] = anchor === "start" ? [x, x + label.length * 7.2] : [x - label.length * 7.2, x];
        expect(from, `batch ${at}, ${W} px`).toBeGreaterThanOrEqual(60);
        expect(to, `batch ${at}, ${W} px`).toBeLessThanOrEqual(W - 24);
      }
    }
    // Right of a rule near the left edge, left of one near the right edge.
    expect(labelAt(chart(1).split("</svg>")[0]!).anchor).toBe("start");
    expect(labelAt(chart(256).split("</svg>")[0]!).anchor).toBe("end");
  });
  it("gives series their own marker shapes, in the chart and in its legend alike", () => {
    const series = SHAPES.map((shape, i) => ({
      label: `s${i}`,
      color: "#000",
      // All at one place, so the markers differ by their shape alone.
      points: [[4, 100]] as const,
      line: "none" as const,
      marker: "ring" as const,
      shape,
    }));
    const chart = { ...lineChart("m", "t", "d", { axis: "x", value: 16, label: "r" }), series };
    const [wide] = svgChart(chart).split("</svg>");
    // One marker per series: circle, square and three other paths, each a different outline.
    const markers = [...wide!.matchAll(/<g fill="[^"]*" stroke="#000" stroke-width="2">(<[^>]*>)<\/g>/g)].map(
      (m) => m[1]!,
    );
    expect(markers).toHaveLength(SHAPES.length);
    expect(new Set(markers).size).toBe(SHAPES.length);
    // The legend draws each series' shape too (at its own size and place).
    const shapeOf = (el: string) => (el.startsWith("<circle") ? "circle" : `${el.split("L").length} corners`);
    const legend = legendHtml(series);
    const swatches = [
      ...legend.matchAll(/<g fill="[^"]*" stroke="#000" stroke-width="2">(<[^>]*>)<\/g>/g),
    ].map((m) => m[1]!);
    expect(swatches.map(shapeOf)).toEqual(markers.map(shapeOf));
    expect(new Set(swatches).size).toBe(SHAPES.length);
  });
  it("draws an accessible, escaped chart with log ticks", () => {
    const svg = svgChart(
      lineChart("c", "A <title>", "Throughput & latency", { axis: "x", value: 16, label: "90 %" }),
    );
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="c-title c-desc"/);
    expect(svg).toContain(
      '<title id="c-title">A &lt;title&gt;</title><desc id="c-desc">Throughput &amp; latency</desc>',
    );
    for (const t of [">1<", ">16<", ">256<", ">10<", ">100<", ">1000<"]) expect(svg).toContain(t);
    // The narrow drawing, for a phone: its own ids, fewer batch ticks.
    const [wide, narrow] = svg.split("</svg>");
    expect(wide).toContain('class="explore-chart chart-wide" viewBox="0 0 640 320"');
    expect(narrow).toMatch(/^<svg [^>]*class="explore-chart chart-narrow" viewBox="0 0 360 300"/);
    expect(narrow).toContain('aria-labelledby="c-narrow-title c-narrow-desc"');
    expect(narrow!.match(/text-anchor="middle"/g)).toHaveLength(5);
    expect(wide!.match(/text-anchor="middle"/g)).toHaveLength(9);
    expect([tickLabel(1500), tickLabel(20000), tickLabel(2e6), tickLabel(0.25)]).toEqual([
      "1500",
      "20k",
      "2M",
      "0.25",
    ]);
  });
});
