/**
 * The MAC counter against published counts: torchvision's model metadata (`_ops`, GFLOPS counted as
 * multiply-accumulates at the models' reference input sizes) for three networks built from the same
 * parts as MLPerf's RetinaNet, then MLPerf's RetinaNet itself.
 */
import { describe, expect, it } from "vitest";
import {
  classifierMacs,
  MLPERF_MACS,
  RESNET50,
  RESNEXT50_32X4D,
  retinanetMacs,
} from "../../../src/pipeline/mlperf/macs.ts";

describe("MAC counts", () => {
  it("ResNet-50 at 224×224: 4.089 G (torchvision ResNet50_Weights, _ops 4.089)", () => {
    expect(classifierMacs(RESNET50, 224) / 1e9).toBeCloseTo(4.089, 3);
  });

  it("ResNeXt-50 32x4d at 224×224: 4.23 G (torchvision ResNeXt50_32X4D_Weights, GFLOPS 4.23)", () => {
    expect(classifierMacs(RESNEXT50_32X4D, 224) / 1e9).toBeCloseTo(4.23, 2);
  });

  it("RetinaNet ResNet-50-FPN, 91 COCO classes, 800×800: 151.54 G (torchvision RetinaNet_ResNet50_FPN_Weights, _ops 151.54)", () => {
    const macs = retinanetMacs({ net: RESNET50, inputSize: 800, classes: 91, anchors: 9, p6From: "P5" });
    expect(macs / 1e9).toBeCloseTo(151.54, 2);
  });

  it("MLPerf's RetinaNet (ResNeXt-50 32x4d FPN, 264 classes, 800×800): 201.2 G, 49.2× ResNet-50", () => {
    expect(MLPERF_MACS.retinanet / 1e9).toBeCloseTo(201.21, 2);
    expect(MLPERF_MACS.retinanet / MLPERF_MACS.resnet50).toBeCloseTo(49.2, 1);
  });
});
