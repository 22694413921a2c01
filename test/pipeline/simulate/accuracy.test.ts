/** The what-if page's accuracy figures are the validation report's, cut per view (src/pipeline/simulate/accuracy.ts). */
import { describe, expect, it } from "vitest";
import { simulatorAccuracy } from "../../../src/pipeline/simulate/accuracy.ts";
import { realAtlas } from "../../helpers/real-atlas.ts";

describe("simulatorAccuracy on the report's own validation", () => {
  const v = realAtlas().validation!;
  const a = simulatorAccuracy(v);

  it("gives the roofline's held-out error only for accelerators it is fitted on, matching the report's total", () => {
    // Only the Graphcore C2 is fitted on its own points; its held-out error is the summary's roofline figure.
    expect(a.rooflineByAccelerator.map((e) => e.key)).toEqual(["graphcore-gc2"]);
    expect(a.rooflineByAccelerator[0]).toMatchObject({
      points: v.summary.roofline_points,
      mape_pct: v.summary.roofline_mape_pct,
    });
  });

  it("merges published precisions into the simulator's, weighting each by its points", () => {
    const loao = v.breakdown.precision.loao;
    const fp16 = loao.filter((e) => e.key === "fp16" || e.key === "mixed-fp16");
    expect(fp16).toHaveLength(2);
    const n = fp16[0]!.points + fp16[1]!.points;
    const mape = (fp16[0]!.mape_pct! * fp16[0]!.points + fp16[1]!.mape_pct! * fp16[1]!.points) / n;
    const merged = a.gpuByPrecision.find((e) => e.key === "fp16")!;
    expect(merged.points).toBe(n);
    expect(merged.mape_pct).toBeCloseTo(mape, 2);
    expect(a.gpuByPrecision.find((e) => e.key === "fp32")).toMatchObject({
      points: loao.find((e) => e.key === "fp32")!.points,
      mape_pct: loao.find((e) => e.key === "fp32")!.mape_pct,
    });
  });

  it("keeps MLPerf's roofline results apart from the kernel model's, and names series the validation leaves out", () => {
    const l4 = a.mlperf.filter((m) => m.accelerator === "l4");
    expect(l4.length).toBeGreaterThan(0);
    expect(l4.every((m) => m.engine === "roofline")).toBe(true);
    expect(a.gpuByAccelerator.some((e) => e.key === "p100-pcie-12gb")).toBe(false);
    expect(a.outOfScope).toContainEqual(expect.objectContaining({ accelerator: "p100-pcie-12gb" }));
    expect(new Set(a.outOfScope.filter((x) => x.stack === "mxnet").map((x) => x.study))).toEqual(
      new Set(["nvidia-dle-mxnet-resnet50"]),
    );
  });
  it("counts the batch-at-90 % answers as the validation figure draws them: 42 of its 100 series exact, 58 off by 2× or more", () => {
    // The figure fig-simulator-batch90 draws one point per such series (measured against predicted).
    const figure = realAtlas().figures.find((f) => f.id === "fig-simulator-batch90")!;
    const rows = figure.rows as { measured: number; predicted: number }[];
    expect(a.batchAt90.series).toBe(rows.length);
    expect(a.batchAt90.same).toBe(rows.filter((r) => r.measured === r.predicted).length);
    expect(a.batchAt90).toEqual({ series: 100, same: 42, offBy2: 58 });
  });
});
