/** The validation report on the repository's data: what is counted, how, and what is kept apart. */
import { describe, expect, it } from "vitest";
import {
  CALIBRATION_MARK,
  indistinguishable,
  matchStack,
  simulateMeasured,
  validate,
  type ValidationPoint,
} from "../../../src/pipeline/simulate/validate.ts";
import { realContext, realData, simParams } from "./helpers.ts";

const ctx = realContext();
const { measured } = realData();
const twins = simulateMeasured(measured, ctx);
const report = validate(ctx, twins, measured);

describe("stacks of measured rows", () => {
  it("matches framework and execution text, specific stacks first", () => {
    const p = simParams();
    expect(matchStack(p, "TensorFlow 1 (NGC 20.06-tf1-py3)", "TF1 graph + XLA")).toBe("tf1-xla");
    expect(matchStack(p, "TensorFlow 1 (NGC 20.06-tf1-py3)", "TF1 graph")).toBe("tf1");
    expect(matchStack(p, "PyTorch (NGC pytorch-21.03)", "PyTorch eager")).toBe("pytorch-eager");
    expect(matchStack(p, "Paddle-TRT (PaddlePaddle with TensorRT)", "Paddle-TRT engine")).toBe("tensorrt");
    expect(matchStack(p, "Triton Inference Server, ONNX Runtime backend with TensorRT", "offline")).toBe(
      "triton-ort-trt",
    );
    expect(matchStack(p, "PopART (Poplar SDK 1.0.136), PyTorch model exported to ONNX", "PopART graph")).toBe(
      "popart",
    );
    expect(matchStack(p, "Something else", "")).toBe("default");
  });
});

