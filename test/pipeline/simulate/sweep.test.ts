import { describe, expect, it } from "vitest";
import {
  memoryBreakdown,
  simulateSweep,
  smallestBatchBySeries,
  SWEEP_BATCHES,
} from "../../../src/pipeline/simulate/sweep.ts";
import { realContext } from "./helpers.ts";

describe("the sweep", () => {
  const ctx = realContext();
  const first = simulateSweep(ctx);

  it("is deterministic to the byte (the fit's own determinism is in fit.test.ts)", () => {
    expect(JSON.stringify(simulateSweep(ctx))).toBe(JSON.stringify(first));
  });

  it("covers every accelerator × the three report networks × 8 sizes × 3 precisions × 9 batches, less what cannot run", () => {
    expect(new Set(first.map((r) => r.accelerator)).size).toBe(ctx.devices.size);
    expect(new Set(first.map((r) => r.model))).toEqual(
      new Set(["resnet50_v1.5", "resnext101_32x4d", "yolov3"]),
    );
    expect(new Set(first.map((r) => r.precision))).toEqual(new Set(["int8", "fp16", "fp32"]));
    // The X1 has no FP32 peak; device memory caps big batches at 2 MP.
    expect(first.some((r) => r.accelerator === "inferx-x1" && r.precision === "fp32")).toBe(false);
    expect(
      first.some(
        (r) =>
          r.accelerator === "t4" &&
          r.model === "yolov3" &&
          r.input_width === 2048 &&
          r.precision === "fp32" &&
          r.batch_size === 256,
      ),
    ).toBe(false);
    expect(
      first.filter((r) => r.series === "sim-t4-resnet50-v1-5-224x224-int8").map((r) => r.batch_size),
    ).toEqual([...SWEEP_BATCHES]);
  });

  it("runs GPUs on the GPU kernel model with their default stack, other accelerators on the roofline", () => {
    const t4 = first.find((r) => r.series === "sim-t4-resnet50-v1-5-224x224-fp16")!;
    expect(t4.execution).toBe("simulated (GPU kernel model)");
    expect(t4.framework).toBe("atlas-simulator (stack: pytorch-eager)");
    const ipu = first.find((r) => r.accelerator === "graphcore-gc2")!;
    expect(ipu.execution).toMatch(/^simulated \(layer roofline/);
  });

  it("writes canonical simulated rows", () => {
    for (const r of first) {
      expect(r.kind).toBe("simulated");
      expect(r.study).toBe("atlas-simulator");
      expect(r.series).toMatch(/^sim-[a-z0-9-]+$/);
      expect(r.series.length).toBeLessThanOrEqual(64);
      expect(r.source_file).toBe("src/pipeline/simulate");
      expect(r.note).toContain("not measured");
      expect(Number(r.throughput_img_s!.toPrecision(5))).toBe(r.throughput_img_s);
    }
    const row = first.find((r) => r.series === "sim-t4-yolov3-1920x1080-int8" && r.batch_size === 1)!;
    expect(row).toMatchObject({
      model: "yolov3",
      input_width: 1920,
      input_height: 1080,
      devices: 1,
      precision: "int8",
    });
    expect(row.note).toContain("letterboxed to 1920×1088");
    expect(row.derived).toContain("GPU kernel model with host/device timelines");
    expect(row.throughput_img_s! * row.latency_ms!).toBeCloseTo(1000, 0);
    // fraction_of_peak is relative to the series' best batch.
    const series = first.filter((r) => r.series === "sim-t4-resnet50-v1-5-224x224-fp16");
    expect(Math.max(...series.map((r) => r.fraction_of_peak!))).toBe(1);
  });
});

describe("memory breakdown per model × size", () => {
  const rows = memoryBreakdown();
  it("has one row per report network, size and precision", () => {
    expect(rows).toHaveLength(3 * 8 * 3);
  });
  it("shows the megapixel effect: activations overtake weights", () => {
    const r224 = rows.find((r) => r.model === "resnet50_v1.5" && r.width === 224 && r.precision === "int8")!;
    const r2mp = rows.find((r) => r.model === "resnet50_v1.5" && r.width === 2048 && r.precision === "int8")!;
    expect(r224.weightBytes).toBe(25_530_472);
    expect(r224.peakActivationBytes).toBeLessThan(r224.weightBytes / 10);
    expect(r2mp.peakActivationBytes).toBeGreaterThan(2 * r2mp.weightBytes);
    expect(r2mp.largestActivationBytes).toBe(33_554_432);
    const y = rows.find((r) => r.model === "yolov3" && r.height === 1080 && r.precision === "fp16")!;
    expect(y).toMatchObject({ usedHeight: 1088, letterboxed: true, peakActivationBytes: 2 * 100_270_080 });
  });
});

describe("smallest batch at 90% of peak, per series", () => {
  it("works on any rows", () => {
    const r = (series: string, batch_size: number, throughput_img_s: number) =>
      ({ series, batch_size, throughput_img_s }) as Parameters<typeof smallestBatchBySeries>[0][number];
    expect(
      smallestBatchBySeries([r("a", 1, 10), r("a", 4, 91), r("a", 16, 100), r("b", 2, 5), r("b", 1, 5)]),
    ).toEqual([
      { series: "a", batch: 4, bestThroughputImgS: 100 },
      { series: "b", batch: 1, bestThroughputImgS: 5 },
    ]);
  });
});
