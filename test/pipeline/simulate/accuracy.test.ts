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
});
