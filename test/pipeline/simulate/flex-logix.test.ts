/**
 * Flex Logix's published memory figures, reproduced under the definitions in docs/simulator.md
 * ("Memory definitions"). INT8 (1 byte per element), batch 1, decimal MB.
 */
import { describe, expect, it } from "vitest";
import { memoryReport } from "../../../src/pipeline/simulate/memory.ts";
import type { ModelId } from "../../../src/pipeline/simulate/models/index.ts";
import { modelProfile } from "../../../src/pipeline/simulate/profile.ts";

const int8 = (model: ModelId, w: number, h: number, batch = 1) => {
  const p = modelProfile(model, w, h);
  return memoryReport(p.graph, p.activations, "int8", batch);
};
const MB = 1e6;

describe("Flex Logix figures within 2%", () => {
  const cases: [string, number, number][] = [
    // [claim, published MB, ours MB]
    [
      "ResNet-50 INT8 weights 22.7 MB (main-path conv + FC weights)",
      22.7,
      int8("resnet50_v1.5", 224, 224).flexLogixWeightBytes / MB,
    ],
    [
      "ResNet-50 largest activation 0.8 MB at 224",
      0.8,
      int8("resnet50_v1.5", 224, 224).largestActivationBytes / MB,
    ],
    [
      "ResNet-50 next largest activation 0.4 MB at 224",
      0.4,
      int8("resnet50_v1.5", 224, 224).nextLargestActivationBytes / MB,
    ],
    [
      "ResNet-50 1.2 MB activation storage at 224 (largest layer input + output)",
      1.2,
      int8("resnet50_v1.5", 224, 224).layerIoPeakBytes / MB,
    ],
    [
      "ResNet-50 largest activation 33.5 MB at 2 MP (2048×1024 = 2^21 px)",
      33.5,
      int8("resnet50_v1.5", 2048, 1024).largestActivationBytes / MB,
    ],
    ["YOLOv3 INT8 weights 62 MB", 62, int8("yolov3", 608, 608).weightBytes / MB],
    ["YOLOv3 ~18 MB at 608×608 (layer I/O peak)", 18, int8("yolov3", 608, 608).layerIoPeakBytes / MB],
    ["YOLOv3 ~18 MB at 608×608 (liveness peak)", 18, int8("yolov3", 608, 608).peakActivationBytes / MB],
  ];
  it.each(cases)("%s", (_claim, published, ours) => {
    expect(Math.abs(ours - published) / published).toBeLessThan(0.02);
  });

  it("YOLOv3 needs more than 100 MB at 2 MP (2^21 px, and 1080p letterboxed to 1088)", () => {
    expect(int8("yolov3", 2048, 1024).peakActivationBytes).toBe(100_663_296);
    expect(int8("yolov3", 1920, 1080).peakActivationBytes).toBe(100_270_080);
    // 1440×1440 (also "2 megapixel" in the text) stays just under 100 MB.
    expect(int8("yolov3", 1440, 1440).peakActivationBytes / MB).toBeCloseTo(99.53, 2);
  });

  it("gives the exact byte counts behind those figures", () => {
    const r50 = int8("resnet50_v1.5", 224, 224);
    expect(r50.flexLogixWeightBytes).toBe(22_734_016);
    expect(r50.largestActivationBytes).toBe(802_816);
    // 128×56×56 = 512×28×28; the second-largest tensor is 802,816 B again (256×56×56 block outputs).
    expect(r50.nextLargestActivationBytes).toBe(401_408);
    expect(r50.layerIoPeakBytes).toBe(1_204_224);
    expect(int8("resnet50_v1.5", 2048, 1024).largestActivationBytes).toBe(33_554_432);
    expect(int8("resnet50_v1.5", 1440, 1440).largestActivationBytes).toBe(33_177_600);
    const y608 = int8("yolov3", 608, 608);
    expect(y608.largestActivationBytes).toBe(11_829_248);
    expect(y608.layerIoPeakBytes).toBe(11_829_248 + 5_914_624);
  });

  it("liveness peaks of ResNet-50 at 224 per fusion policy", () => {
    const r = int8("resnet50_v1.5", 224, 224).peakActivationBytesByPolicy;
    expect(r.separate).toBe(3 * 802_816); // block input + conv3 + add output
    expect(r.fused).toBe(802_816 + 200_704 + 802_816); // residual + conv2 output + conv3 output
    expect(r["fused-inplace"]).toBe(802_816 + 401_408 + 100_352); // layer2.0.conv2: x held for the projection
  });

  it("scales every activation figure linearly with batch and precision", () => {
    const b1 = int8("resnet50_v1.5", 224, 224);
    const b10 = int8("resnet50_v1.5", 224, 224, 10);
    expect(b10.layerIoPeakBytes).toBe(10 * b1.layerIoPeakBytes);
    expect(b10.peakActivationBytes).toBe(10 * b1.peakActivationBytes);
    expect(b10.weightBytes).toBe(b1.weightBytes); // weights are read once per batch
    const p = modelProfile("resnet50_v1.5", 224, 224);
    expect(memoryReport(p.graph, p.activations, "fp32", 1).largestActivationBytes).toBe(4 * 802_816);
  });
});
