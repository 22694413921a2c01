import { describe, expect, it } from "vitest";
import { totals } from "../../../src/pipeline/simulate/accounting.ts";
import { elements, ShapeError, type Graph } from "../../../src/pipeline/simulate/graph.ts";
import { buildModel, modelInput, resolveModelId } from "../../../src/pipeline/simulate/models/index.ts";
import {
  resnet50,
  resnext101_32x4d,
  resnext101_32x8d,
} from "../../../src/pipeline/simulate/models/resnet.ts";
import { yolov3 } from "../../../src/pipeline/simulate/models/yolov3.ts";

const shapeOf = (g: Graph, name: string): [number, number, number] => {
  const n = g.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}`);
  return [n.out.c, n.out.h, n.out.w];
};

describe("ResNet-50 v1.5 (torchvision)", () => {
  const g = resnet50(224, 224);

  it("has torchvision's stage outputs at 224", () => {
    expect(shapeOf(g, "conv1")).toEqual([64, 112, 112]);
    expect(shapeOf(g, "maxpool")).toEqual([64, 56, 56]);
    expect(shapeOf(g, "layer1.2.add")).toEqual([256, 56, 56]);
    expect(shapeOf(g, "layer2.3.add")).toEqual([512, 28, 28]);
    expect(shapeOf(g, "layer3.5.add")).toEqual([1024, 14, 14]);
    expect(shapeOf(g, "layer4.2.add")).toEqual([2048, 7, 7]);
    expect(shapeOf(g, "avgpool")).toEqual([2048, 1, 1]);
    expect(shapeOf(g, "fc")).toEqual([1000, 1, 1]);
  });

  it("puts the stride on the 3×3 conv (v1.5)", () => {
    expect(shapeOf(g, "layer2.0.conv1")).toEqual([128, 56, 56]);
    expect(shapeOf(g, "layer2.0.conv2")).toEqual([128, 28, 28]);
    expect(shapeOf(g, "layer2.0.downsample.0")).toEqual([512, 28, 28]);
  });

  it("matches torchvision's parameter count and MACs exactly", () => {
    const t = totals(g);
    expect(t.params).toBe(25_557_032);
    expect(t.macs).toBe(4_089_184_256);
    expect(t.deployParams).toBe(25_530_472); // BN folded: 1 bias per channel
  });

  it("keeps the classifier size at any input size (adaptive pooling)", () => {
    const big = resnet50(1920, 1080);
    expect(totals(big).params).toBe(25_557_032);
    expect(shapeOf(big, "conv1")).toEqual([64, 540, 960]);
    expect(shapeOf(big, "layer4.2.add")).toEqual([2048, 34, 60]);
  });
});

describe("ResNeXt101", () => {
  it("32x4d: 44,177,704 params and 7,969,996,800 MACs at 224", () => {
    const t = totals(resnext101_32x4d(224, 224));
    expect(t.params).toBe(44_177_704);
    expect(t.macs).toBe(7_969_996_800);
  });

  it("32x8d matches torchvision exactly, which checks the grouped-conv rule", () => {
    const t = totals(resnext101_32x8d(224, 224));
    expect(t.params).toBe(88_791_336);
    expect(t.macs / 1e9).toBeCloseTo(16.414, 3);
  });

  it("has grouped 3×3 convs of width 2×planes", () => {
    const g = resnext101_32x4d(224, 224);
    const c2 = g.nodes.find((n) => n.name === "layer1.0.conv2")!;
    expect(c2.op).toMatchObject({ kind: "conv2d", groups: 32, cout: 128 });
  });
});

describe("YOLOv3 (Darknet cfg)", () => {
  const g608 = yolov3(608, 608);

  it("has Darknet's layer shapes at 608", () => {
    expect(shapeOf(g608, "L0")).toEqual([32, 608, 608]);
    expect(shapeOf(g608, "L1")).toEqual([64, 304, 304]);
    expect(shapeOf(g608, "L36")).toEqual([256, 76, 76]);
    expect(shapeOf(g608, "L61")).toEqual([512, 38, 38]);
    expect(shapeOf(g608, "L81")).toEqual([255, 19, 19]);
    expect(shapeOf(g608, "L83")).toEqual([512, 19, 19]); // route 79
    expect(shapeOf(g608, "L85")).toEqual([256, 38, 38]); // upsample
    expect(shapeOf(g608, "L86")).toEqual([768, 38, 38]); // route 85 61
    expect(shapeOf(g608, "L98")).toEqual([384, 76, 76]); // route 97 36
    expect(shapeOf(g608, "L105")).toEqual([255, 76, 76]);
    expect(g608.nodes.at(-1)!.name).toBe("L106");
  });

  it("matches Darknet's per-layer BFLOPs (2·MACs) on layers 0, 1, 81 and 105", () => {
    const bflops = (name: string) => (2 * g608.nodes.find((n) => n.name === name)!.macs) / 1e9;
    expect(bflops("L0")).toBeCloseTo(0.639, 3);
    expect(bflops("L1")).toBeCloseTo(3.407, 3);
    expect(bflops("L81")).toBeCloseTo(0.189, 3);
    expect(bflops("L105")).toBeCloseTo(0.754, 3);
  });

  it("matches the published parameter count and BFLOPs at 320, 416 and 608", () => {
    expect(totals(g608).params).toBe(61_949_149);
    const bf = (s: number) => (2 * totals(yolov3(s, s)).macs) / 1e9;
    expect(bf(320)).toBeCloseTo(38.973, 3);
    expect(bf(416)).toBeCloseTo(65.864, 3);
    expect(bf(608)).toBeCloseTo(140.692, 3);
  });

  it("cannot be built at 1920×1080: the route after the last upsample does not line up", () => {
    expect(() => yolov3(1920, 1080)).toThrow(ShapeError);
    expect(() => yolov3(1920, 1080)).toThrow(
      "yolov3/L98: concat inputs differ in height×width: 136×240 vs 135×240",
    );
  });

  it("is letterboxed to 1920×1088 by the registry, which reports it", () => {
    const built = buildModel("yolov3", 1920, 1080);
    expect(built.input).toEqual({
      width: 1920,
      height: 1080,
      usedWidth: 1920,
      usedHeight: 1088,
      letterboxed: true,
    });
    expect(shapeOf(built.graph, "L0")).toEqual([32, 1088, 1920]);
    expect(modelInput("yolov3", 608, 608).letterboxed).toBe(false);
    expect(modelInput("resnet50_v1.5", 1920, 1080)).toMatchObject({ usedHeight: 1080, letterboxed: false });
  });

  it("outputs the three detection scales", () => {
    expect(g608.outputs.map((o) => g608.nodes[o]!.name)).toEqual(["L82", "L94", "L106"]);
    expect(g608.outputs.map((o) => elements(g608.nodes[o]!.out))).toEqual([
      255 * 19 * 19,
      255 * 38 * 38,
      255 * 76 * 76,
    ]);
  });
});

describe("model ids", () => {
  it("accepts resnet50 as an alias and rejects unknown names", () => {
    expect(resolveModelId("resnet50")).toBe("resnet50_v1.5");
    expect(resolveModelId("resnext101_32x4d")).toBe("resnext101_32x4d");
    expect(resolveModelId("vgg16")).toBeNull();
  });
});
