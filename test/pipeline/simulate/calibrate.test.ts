import { describe, expect, it } from "vitest";
import {
  calibrate,
  fitPoints,
  mathPrecisionOf,
  resolveStack,
} from "../../../src/pipeline/simulate/calibrate.ts";
import { deviceFor, isDevice, type Device } from "../../../src/pipeline/simulate/hardware.ts";
import { isFeasible, simulateBatch, type StackParams } from "../../../src/pipeline/simulate/performance.ts";
import { modelProfile } from "../../../src/pipeline/simulate/profile.ts";
import { fixtureAccelerators, simParams } from "./helpers.ts";

const accelerators = fixtureAccelerators();
const params = simParams();
const t4 = (() => {
  const d = deviceFor(
    accelerators.find((a) => a.id === "t4")!,
    params.accelerators.find((a) => a.id === "t4"),
  );
  if (!isDevice(d)) throw new Error(d.reason);
  return d;
})();
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
  });

  it("fits the named calibration dataset deterministically, every point met", () => {
    const a = calibrate(accelerators, params);
    // Fresh inputs: calibrate() memoizes on the identity of its arguments.
    const b = calibrate(fixtureAccelerators(), simParams());
    expect(b).not.toBe(a);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.dataset).toBe("dle-rn50-calibration");
    expect(a.skipped).toEqual([]);
    expect(a.fits).toHaveLength(params.calibration.tables.length);
    // TF1 on T4 with AMP: efficiency is a fraction of the 65 TFLOPS FP16 peak.
    const t4amp = a.fits.find((f) => f.table === "cal-dle-tf1-rn50-t4-amp")!;
    expect(t4amp.efficiency).toBeGreaterThan(0.1);
    expect(t4amp.efficiency).toBeLessThan(0.15);
    for (const t of params.calibration.tables) {
      const f = a.fits.find((x) => x.table === t.id)!;
      const acc = accelerators.find((x) => x.id === t.accelerator)!;
      const d = deviceFor(
        acc,
        params.accelerators.find((x) => x.id === acc.id),
      );
      if (!isDevice(d)) throw new Error(d.reason);
      const p = modelProfile(
        t.model === "resnet50_v1.5" ? "resnet50_v1.5" : "resnext101_32x4d",
        t.input.width,
        t.input.height,
      ).perf();
      for (const pt of t.points) {
        const r = simulateBatch(p, d, mathPrecisionOf(t.precision)!, f, pt.batch, t.devices ?? 1);
        if (!isFeasible(r)) throw new Error(r.reason);
        expect(
          Math.abs(r.latencyMs - pt.latency_ms) / pt.latency_ms,
          `${t.id} batch ${pt.batch}`,
        ).toBeLessThan(1e-3);
      }
    }
  });
});

describe("which parameters an (accelerator, stack, precision) gets", () => {
  const cal = calibrate(accelerators, params);

  it("uses its own fit, and the FP16 fit for INT8", () => {
    expect(resolveStack(cal, params, "t4", "tf1", "fp16").source).toBe(
      "fitted on dle-rn50-calibration (cal-dle-tf1-rn50-t4-amp)",
    );
    expect(resolveStack(cal, params, "t4", "tf1", "int8").source).toBe(
      "fitted on dle-rn50-calibration (cal-dle-tf1-rn50-t4-amp)",
    );
  });

  it("borrows through calibration_from, then takes stack values, then medians", () => {
    expect(resolveStack(cal, params, "h100-sxm", "tf1", "tf32").source).toContain("fit of a100-sxm4-40gb");
    const x1 = resolveStack(cal, params, "inferx-x1", "inferx", "int8");
    expect(x1).toMatchObject({ efficiency: 0.5, overheadMs: 0.1, layerFloorMs: 0 });
    expect(x1.source).toContain("assumed");
    // MN-Core 2 (MLSDK, per-batch form): the only per-batch fit is the Graphcore one.
    const mn = resolveStack(cal, params, "mn-core-2", "mlsdk", "fp16");
    const gc2 = cal.fits.find((f) => f.stack === "popart")!;
    expect(mn).toMatchObject({ efficiency: gc2.efficiency, overheadMs: gc2.overheadMs });
    expect(mn.source).toContain("per-batch stacks");
    // A100 at strict FP32 has no fit of its own: the median of the TF1 FP32 fits (V100 ×2, T4).
    const fp32 = cal.fits
      .filter((f) => f.stack === "tf1" && f.precision === "fp32")
      .map((f) => f.efficiency)
      .sort();
    expect(resolveStack(cal, params, "a100-sxm4-40gb", "tf1", "fp32").efficiency).toBe(fp32[1]);
  });
});
