/**
 * Fitting the GPU kernel model: the solver recovers parameters from data the model itself made, the
 * training set is exactly what the calibration dataset names, and cross-validation predicts each
 * point with a fit that never saw its accelerator or its model.
 */
import { describe, expect, it } from "vitest";
import {
  fitAndCrossValidate,
  fitGpu,
  kernelFitPoints,
  modelOf,
  parameterList,
  predictPoint,
} from "../../../src/pipeline/simulate/fit.ts";
import { realContext, realData, simParams } from "./helpers.ts";

const params = simParams();

describe("the training set", () => {
  const ctx = realContext();

  it("is every row of the tables calibration.yaml names, and nothing else", () => {
    const named = new Set(params.calibration.training.map((t) => `${t.study}/${t.table}`));
    const training = ctx.points.filter((p) => p.training);
    expect(training.length).toBeGreaterThan(400);
    for (const p of training) {
      const table = p.row.source_file.split(";").map((f) => f.split("/studies/")[1]);
      expect(
        table.some((t) => named.has(t!)),
        p.row.series,
      ).toBe(true);
    }
    // Excluded tables are simulated and validated, never trained on.
    const excluded = new Set(params.calibration.excluded.map((t) => `${t.study}/${t.table}`));
    const held = ctx.points.filter((p) =>
      p.row.source_file.split(";").some((f) => excluded.has(f.split("/studies/")[1]!)),
    );
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((p) => !p.training)).toBe(true);
  });

  it("has at least five training points per fitted parameter", () => {
    const fitted = ctx.gpu.fit.parameters.filter((p) => p.fitted).length;
    expect(ctx.gpu.fit.trainingPoints / fitted).toBeGreaterThanOrEqual(5);
  });

  it("keeps a parameter no training point depends on at its prior", () => {
    const unfitted = ctx.gpu.fit.parameters.filter((p) => !p.fitted);
    expect(unfitted.map((p) => p.id)).toContain("stack.pytorch-graph.host-per-batch-factor");
    for (const p of unfitted) expect(p.value).toBe(p.prior);
  });
});

describe("the solver", () => {
  it("recovers the parameters from throughputs the model itself produced", () => {
    const { accelerators, measured } = realData();
    const points = kernelFitPoints(measured, accelerators, params).filter((p) => p.training);
    // Truth: every prior moved by a different factor, within each parameter's range.
    const truth = new Map(
      parameterList(params).map((p, i) => {
        const f = [0.7, 1.3, 0.85, 1.15][i % 4]!;
        return [p.id, p.scale === "fraction" ? Math.min(0.95, p.prior * f) : p.prior * f];
      }),
    );
    const model = modelOf(truth, params);
    const synthetic = points.map((p) => ({
      ...p,
      row: { ...p.row, throughput_img_s: predictPoint(p, model) },
    }));
    const fit = fitGpu(synthetic, params);
    const worst = Math.max(
      ...synthetic.map((p) => Math.abs(predictPoint(p, fit) / p.row.throughput_img_s! - 1)),
    );
    expect(worst).toBeLessThan(0.01);
  });
});

describe("cross-validation", () => {
  const ctx = realContext();
  it("predicts every point of an accelerator with the fit made without any of its points", () => {
    const t4 = ctx.points.findIndex((p) => p.row.accelerator === "t4" && p.training);
    const without = fitGpu(
      ctx.points.filter((p) => p.training && p.row.accelerator !== "t4"),
      params,
      ctx.gpu.fit,
    );
    expect(ctx.gpu.predictions[t4]!.leaveAcceleratorOut).toBeCloseTo(
      predictPoint(ctx.points[t4]!, without),
      6,
    );
    expect(ctx.gpu.folds).toContainEqual({
      kind: "accelerator",
      id: "t4",
      trainingPoints: ctx.points.filter((p) => p.training && p.row.accelerator !== "t4").length,
    });
  });

  it("is deterministic: the same inputs give the same predictions to the bit", () => {
    const again = fitAndCrossValidate(ctx.points, params);
    expect(again.predictions).toEqual(ctx.gpu.predictions);
  });
});
