import { describe, expect, it } from "vitest";
import {
  calibrateRoofline,
  FitError,
  fitRooflinePoints as fitPoints,
  resolveRooflineStack,
} from "../../../src/pipeline/simulate/calibrate.ts";
import type { Device } from "../../../src/pipeline/simulate/hardware.ts";
import { isFeasible, simulateBatch, type StackParams } from "../../../src/pipeline/simulate/performance.ts";
import { modelProfile } from "../../../src/pipeline/simulate/profile.ts";
import { realData, realDevice, simParams } from "./helpers.ts";

const params = simParams();
// The roofline on a T4 (the model is the same on any device; its numbers are easy to check).
const t4 = realDevice("t4");
const profile = modelProfile("resnet50_v1.5", 224, 224).perf();
const latency = (d: Device, s: StackParams, n: number) => {
  const r = simulateBatch(profile, d, "fp16", s, n);
  if (!isFeasible(r)) throw new Error(r.reason);
  return r.latencyMs;
};

describe("fitting efficiency and fixed costs", () => {
  const truth: StackParams = { efficiency: 0.3, overheadMs: 2, layerFloorMs: 0.05 };
  const points = (s: StackParams, batches: number[]) =>
    batches.map((batch) => ({ batch, latency_ms: latency(t4, s, batch) }));

  it("recovers η, overhead and floor from three points of the model itself", () => {
    const fit = fitPoints(profile, t4, "fp16", points(truth, [1, 16, 256]), "both");
    expect(fit.efficiency).toBeCloseTo(0.3, 6);
    expect(fit.overheadMs).toBeCloseTo(2, 5);
    expect(fit.layerFloorMs).toBeCloseTo(0.05, 6);
    expect(fit.note).toBeNull();
  });

  it("recovers η and the one fixed cost from two points", () => {
    const perBatch = fitPoints(
      profile,
      t4,
      "fp16",
      points({ ...truth, layerFloorMs: 0 }, [1, 256]),
      "per-batch",
    );
    expect([perBatch.efficiency, perBatch.overheadMs, perBatch.layerFloorMs]).toEqual([
      expect.closeTo(0.3, 6),
      expect.closeTo(2, 5),
      0,
    ]);
    const perLayer = fitPoints(
      profile,
      t4,
      "fp16",
      points({ ...truth, overheadMs: 0 }, [1, 256]),
      "per-layer",
    );
    expect([perLayer.efficiency, perLayer.overheadMs, perLayer.layerFloorMs]).toEqual([
      expect.closeTo(0.3, 6),
      0,
      expect.closeTo(0.05, 6),
    ]);
  });

  it("clamps and says so when the points are faster than the peak allows", () => {
    const fit = fitPoints(
      profile,
      t4,
      "fp16",
      [
        { batch: 1, latency_ms: 1 },
        { batch: 256, latency_ms: 2 },
      ],
      "per-batch",
    );
    expect(fit.efficiency).toBe(1);
    expect(fit.note).toContain("efficiency clamped at 1");
    expect(() => fitPoints(profile, t4, "fp16", [{ batch: 1, latency_ms: 1 }], "per-batch")).toThrow(
      "needs 2 points",
    );
    // A fit its points cannot make is a FitError, the one error calibrateRoofline reports as skipped.
    expect(() => fitPoints(profile, t4, "fp16", [{ batch: 1, latency_ms: 1 }], "per-batch")).toThrow(
      FitError,
    );
  });

  it("fits the roofline entries of the calibration dataset on the rows they name, every point met", () => {
    const { accelerators, measured } = realData();
    const cal = calibrateRoofline(accelerators, params, measured);
    expect(cal.skipped).toEqual([]);
    expect(cal.fits.map((f) => f.table)).toEqual(params.calibration.roofline.map((t) => t.id));
    const gc2 = cal.fits[0]!;
    // Kacher et al. Table 1: 1.36 ms at batch 2 and 4.75 ms at batch 12, on the C2 card's two IPUs.
    const d = realDevice("graphcore-gc2");
    const p = modelProfile("resnext101_32x4d", 224, 224).perf();
    for (const [batch, ms] of [
      [2, 1.36],
      [12, 4.75],
    ] as const) {
      const r = simulateBatch(p, d, "fp16", gc2, batch, 2);
      if (!isFeasible(r)) throw new Error(r.reason);
      expect(Math.abs(r.latencyMs - ms) / ms).toBeLessThan(1e-3);
    }
  });
});

describe("which roofline parameters an (accelerator, stack, precision) gets", () => {
  const { accelerators, measured } = realData();
  const cal = calibrateRoofline(accelerators, params, measured);

  it("uses its own fit, and the FP16 fit for INT8", () => {
    expect(resolveRooflineStack(cal, params, "graphcore-gc2", "popart", "fp16").source).toBe(
      `fitted on ${params.calibration.name} (cal-kacher-c2-resnext101)`,
    );
    expect(resolveRooflineStack(cal, params, "graphcore-gc2", "popart", "int8").source).toContain(
      "cal-kacher-c2-resnext101",
    );
  });

  it("takes stack values where given, then medians of the fits of the same form", () => {
    const x1 = resolveRooflineStack(cal, params, "inferx-x1", "inferx", "int8");
    expect(x1).toMatchObject({ efficiency: 0.5, overheadMs: 0.1, layerFloorMs: 0 });
    expect(x1.source).toContain("assumed");
    // MN-Core 2 (MLSDK, per-batch form): the only per-batch fit is the Graphcore one.
    const mn = resolveRooflineStack(cal, params, "mn-core-2", "mlsdk", "fp16");
    const gc2 = cal.fits.find((f) => f.stack === "popart")!;
    expect(mn).toMatchObject({ efficiency: gc2.efficiency, overheadMs: gc2.overheadMs });
    expect(mn.source).toContain("fits of per-batch stacks");
  });
});