describe("simulated twins", () => {
  it("simulate every measured point of a known model and precision, the fitted ones marked", () => {
    const t4 = twins.filter((t) => t.series === "sim-dle-pyt-rn50-t4-amp");
    expect(t4.map((t) => t.batch_size)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(t4.every((t) => t.derived.includes(CALIBRATION_MARK))).toBe(true);
    expect(t4[0]!.note).toContain("stack pytorch-eager");
    // Excluded tables are simulated but never marked as fitted.
    const excluded = twins.filter((t) => t.series === "sim-dle-tf1-rnx101-t4-amp");
    expect(excluded.length).toBe(8);
    expect(excluded.some((t) => t.derived.includes(CALIBRATION_MARK))).toBe(false);
  });

  it("split a C2 card's batch over its two IPUs", () => {
    const c2 = twins.filter((t) => t.accelerator === "graphcore-gc2");
    expect(c2.length).toBeGreaterThan(0);
    expect(c2.every((t) => t.devices === 2)).toBe(true);
  });
});

describe("the report", () => {
  it("states its accuracy on cross-validated predictions over every in-scope GPU point", () => {
    const gpu = report.points.filter((p) => p.engine === "kernels" && p.in_scope);
    expect(report.summary.gpu_points).toBe(gpu.length);
    const mape = (xs: number[]) => (100 * xs.reduce((a, b) => a + Math.abs(b), 0)) / xs.length;
    const loao = mape(gpu.map((p) => p.loao_throughput_img_s! / p.measured_throughput_img_s - 1));
    expect(report.summary.loao_mape_pct).toBeCloseTo(loao, 2);
    // The in-sample error is smaller than the cross-validated one: the fit saw those points.
    expect(report.summary.in_sample_mape_pct!).toBeLessThan(report.summary.loao_mape_pct!);
    expect(report.summary.training_points / report.summary.fitted_parameters).toBeGreaterThanOrEqual(5);
  });

  it("keeps out-of-scope studies apart, saying why", () => {
    const course = report.byStudy.find((s) => s.key === "v100-p100-resnet50-course")!;
    expect(course.in_scope).toBe(false);
    expect(course.reason).toContain("per-run setup");
    expect(
      report.points.filter((p) => p.study === "v100-p100-resnet50-course").every((p) => !p.in_scope),
    ).toBe(true);
  });

  it("breaks the error down by accelerator, model, precision, batch regime and stack", () => {
    expect(report.breakdown.regime.loao.map((s) => s.key)).toEqual(["batch < 16", "batch ≥ 16"]);
    expect(report.breakdown.accelerator.loao.map((s) => s.key)).toContain("t4");
    expect(report.breakdown.model.lomo.map((s) => s.key)).toEqual([
      "resnet50_v1.5",
      "resnext101_32x4d",
      "se_resnext101_32x4d",
      "yolov3", // the atlas's own H200 measurements
    ]);
    const sum = report.breakdown.stack.loao.reduce((s, x) => s + x.points, 0);
    expect(sum).toBe(report.summary.gpu_points);
  });

  it("compares the batch reaching 90 % of peak, measured and predicted, per series", () => {
    const s = report.series.find((x) => x.series === "dle-pyt-rn50-v100-16gb-amp")!;
    // Measured: 3382 img/s at batch 256 is the best; 3249 at 128 is 96 % of it, 2984 at 64 is 88 %.
    expect(s.batch_at_90_measured).toBe(128);
    expect(s.batch_at_90_predicted).not.toBeNull();
  });

  it("reports the roofline accelerators on points their fit was not made on", () => {
    const gc2 = report.points.filter((p) => p.accelerator === "graphcore-gc2");
    expect(
      gc2
        .filter((p) => p.training)
        .map((p) => p.batch_size)
        .sort((a, b) => a - b),
    ).toEqual([2, 12]);
    expect(report.summary.roofline_points).toBe(gc2.filter((p) => !p.training).length);
  });
});

describe("where the tables disagree among themselves", () => {
  const point = (series: string, batch: number, measured: number, predicted: number): ValidationPoint => ({
    series,
    study: "s",
    accelerator: series,
    model: "resnet50_v1.5",
    precision: "fp16",
    stack: "tf1",
    batch_size: batch,
    measured_throughput_img_s: measured,
    simulated_throughput_img_s: predicted,
    loao_throughput_img_s: predicted,
    lomo_throughput_img_s: predicted,
    training: true,
    loao_covered: true,
    lomo_covered: true,
    in_scope: true,
    engine: "kernels",
  });

  it("takes the least error one number can have on points the model cannot tell apart", () => {
    const floor = indistinguishable([
      // One group of two series: 100 or 150 img/s for one prediction; the best single number is 100
      // (0 + 50/150), not 150 (50/100 + 0).
      point("a", 1, 100, 120),
      point("b", 1, 150, 120),
      // Three series: 110 is best (10/100 + 0 + 90/200 = 0.55).
      point("a", 2, 100, 180),
      point("b", 2, 110, 180),
      point("c", 2, 200, 180),
      // Not grouped: another prediction, or one series only.
      point("c", 1, 300, 121),
      point("a", 4, 100, 400),
    ]);
    expect(floor.points).toBe(5);
    expect(floor.series).toBe(3);
    // Percentages are given to 4 significant digits, as the report's other errors.
    const pct4 = (x: number) => Number(x.toPrecision(4));
    expect(floor.maxSpreadPct).toBe(100);
    expect(floor.floorMapePct).toBe(pct4((100 * (50 / 150 + 0.55)) / 5));
    expect(floor.floorOfAllPct).toBe(pct4((100 * (50 / 150 + 0.55)) / 7));
    expect(indistinguishable([point("a", 1, 100, 120)])).toMatchObject({ points: 0, floorMapePct: null });
  });

  it("is a floor the full fit, one model, does not go under on the real data", () => {
    const gpu = report.points.filter((p) => p.engine === "kernels" && p.in_scope);
    const floor = indistinguishable(gpu);
    expect(report.summary.lookalike_points).toBe(floor.points);
    const keyOf = (p: ValidationPoint) =>
      `${p.model}|${p.precision}|${p.stack}|${p.batch_size}|${p.simulated_throughput_img_s}`;
    const seriesOf = new Map<string, Set<string>>();
    for (const p of gpu) seriesOf.set(keyOf(p), (seriesOf.get(keyOf(p)) ?? new Set()).add(p.series));
    const twins = gpu.filter((p) => seriesOf.get(keyOf(p))!.size > 1);
    expect(twins.length).toBe(floor.points);
    // The V100's 16 GB and 32 GB tables look the same to the model.
    expect(
      twins.some(
        (p) =>
          p.series.includes("v100-16gb") &&
          seriesOf.get(keyOf(p))!.has(p.series.replace("v100-16gb", "v100-32gb")),
      ),
    ).toBe(true);
    const fullFitMape =
      (100 *
        twins.reduce(
          (s, p) => s + Math.abs(p.simulated_throughput_img_s / p.measured_throughput_img_s - 1),
          0,
        )) /
      twins.length;
    // The floor is rounded to 4 significant digits.
    expect(fullFitMape).toBeGreaterThanOrEqual(floor.floorMapePct! - 0.01);
  });
});
