/** Lowering a network to the kernels a stack launches: counts per fusion style and GEMM shapes worked by hand. */
import { describe, expect, it } from "vitest";
import { lowerToKernels } from "../../../src/pipeline/simulate/kernels.ts";
import { buildModel } from "../../../src/pipeline/simulate/models/index.ts";

const rn50 = buildModel("resnet50_v1.5", 224, 224).graph;
const rnx = buildModel("resnext101_32x4d", 224, 224).graph;

describe("ResNet-50 v1.5 at 224 px", () => {
  it("unfused (eager PyTorch): every batch norm, ReLU and residual add is a kernel of its own", () => {
    const k = lowerToKernels(rn50, "unfused");
    // 53 convolutions + 53 batch norms + 33 conv ReLUs + 16 adds + 16 add ReLUs + max pool + average pool + fc.
    expect(k).toHaveLength(53 + 53 + 33 + 16 + 16 + 2 + 1);
    expect(k.filter((x) => x.gemm).length).toBe(54);
    expect(k.filter((x) => x.name.endsWith("/bn"))).toHaveLength(53);
  });

  it("fused-elementwise (XLA, TF remapper): one element-wise kernel after each convolution, the add folded in", () => {
    expect(lowerToKernels(rn50, "fused-elementwise")).toHaveLength(53 + 53 + 2 + 1);
  });

  it("fused-epilogue (TensorRT): only convolutions, the two pools and the classifier", () => {
    const k = lowerToKernels(rn50, "fused-epilogue");
    expect(k).toHaveLength(53 + 2 + 1);
    // The residual is read in the epilogue of the block's last convolution: layer1.1.conv3 reads its
    // input (64×56×56) and the block's input (256×56×56); in layer1.0 the projection runs last and reads conv3's output.
    expect(k.find((x) => x.name === "layer1.1.conv3")!.readElements).toBe(64 * 56 * 56 + 256 * 56 * 56);
    expect(k.find((x) => x.name === "layer1.0.downsample.0")!.readElements).toBe(
      64 * 56 * 56 + 256 * 56 * 56,
    );
  });

  it("mixed precision under autocast adds one weight cast per convolution and the classifier", () => {
    const k = lowerToKernels(rn50, "unfused", true);
    const casts = k.filter((x) => x.cast);
    expect(casts).toHaveLength(54);
    expect(casts.reduce((s, x) => s + x.weightElements, 0)).toBe(25_502_912); // conv + fc weights
  });

  it("lowers convolutions to implicit GEMMs: M per image = Ho·Wo, N = Cout/groups, K = Cin/groups·k²", () => {
    const k = lowerToKernels(rn50, "unfused");
    expect(k.find((x) => x.name === "conv1")).toMatchObject({
      opClass: "conv-kxk",
      gemm: { m: 112 * 112, n: 64, k: 3 * 49, groups: 1 },
    });
    expect(k.find((x) => x.name === "layer2.0.conv2")).toMatchObject({
      opClass: "conv-kxk",
      gemm: { m: 28 * 28, n: 128, k: 128 * 9, groups: 1 },
    });
    expect(k.find((x) => x.name === "layer4.2.conv3")).toMatchObject({
      opClass: "conv-1x1",
      gemm: { m: 49, n: 2048, k: 512, groups: 1 },
    });
    expect(k.find((x) => x.name === "fc")).toMatchObject({
      opClass: "conv-1x1",
      gemm: { m: 1, n: 1000, k: 2048, groups: 1 },
    });
  });

  it("reads a kernel's input from the kernel before it when that wrote it (the L2 candidate)", () => {
    const k = lowerToKernels(rn50, "unfused");
    const bn = k.findIndex((x) => x.name === "conv1/bn");
    expect(k[bn - 1]!.name).toBe("conv1");
    expect(k[bn]!.chainedReadElements).toBe(64 * 112 * 112);
    expect(k.find((x) => x.name === "conv1")!.chainedReadElements).toBe(0); // the input image
  });
});

describe("ResNeXt101-32x4d", () => {
  it("lowers grouped convolutions per group: 32 groups of 4 outputs in stage 1, 32 of 32 in stage 4", () => {
    const k = lowerToKernels(rnx, "unfused");
    expect(k.find((x) => x.name === "layer1.0.conv2")).toMatchObject({
      opClass: "conv-grouped",
      gemm: { m: 56 * 56, n: 4, k: 4 * 9, groups: 32 },
    });
    expect(k.find((x) => x.name === "layer4.0.conv2")).toMatchObject({
      opClass: "conv-grouped",
      gemm: { m: 7 * 7, n: 32, k: 32 * 9, groups: 32 },
    });
  });
});

describe("SE-ResNeXt101-32x4d", () => {
  it("adds per block a pool, two 1×1 convolutions on a 1×1 map and the channel-wise scale", () => {
    const se = buildModel("se_resnext101_32x4d", 224, 224).graph;
    const k = lowerToKernels(se, "unfused");
    const block = k.filter((x) => x.name.startsWith("layer3.5.squeeze."));
    expect(block.map((x) => x.name)).toEqual([
      "layer3.5.squeeze.pooling",
      "layer3.5.squeeze.squeeze",
      "layer3.5.squeeze.squeeze/relu",
      "layer3.5.squeeze.expand",
      "layer3.5.squeeze.expand/sigmoid",
      "layer3.5.squeeze.scale",
    ]);
    expect(block[1]!.gemm).toEqual({ m: 1, n: 16, k: 1024, groups: 1 });
    // The scale reads conv3's output and the 1024 factors, and writes a tensor as large as conv3's.
    expect(block[5]).toMatchObject({ readElements: 1024 * 14 * 14 + 1024, writeElements: 1024 * 14 * 14 });
  });
});
