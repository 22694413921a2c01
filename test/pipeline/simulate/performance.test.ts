import { describe, expect, it } from "vitest";
import { graphBuilder } from "../../../src/pipeline/simulate/graph.ts";
import type { Device } from "../../../src/pipeline/simulate/hardware.ts";
import {
  isFeasible,
  perfProfile,
  simulateBatch,
  type BatchPerf,
  type StackParams,
} from "../../../src/pipeline/simulate/performance.ts";
import { smallestBatchAtFraction } from "../../../src/pipeline/simulate/simulate.ts";
import { modelProfile } from "../../../src/pipeline/simulate/profile.ts";
import { layerTime } from "../../../src/pipeline/simulate/roofline.ts";

const device = (over: Partial<Device> = {}): Device => ({
  id: "toy",
  name: "toy",
  kind: "other",
  smCount: null,
  l2Bytes: null,
  peak: { fp32: { macsPerSecond: 1e6, spec: "peak_fp32_tflops" } },
  dramBytesPerSecond: 1e6,
  sramBytes: 5000,
  memoryBytes: null,
  weights: "stream",
  powerW: null,
  priceUsdPerHour: null,
  stack: "default",
  supplemented: [],
  ...over,
});
const ideal: StackParams = { efficiency: 1, overheadMs: 0, layerFloorMs: 0 };

const run = (r: ReturnType<typeof simulateBatch>): BatchPerf => {
  if (!isFeasible(r)) throw new Error(r.reason);
  return r;
};

// x (1×10×10 = 100) → c1: 3×3 conv to 10 channels (1000 elements, 9000 MACs, 100 deployed params)
//                   → c2: 1×1 conv to 1 channel (100 elements, 1000 MACs, 11 deployed params).
const toy = () => {
  const g = graphBuilder("toy");
  const x = g.input("x", { c: 1, h: 10, w: 10 });
  const c1 = g.conv("c1", x, { cout: 10, k: 3, pad: 1 });
  return perfProfile(g.build([g.conv("c2", c1, { cout: 1, k: 1 })]), "fused");
};

describe("roofline", () => {
  it("takes the longer of compute and memory time", () => {
    expect(layerTime(2e6, 1e6, 1e6, 1e6)).toEqual({
      seconds: 2,
      computeSeconds: 2,
      memorySeconds: 1,
      bound: "compute",
    });
    expect(layerTime(1e6, 3e6, 1e6, 1e6)).toMatchObject({ seconds: 3, bound: "memory" });
    expect(layerTime(0, 0, 1e6, 1e6).seconds).toBe(0);
  });
});

describe("a hand-computed tiny network", () => {
  it("batch 1 fits on chip: c1 compute-bound 9 ms, c2 compute-bound 1 ms", () => {
    // c1: 9000 MACs / 1e6 MAC/s = 9 ms vs (400 B weights + 400 B input) / 1e6 B/s = 0.8 ms.
    // c2: 1 ms vs (44 B weights + 400 B output) = 0.444 ms. c1's output stays in the 5000 B SRAM
    // (its producer and reader each need 1100 elements × 4 B = 4400 B).
    const r = run(simulateBatch(toy(), device(), "fp32", ideal, 1));
    expect(r.latencyMs).toBeCloseTo(10, 9);
    expect(r.throughputImgS).toBeCloseTo(100, 6);
    expect(r.weightDramBytes).toBe(444);
    expect(r.activationDramBytes).toBe(800);
    expect(r.spilledTensors).toBe(0);
  });

  it("batch 2 spills c1's output: 8800 B > 5000 B of SRAM", () => {
    // c1: max(18 ms, (400 + 800 + 8000) B → 9.2 ms) = 18 ms; c2: max(2 ms, (44 + 8000 + 800) B → 8.844 ms).
    const r = run(simulateBatch(toy(), device(), "fp32", ideal, 2));
    expect(r.latencyMs).toBeCloseTo(26.844, 9);
    expect(r.spilledTensors).toBe(1);
    expect(r.memoryBoundLayers).toBe(1);
    // Without the spill (large SRAM) the batch is purely compute-bound: 20 ms.
    expect(run(simulateBatch(toy(), device({ sramBytes: 1e9 }), "fp32", ideal, 2)).latencyMs).toBeCloseTo(
      20,
      9,
    );
  });

  it("adds the stack's efficiency, overhead and per-layer floor", () => {
    expect(
      run(simulateBatch(toy(), device(), "fp32", { ...ideal, efficiency: 0.5 }, 1)).latencyMs,
    ).toBeCloseTo(20, 9);
    // c1 stays 9 ms, c2 is raised from 1 ms to the 5 ms floor, plus 2 ms overhead.
    expect(
      run(simulateBatch(toy(), device(), "fp32", { efficiency: 1, overheadMs: 2, layerFloorMs: 5 }, 1))
        .latencyMs,
    ).toBeCloseTo(16, 9);
  });

  it("reads resident weights from chip, leaving less SRAM for activations", () => {
    const r = run(simulateBatch(toy(), device({ weights: "resident", sramBytes: 5000 }), "fp32", ideal, 1));
    expect(r.weightDramBytes).toBe(0);
    // 444 B of weights leave 4556 B: c1's 4400 B still fits.
    expect(r.spilledTensors).toBe(0);
    expect(
      run(simulateBatch(toy(), device({ weights: "resident", sramBytes: 4500 }), "fp32", ideal, 1))
        .spilledTensors,
    ).toBe(1);
  });

  it("splits a batch across devices (data parallel)", () => {
    const one = run(simulateBatch(toy(), device({ sramBytes: 1e9 }), "fp32", ideal, 2));
    const two = run(simulateBatch(toy(), device({ sramBytes: 1e9 }), "fp32", ideal, 4, 2));
    expect(two.latencyMs).toBeCloseTo(one.latencyMs, 9);
    expect(two.throughputImgS).toBeCloseTo(2 * one.throughputImgS, 6);
  });

  it("refuses a precision without a peak and a batch that does not fit in device memory", () => {
    expect(simulateBatch(toy(), device(), "int8", ideal, 1)).toEqual({
      batch: 1,
      reason: "toy has no int8 peak",
    });
    const r = simulateBatch(toy(), device({ memoryBytes: 5000 }), "fp32", ideal, 2);
    expect(isFeasible(r)).toBe(false);
  });
});

