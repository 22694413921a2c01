import { describe, expect, it } from "vitest";
import type { CanonicalRow } from "../../../src/pipeline/schema.ts";
import { calibrate } from "../../../src/pipeline/simulate/calibrate.ts";
import {
  CALIBRATION_MARK,
  matchStack,
  simulateMeasured,
  validate,
} from "../../../src/pipeline/simulate/validate.ts";
import { fixtureAccelerators, simParams } from "./helpers.ts";

const params = simParams();
const accelerators = fixtureAccelerators();

const row = (over: Partial<CanonicalRow>): CanonicalRow => ({
  study: "s",
  series: "m",
  accelerator: "t4",
  devices: 1,
  model: "resnet50_v1.5",
  input_width: 224,
  input_height: 224,
  precision: "mixed-fp16",
  framework: "TensorFlow 1 (NGC 20.06-tf1-py3)",
  execution: "TF1 graph",
  batch_size: 1,
  latency_ms: null,
  latency_p90_ms: null,
  latency_p95_ms: null,
  latency_p99_ms: null,
  utilization_pct: null,
  memory_used_mb: null,
  throughput_img_s: null,
  power_w: null,
  img_s_per_w: null,
  cost_usd_per_1000_img: null,
  fraction_of_peak: null,
  kind: "measured",
  note: "",
  derived: "",
  source_file: "x.csv",
  source_line: "2",
  ...over,
});

describe("validate()", () => {
  it("reports MAPE and the worst held-out point per series, leaving calibration points out", () => {
    const measured = [
      row({ batch_size: 1, throughput_img_s: 100, latency_ms: 10 }),
      row({ batch_size: 2, throughput_img_s: 200, latency_ms: 10 }),
      row({ batch_size: 4, throughput_img_s: 400, latency_ms: 10 }),
    ];
    const simulated = [
      row({
        kind: "simulated",
        series: "sim-m",
        batch_size: 1,
        throughput_img_s: 50,
        latency_ms: 20,
        derived: `f; ${CALIBRATION_MARK}`,
      }),
      row({ kind: "simulated", series: "sim-m", batch_size: 2, throughput_img_s: 220, latency_ms: 9 }),
      row({ kind: "simulated", series: "sim-m", batch_size: 4, throughput_img_s: 300, latency_ms: 12 }),
    ];
    const r = validate(simulated, measured);
    expect(r.series).toHaveLength(1);
    expect(r.series[0]).toMatchObject({
      series: "m",
      status: "validated",
      split: "calibration-series",
      held_out_points: 2,
      calibration_points: 1,
      throughput_mape_pct: 17.5, // |+10%| and |−25%|
      latency_mape_pct: 15, // |−10%| and |+20%|
      worst_throughput_error_pct: -25,
      worst_throughput_batch: 4,
      worst_latency_error_pct: 20,
      worst_latency_batch: 4,
    });
    expect(r.points.find((p) => p.batch_size === 1)).toMatchObject({
      calibration: true,
      throughput_error_pct: -50,
    });
    expect(r.summary).toMatchObject({
      series_validated: 1,
      held_out_points: 2,
      throughput_mape_pct: 17.5,
      held_out_series_throughput_mape_pct: null,
    });
    expect(r.byStudy).toEqual([{ study: "s", ...r.summary }]);
  });

  it("falls back to a sweep row with the same configuration, mapping mixed-fp16 to fp16", () => {
    const measured = [row({ series: "m2", batch_size: 8, throughput_img_s: 1000 })];
    const sweep = [
      row({
        kind: "simulated",
        series: "sim-t4-resnet50-v1-5-224x224-fp16",
        precision: "fp16",
        batch_size: 8,
        throughput_img_s: 900,
      }),
    ];
    expect(validate(sweep, measured).series[0]).toMatchObject({
      status: "validated",
      split: "held-out-series",
      throughput_mape_pct: 10,
    });
  });

  it("says why a series was not simulated", () => {
    const r = validate(
      [],
      [
        row({ series: "u", precision: "unknown" }),
        row({ series: "v", model: "vgg16" }),
        row({ series: "w", batch_size: null }),
      ],
    );
    expect(r.series.map((s) => [s.series, s.status, s.reason.split(":")[0]])).toEqual([
      ["u", "not-simulated", "precision unknown"],
      ["v", "not-simulated", "model vgg16 is not one of the simulator's models"],
      ["w", "not-simulated", "no batch size"],
    ]);
  });
});

