/** MLPerf Inference as a validation set the fit never sees: what is compared, with what, and what is left out. */
import { describe, expect, it } from "vitest";
import type { MlperfResult } from "../../../src/pipeline/mlperf/normalize.ts";
import { stackModel } from "../../../src/pipeline/simulate/context.ts";
import { modelProfile } from "../../../src/pipeline/simulate/profile.ts";
import { isBatchResult, simulateWith, type BatchResult } from "../../../src/pipeline/simulate/simulate.ts";
import { mlperfGpus, validateMlperf } from "../../../src/pipeline/simulate/validate-mlperf.ts";
import { realContext, realDevice } from "./helpers.ts";

const ctx = realContext();

/** A valid closed-division TensorRT Offline result of one node, changed by `o`. */
function result(o: Partial<MlperfResult>): MlperfResult {
  const base: MlperfResult = {
    study: "mlperf-inference-v9.9-resnet50",
    round: "v9.9",
    benchmark: "resnet50",
    division: "closed",
    submitter: "Example",
    system: "box",
    systemName: "Example box",
    category: "datacenter",
    availability: "available",
    acceleratorModel: "NVIDIA T4",
    hostProcessor: "Some CPU",
    framework: "TensorRT 7.2, CUDA 11.1",
    accelerator: "t4",
    deviceKind: "accelerator",
    unmappedReason: null,
    perNode: 4,
    nodes: 1,
    scenario: "Offline",
    metric: "Samples per second",
    value: 20000,
    valueText: "20000",
    unit: "samples/s",
    validity: "VALID",
    throughput: 20000,
    latencyMs: null,
    powerW: null,
    imgPerJoule: null,
    line: 2,
    source: "mlcommons/inference_results_v9.9@0000000000000000000000000000000000000000:x:1",
    series: "s",
  };
  return { ...base, ...o };
}

const int8 = (accelerator: string, batch: number): BatchResult => {
  const sm = stackModel(ctx, accelerator, "tensorrt", "int8");
  if ("error" in sm) throw new Error(sm.error);
  const r = simulateWith(modelProfile("resnet50_v1.5", 224, 224), realDevice(accelerator), "int8", sm, batch);
  if (!isBatchResult(r)) throw new Error(r.reason);
  return r;
};

describe("the MLPerf comparison", () => {
  const v = validateMlperf(
    [
      result({}),
      result({ scenario: "SingleStream", perNode: 1, value: 2e6, unit: "ns", latencyMs: 2, throughput: 500 }),
      result({
        accelerator: "h100-sxm",
        acceleratorModel: "NVIDIA H100-SXM-80GB",
        perNode: 8,
        throughput: 640000,
      }),
      result({ division: "open" }),
      result({ validity: "INVALID" }),
      result({ framework: "ONNX Runtime" }),
      result({ accelerator: "l4", acceleratorModel: "NVIDIA L4", perNode: 1, throughput: 12000 }),
      result({ accelerator: null, acceleratorModel: "Unknown part", deviceKind: "unmapped" }),
      result({ nodes: 2 }),
      result({ scenario: "Server" }),
      result({ benchmark: "retinanet" }),
    ],
    ctx,
  );

  it("compares Offline per accelerator with the model's best INT8 throughput over batches 1 to 2048", () => {
    const p = v.points.find((x) => x.accelerator === "t4" && x.scenario === "Offline")!;
    expect(p.measured).toBe(5000);
    const best = Array.from({ length: 12 }, (_, i) => int8("t4", 2 ** i)).reduce((a, b) =>
      b.throughputImgS > a.throughputImgS ? b : a,
    );
    expect(p.predicted_batch).toBe(best.batch);
    expect(p.predicted).toBeCloseTo(best.throughputImgS, 0);
    expect(p.error_pct).toBeCloseTo(((p.predicted - 5000) / 5000) * 100, 2);
    expect(p.stack).toBe("tensorrt");
  });

  it("reads SingleStream as batch-1 throughput, so every error is a throughput error", () => {
    const p = v.points.find((x) => x.scenario === "SingleStream")!;
    expect(p.measured).toBe(500);
    expect(p.predicted_batch).toBe(1);
    expect(p.predicted).toBeCloseTo(int8("t4", 1).throughputImgS, 0);
  });

  it("says which GPUs the fit trained on other tables of", () => {
    expect(v.points.find((x) => x.accelerator === "t4")!.accelerator_in_fit).toBe(true);
    expect(v.points.find((x) => x.accelerator === "h100-sxm")!.accelerator_in_fit).toBe(false);
    expect([...mlperfGpus(v, "unseen")]).toEqual(["h100-sxm"]);
    const offline = v.summary.find((s) => s.scenario === "Offline" && s.engine === "kernels")!;
    expect(offline.points).toBe(2);
    expect(offline.unseen_points).toBe(1);
    const h100 = v.points.find((x) => x.accelerator === "h100-sxm")!;
    expect(h100.measured).toBe(80000);
    expect(offline.unseen_mape_pct).toBe(Math.abs(h100.error_pct));
    const mean = v.points
      .filter((x) => x.scenario === "Offline" && x.engine === "kernels")
      .reduce((s, x) => s + Math.abs(x.error_pct) / 2, 0);
    // Summaries keep 4 significant digits.
    expect(Math.abs(offline.mape_pct! / mean - 1)).toBeLessThan(5e-4);
  });

  it("counts every ResNet-50 Offline or SingleStream result it leaves out, by reason", () => {
    expect(v.left_out).toEqual([
      {
        reason: "accelerator the simulator cannot run at INT8 (no INT8 peak in its file)",
        results: 1,
      },
      { reason: "not a single-node system (no value per accelerator)", results: 1 },
      { reason: "not a valid result", results: 1 },
      { reason: "not run with TensorRT", results: 1 },
      { reason: "open division (the model may differ)", results: 1 },
    ]);
    expect(v.points).toHaveLength(4);
  });

  it("checks a GPU without an SM count with the layer roofline its page shows, and keeps it apart", () => {
    const l4 = v.points.find((x) => x.accelerator === "l4")!;
    expect(l4.engine).toBe("roofline");
    expect(l4.stack).toBe("default");
    expect(l4.measured).toBe(12000);
    expect(v.points.filter((x) => x.accelerator !== "l4").every((x) => x.engine === "kernels")).toBe(true);
    const roofline = v.summary.find((s) => s.scenario === "Offline" && s.engine === "roofline")!;
    expect(roofline.points).toBe(1);
    expect(roofline.mape_pct).toBe(Math.abs(l4.error_pct));
    // The kernel model's numbers do not include it.
    expect(v.summary.find((s) => s.scenario === "Offline" && s.engine === "kernels")!.points).toBe(2);
    expect(mlperfGpus(v, "unseen")).not.toContain("l4");
  });
});
