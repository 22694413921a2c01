/**
 * The GPU kernel model: golden kernel times worked by hand (one convolution of each op class, a
 * wave-quantization edge, a memory-bound kernel, the two timelines) and the properties the model must
 * keep whatever its parameters: more work never takes less time, a bigger batch never costs more per
 * image (without caches), and replaying a graph is never slower than launching kernel by kernel.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  gemmUnitSeconds,
  kernelCosts,
  passTiming,
  slotEfficiencies,
  type GpuSpecs,
  type KernelParams,
  type StackCosts,
} from "../../../src/pipeline/simulate/gpu-model.ts";
import type { Kernel } from "../../../src/pipeline/simulate/kernels.ts";
import { SIMULATED_MODEL_IDS } from "../../../src/pipeline/simulate/models/index.ts";
import { modelProfile } from "../../../src/pipeline/simulate/profile.ts";
import {
  isBatchResult,
  simulateWith,
  type KernelStackModel,
} from "../../../src/pipeline/simulate/simulate.ts";
import { stackModel } from "../../../src/pipeline/simulate/context.ts";
import { realContext, realDevice } from "./helpers.ts";

// A V100-like GPU: 80 SMs, 125 TFLOPS FP16 (62.5e12 MAC/s), 900 GB/s, 6 MiB of L2.
const V100: GpuSpecs = {
  smCount: 80,
  l2Bytes: 6 * 2 ** 20,
  dramBytesPerSecond: 900e9,
  macsPerSecond: { fp16: 62.5e12, fp32: 7.85e12 },
};
const ONES: KernelParams = {
  efficiency: { fp32: 1, tf32: 1, fp16: 1, int8: 1 },
  opFactor: { "conv-1x1": 1, "conv-grouped": 1 },
  memoryEfficiency: 1,
};
const gemmKernel = (opClass: Kernel["opClass"], m: number, n: number, k: number, groups = 1): Kernel => ({
  name: "k",
  node: 1,
  opClass,
  gemm: { m, n, k, groups },
  readElements: 0,
  writeElements: 0,
  chainedReadElements: 0,
  weightElements: 0,
  cast: false,
});

describe("one kernel, by hand", () => {
  it("a dense 3×3 convolution at batch 1 splits its reduction over idle SMs", () => {
    // layer1 3×3 conv of ResNet-50 at 224 px: M = 56·56 = 3136, N = 64, K = 64·9 = 576.
    // Tiles 128×64: ⌈3136/128⌉ = 25 tiles on 80 SMs; split-K by 3 fills 75 SMs with K slices of 192:
    // one wave of 128·64·192 MACs per SM = 192·128·64·80 / 62.5e12 s.
    const r = gemmUnitSeconds(3136, 64, 576, 1, 80, 62.5e12, 8);
    expect(r).toMatchObject({ tiles: 25, splitK: 3, waves: 1 });
    expect(r.seconds).toBeCloseTo((192 * 128 * 64 * 80) / 62.5e12, 18);
  });

  it("one output row more than a full wave costs a whole second wave", () => {
    // A 1×1 convolution with N = 128 and K = 256: M = 80·128 fills exactly one wave of 128×128 tiles.
    const full = gemmUnitSeconds(80 * 128, 128, 256, 1, 80, 62.5e12, 8);
    const over = gemmUnitSeconds(80 * 128 + 1, 128, 256, 1, 80, 62.5e12, 8);
    expect([full.tiles, full.waves, over.tiles, over.waves]).toEqual([80, 1, 81, 2]);
    expect(full.seconds).toBeCloseTo((256 * 128 * 128 * 80) / 62.5e12, 18);
    expect(over.seconds / full.seconds).toBe(2);
  });

  it("a grouped 3×3 convolution pads each group's 4 outputs to the 8-wide tensor-core tile", () => {
    // ResNeXt101-32x4d layer1: 32 groups of N = 4, K = 4·9 = 36, M = 3136: 32·25 = 800 tiles of 128×8,
    // 10 waves. Padded work 10·80·128·8·36 MACs against 3136·4·36·32 useful ones: 2.04×.
    const r = gemmUnitSeconds(3136, 4, 36, 32, 80, 62.5e12, 8);
    expect(r).toMatchObject({ tiles: 800, waves: 10, splitK: 1 });
    expect(r.seconds).toBeCloseTo((10 * 36 * 128 * 8 * 80) / 62.5e12, 18);
    expect((r.seconds * 62.5e12) / (3136 * 4 * 36 * 32)).toBeCloseTo(2.0408, 4);
  });

  it("divides compute time by the op class's efficiency and a 1×1 convolution's by its factor too", () => {
    const costs = kernelCosts(
      [gemmKernel("conv-kxk", 3136, 64, 576), gemmKernel("conv-1x1", 10240, 128, 256)],
      V100,
      "fp16",
      1,
    )!;
    const p: KernelParams = {
      ...ONES,
      efficiency: { ...ONES.efficiency, fp16: 0.5 },
      opFactor: { "conv-1x1": 0.8, "conv-grouped": 1 },
    };
    const t = passTiming(
      costs,
      slotEfficiencies(p),
      V100,
      p,
      { launch: "replay", perKernelUs: 0, perBatchMs: 0, deviceSpeed: 1, kernelGapUs: 0 },
      true,
    );
    expect(t.kernels![0]!.computeSeconds).toBeCloseTo((192 * 128 * 64 * 80) / 62.5e12 / 0.5, 18);
    expect(t.kernels![1]!.computeSeconds).toBeCloseTo((256 * 128 * 128 * 80) / 62.5e12 / (0.5 * 0.8), 18);
  });

  it("streams an element-wise kernel's bytes at the memory efficiency, and reads its input from L2 when it just fit there", () => {
    const bn = (chained: number): Kernel => ({
      name: "bn",
      node: 2,
      opClass: "memory",
      gemm: null,
      readElements: 802_816,
      writeElements: 802_816,
      chainedReadElements: chained,
      weightElements: 0,
      cast: false,
    });
    // Batch 1, FP16: (802,816 read + 802,816 written) × 2 B at 900 GB/s × 0.8.
    const cold = kernelCosts([bn(0)], V100, "fp16", 1)!;
    expect(cold.dramBytes[0]).toBe(802_816 * 2 * 2);
    const p = { ...ONES, memoryEfficiency: 0.8 };
    const host: StackCosts = {
      launch: "replay",
      perKernelUs: 0,
      perBatchMs: 0,
      deviceSpeed: 1,
      kernelGapUs: 0,
    };
    expect(passTiming(cold, slotEfficiencies(p), V100, p, host).latencySeconds).toBeCloseTo(
      (802_816 * 4) / (900e9 * 0.8),
      15,
    );
    // The input (1.6 MB) was written by the kernel before and fits in half of the 6 MiB L2: only the write goes to DRAM.
    expect(kernelCosts([bn(802_816)], V100, "fp16", 1)!.dramBytes[0]).toBe(802_816 * 2);
    // At batch 4 it is 6.4 MB, more than half of L2: read from DRAM again.
    expect(kernelCosts([bn(802_816)], V100, "fp16", 4)!.dramBytes[0]).toBe(802_816 * 4 * 2 * 2);
  });
});

describe("the host and device timelines", () => {
  // Three kernels of 1 µs each on the device.
  const costs = {
    unitComputeSeconds: new Float64Array([1e-6, 1e-6, 1e-6]),
    slot: new Int8Array([0, 0, 0]),
    dramBytes: new Float64Array(3),
  };
  const eff = slotEfficiencies(ONES);
  const host = (over: Partial<StackCosts>): StackCosts => ({
    launch: "eager",
    perKernelUs: 10,
    perBatchMs: 0.1,
    deviceSpeed: 1,
    kernelGapUs: 0,
    ...over,
  });

  it("eager: the device waits for each launch, so a host-bound pass lasts as long as the host", () => {
    // 0.1 ms per batch, then kernel 3 is issued at 30 µs and runs 1 µs: 0.131 ms.
    const t = passTiming(costs, eff, V100, ONES, host({}), true);
    expect(t.latencySeconds).toBeCloseTo(0.131e-3, 12);
    expect(t.kernels!.map((k) => k.bound)).toEqual(["host", "host", "host"]);
  });

  it("eager: when kernels outlast the launches, the host overlaps the device instead of adding to it", () => {
    const slow = { ...costs, unitComputeSeconds: new Float64Array([50e-6, 50e-6, 50e-6]) };
    // Kernel 1 starts at its launch (10 µs), the others back to back: 0.1 ms + 10 + 150 µs.
    expect(passTiming(slow, eff, V100, ONES, host({})).latencySeconds).toBeCloseTo(0.26e-3, 12);
  });

  it("replay: one launch per batch, kernels back to back with the gap between them", () => {
    const t = passTiming(costs, eff, V100, ONES, host({ launch: "replay", kernelGapUs: 2 }));
    expect(t.latencySeconds).toBeCloseTo(0.1e-3 + 3 * 3e-6, 12);
  });

  it("divides kernel time by the stack's device speed", () => {
    const t = passTiming(costs, eff, V100, ONES, host({ launch: "replay", deviceSpeed: 2 }));
    expect(t.deviceSeconds).toBeCloseTo(1.5e-6, 15);
  });
});

describe("properties", () => {
  it("a GEMM never takes less time when M, N, K or the group count grows", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom(40, 80, 108, 132),
        fc.constantFrom(8, 32),
        fc.constantFrom("m", "n", "k", "g"),
        fc.integer({ min: 1, max: 500 }),
        (m, n, k, g, sms, minN, which, d) => {
          const base = gemmUnitSeconds(m, n, k, g, sms, 1e13, minN).seconds;
          const [m2, n2, k2, g2] = [
            m + (which === "m" ? d : 0),
            n + (which === "n" ? d : 0),
            k + (which === "k" ? d : 0),
            g + (which === "g" ? d : 0),
          ];
          return gemmUnitSeconds(m2, n2, k2, g2, sms, 1e13, minN).seconds >= base;
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("per-image time never rises with the batch (powers of two, no cache), on every model, GPU and stack", () => {
    const ctx = realContext();
    const gpus = ["t4", "v100-sxm2-16gb", "a100-sxm4-40gb", "h100-sxm"];
    const stacks = ctx.params.stacks.filter((s) => s.engine === "kernels").map((s) => s.id);
    fc.assert(
      fc.property(
        fc.constantFrom(...SIMULATED_MODEL_IDS),
        fc.constantFrom(...gpus),
        fc.constantFrom(...stacks),
        fc.constantFrom("fp16" as const, "fp32" as const),
        (model, gpu, stackId, precision) => {
          const device = { ...realDevice(gpu), l2Bytes: 0 };
          const stack = stackOf(stackId, gpu, precision);
          const profile = modelProfile(model, 224, 224);
          let previous = Infinity;
          for (let b = 1; b <= 256; b *= 2) {
            const r = simulateWith(profile, device, precision, stack, b);
            if (!isBatchResult(r)) break; // does not fit in memory from here on
            if (r.latencyMs / b > previous * (1 + 1e-12)) return false;
            previous = r.latencyMs / b;
          }
          // Batch 1 at 224 fits on every GPU: a run that simulated nothing checked nothing.
          return previous !== Infinity;
        },
      ),
      { numRuns: 60 },
    );
  });

  it("replaying a pass is never slower than launching its kernels one by one", () => {
    const kernels = fc.array(
      fc.tuple(fc.double({ min: 0, max: 1e-3, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true })),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(
        kernels,
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (ks, hostUs, gapUs) => {
          const costs = {
            unitComputeSeconds: Float64Array.from(ks.map(([c]) => c)),
            slot: Int8Array.from(ks.map(() => 0)),
            dramBytes: Float64Array.from(ks.map(([, b]) => b)),
          };
          const h: StackCosts = {
            launch: "eager",
            perKernelUs: hostUs,
            perBatchMs: 0.5,
            deviceSpeed: 1,
            kernelGapUs: gapUs,
          };
          const eager = passTiming(costs, slotEfficiencies(ONES), V100, ONES, h).latencySeconds;
          const replay = passTiming(costs, slotEfficiencies(ONES), V100, ONES, {
            ...h,
            launch: "replay",
          }).latencySeconds;
          return replay <= eager;
        },
      ),
    );
  });

  it("with the fitted parameters, CUDA-graph PyTorch is never slower than eager PyTorch", () => {
    for (const gpu of ["t4", "v100-sxm2-16gb", "a100-sxm4-40gb", "h100-sxm"]) {
      const device = realDevice(gpu);
      const profile = modelProfile("resnet50_v1.5", 224, 224);
      for (let b = 1; b <= 256; b *= 2) {
        const eager = simulateWith(profile, device, "fp16", stackOf("pytorch-eager", gpu, "fp16"), b);
        const graph = simulateWith(profile, device, "fp16", stackOf("pytorch-graph", gpu, "fp16"), b);
        if (!isBatchResult(eager) || !isBatchResult(graph)) throw new Error("does not fit");
        expect(graph.latencyMs, `${gpu} batch ${b}`).toBeLessThanOrEqual(eager.latencyMs);
      }
    }
  });
});

function stackOf(stack: string, gpu: string, precision: "fp16" | "fp32"): KernelStackModel {
  const m = stackModel(realContext(), gpu, stack, precision);
  if ("error" in m || m.engine !== "kernels") throw new Error(`${stack}: no kernel model`);
  return m;
}
