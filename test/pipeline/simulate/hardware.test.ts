import { describe, expect, it } from "vitest";
import { deviceFor, isDevice, type Device } from "../../../src/pipeline/simulate/hardware.ts";
import type { Accelerator } from "../../../src/pipeline/schema.ts";
import { realData, simParams } from "./helpers.ts";

const accelerators = realData().accelerators;
const params = simParams();
const device = (id: string): Device => {
  const d = deviceFor(
    accelerators.find((a) => a.id === id)!,
    params.accelerators.find((a) => a.id === id),
  );
  if (!isDevice(d)) throw new Error(d.reason);
  return d;
};

describe("peak rates and units from accelerator specs", () => {
  it("turns TFLOPS into MAC/s (2 ops per MAC) and MiB/GB into bytes", () => {
    const t4 = device("t4");
    expect(t4.peak.fp32).toEqual({ macsPerSecond: 4.05e12, spec: "peak_fp32_tflops" });
    expect(t4.peak.int8).toEqual({ macsPerSecond: 65e12, spec: "peak_int8_tops" });
    expect(t4.dramBytesPerSecond).toBe(320e9);
    expect(t4.sramBytes).toBe(16.5 * 2 ** 20);
    expect(t4.memoryBytes).toBe(16e9);
    expect(t4.powerW).toBe(70);
    // What the GPU kernel model needs: SMs and L2 (4 MB, a MiB here as in the spec database).
    expect([t4.kind, t4.smCount, t4.l2Bytes]).toEqual(["gpu", 40, 4 * 2 ** 20]);
    expect(device("graphcore-gc2").smCount).toBeNull();
  });

  it("runs INT8 at the FP16 rate on a V100 (no INT8 tensor cores) and TF32 at FP32 where TF32 is missing", () => {
    const v100 = device("v100-sxm2-16gb");
    expect(v100.peak.int8).toEqual({ macsPerSecond: 62.5e12, spec: "peak_fp16_tflops" });
    expect(v100.peak.tf32).toEqual({ macsPerSecond: 7.85e12, spec: "peak_fp32_tflops" });
    expect(device("a100-sxm4-40gb").peak.tf32!.spec).toBe("peak_tf32_tflops");
  });

  it("fills InferX X1 gaps from data/simulator and has no FP32 at all", () => {
    const x1 = device("inferx-x1");
    expect(x1.peak.int8).toEqual({ macsPerSecond: 4.096e12, spec: "peak_int8_tops" });
    expect(x1.peak.fp16).toEqual({ macsPerSecond: 2.048e12, spec: "peak_bf16_tflops" });
    expect(x1.peak.fp32).toBeUndefined();
    expect(x1.dramBytesPerSecond).toBeCloseTo(17.064e9, 0);
    expect(x1.supplemented).toEqual(
      expect.arrayContaining(["clock_ghz", "peak_int8_tops", "peak_bf16_tflops", "memory_bandwidth_gb_s"]),
    );
    expect(x1.supplemented).not.toContain("onchip_sram_mib"); // the accelerator file has it
  });

  it("never lets a simulator value override the accelerator file", () => {
    const acc: Accelerator = {
      id: "inferx-x1",
      name: "X1",
      vendor: "Flex Logix",
      kind: "dla",
      specs: {
        peak_int8_tops: { value: 10, source: "test" },
        memory_bandwidth_gb_s: { value: 20, source: "test" },
      },
    };
    const d = deviceFor(
      acc,
      params.accelerators.find((a) => a.id === "inferx-x1"),
    );
    if (!isDevice(d)) throw new Error(d.reason);
    expect(d.peak.int8!.macsPerSecond).toBe(5e12);
    expect(d.dramBytesPerSecond).toBe(20e9);
  });

  it("keeps IPU weights on chip and spills over the host link", () => {
    const gc2 = device("graphcore-gc2");
    expect(gc2.weights).toBe("resident");
    expect(gc2.dramBytesPerSecond).toBe(31.5e9);
    expect(gc2.peak.int8!.spec).toBe("peak_fp16_tflops");
  });

  it("says why an accelerator cannot be simulated", () => {
    const bare: Accelerator = {
      id: "bare",
      name: "Bare",
      vendor: "x",
      kind: "other",
      specs: { peak_fp32_tflops: { value: 1, source: "t" } },
    };
    expect(deviceFor(bare, undefined)).toEqual({
      id: "bare",
      reason: expect.stringContaining("no memory_bandwidth_gb_s"),
    });
  });
});