describe("simulateMeasured()", () => {
  it("matches stacks by framework and execution text, specific stacks first", () => {
    expect(
      matchStack(params, "PopART (Poplar SDK 1.0.136), PyTorch model exported to ONNX", "PopART graph"),
    ).toBe("popart");
    expect(matchStack(params, "TensorFlow 1 (NGC 20.06-tf1-py3)", "TF1 graph + XLA")).toBe("tf1-xla");
    expect(matchStack(params, "TensorFlow 1 (NGC 20.06-tf1-py3)", "TF1 graph")).toBe("tf1");
    expect(matchStack(params, "PyTorch (NGC pytorch-21.03)", "PyTorch eager")).toBe("pytorch");
    expect(matchStack(params, "TensorRT 7.2, CUDA 11.0", "TensorRT (MLPerf LoadGen harness)")).toBe(
      "tensorrt",
    );
    expect(matchStack(params, "something else", "")).toBe("default");
  });

  it("reproduces calibration points, marks them, and predicts held-out ones (T4, TF1, AMP)", () => {
    // Rows of the DLE TF1 ResNet-50 T4 mixed-precision table: batch 1, 16 and 256 are calibration points.
    const measured = [
      row({ series: "dle-t4-amp", batch_size: 1, throughput_img_s: 211.04, latency_ms: 4.77 }),
      row({ series: "dle-t4-amp", batch_size: 8, throughput_img_s: 791.12, latency_ms: 10.16 }),
      row({ series: "dle-t4-amp", batch_size: 16, throughput_img_s: 914.26, latency_ms: 17.55 }),
      row({ series: "dle-t4-amp", batch_size: 256, throughput_img_s: 993.39, latency_ms: 257.71 }),
    ];
    const sims = simulateMeasured(measured, accelerators, params, {
      calibration: calibrate(accelerators, params),
    });
    expect(sims.map((s) => [s.series, s.batch_size, s.derived.includes(CALIBRATION_MARK)])).toEqual([
      ["sim-dle-t4-amp", 1, true],
      ["sim-dle-t4-amp", 8, false],
      ["sim-dle-t4-amp", 16, true],
      ["sim-dle-t4-amp", 256, true],
    ]);
    expect(sims[0]!.latency_ms).toBeCloseTo(4.77, 2);
    expect(sims[3]!.latency_ms).toBeCloseTo(257.71, 1);
    const v = validate(sims, measured).series[0]!;
    expect(v).toMatchObject({ held_out_points: 1, calibration_points: 3 });
    // Batch 8 is interpolated between the fitted points: within 15% of the measurement.
    expect(Math.abs(v.latency_mape_pct!)).toBeLessThan(15);
  });

  it("splits a C2 card batch over its two IPUs", () => {
    const m = row({
      series: "c2",
      accelerator: "graphcore-gc2",
      devices: 2,
      model: "resnext101_32x4d",
      framework: "PopART",
      execution: "PopART graph",
      batch_size: 2,
      latency_ms: 1.36,
    });
    const [s] = simulateMeasured([m], accelerators, params);
    expect(s).toMatchObject({ devices: 2, batch_size: 2 });
    expect(s!.latency_ms).toBeCloseTo(1.36, 2); // the calibration point
    expect(s!.throughput_img_s! * s!.latency_ms!).toBeCloseTo(2000, -1);
  });
});