describe("monotonicity on ResNet-50 and YOLOv3", () => {
  const gpu = device({
    peak: { fp16: { macsPerSecond: 32.5e12, spec: "peak_fp16_tflops" } },
    dramBytesPerSecond: 320e9,
    sramBytes: 16.5 * 2 ** 20,
    memoryBytes: 16e9,
  });
  const stack: StackParams = { efficiency: 0.3, overheadMs: 1, layerFloorMs: 0.01 };
  const batches = [1, 2, 4, 8, 16, 32, 64, 128, 256];
  const profiles = [modelProfile("resnet50_v1.5", 224, 224).perf(), modelProfile("yolov3", 608, 608).perf()];

  it.each(profiles.map((p, i) => [i, p] as const))("latency grows with batch (profile %i)", (_i, p) => {
    const lat = batches.map((n) => run(simulateBatch(p, gpu, "fp16", stack, n)).latencyMs);
    for (let i = 1; i < lat.length; i++) expect(lat[i]!).toBeGreaterThan(lat[i - 1]!);
  });

  it("more SRAM, more bandwidth, higher efficiency and less overhead never make a batch slower", () => {
    const p = profiles[0]!;
    for (const n of batches) {
      const base = run(simulateBatch(p, gpu, "fp16", stack, n)).latencyMs;
      expect(
        run(simulateBatch(p, { ...gpu, sramBytes: 4 * gpu.sramBytes }, "fp16", stack, n)).latencyMs,
      ).toBeLessThanOrEqual(base);
      expect(
        run(simulateBatch(p, { ...gpu, dramBytesPerSecond: 2 * gpu.dramBytesPerSecond }, "fp16", stack, n))
          .latencyMs,
      ).toBeLessThanOrEqual(base);
      expect(run(simulateBatch(p, gpu, "fp16", { ...stack, efficiency: 0.6 }, n)).latencyMs).toBeLessThan(
        base,
      );
      expect(run(simulateBatch(p, gpu, "fp16", { ...stack, overheadMs: 0 }, n)).latencyMs).toBeCloseTo(
        base - 1,
        9,
      );
    }
  });

  it("a small-SRAM edge device loses throughput once the batch spills (Flex Logix's argument)", () => {
    // 4096 MACs at 1 GHz, 17 GB/s, 8 MiB SRAM, INT8, weights streamed once per batch.
    const edge = device({
      peak: { int8: { macsPerSecond: 4.096e12, spec: "peak_int8_tops" } },
      dramBytesPerSecond: 17e9,
      sramBytes: 8 * 2 ** 20,
    });
    const p = profiles[0]!;
    const thr = batches.map((n) => run(simulateBatch(p, edge, "int8", ideal, n)).throughputImgS);
    // Batching amortises the 25.5 MB of weights until the working set (1.8 MB per image) spills.
    expect(thr[1]!).toBeGreaterThan(thr[0]!);
    expect(Math.max(...thr)).toBeGreaterThan(thr[8]!);
    expect(
      smallestBatchAtFraction(
        batches.map((n) => run(simulateBatch(p, edge, "int8", ideal, n))),
        0.9,
      ),
    ).toBeLessThanOrEqual(4);
  });

  it("finds the smallest batch reaching a fraction of the best throughput", () => {
    const mk = (batch: number, throughputImgS: number) => ({ batch, throughputImgS });
    expect(smallestBatchAtFraction([mk(1, 10), mk(2, 50), mk(4, 95), mk(8, 100)], 0.9)).toBe(4);
    expect(smallestBatchAtFraction([mk(8, 100), mk(1, 95)], 0.9)).toBe(1);
    expect(smallestBatchAtFraction([], 0.9)).toBeNull();
  });
});
