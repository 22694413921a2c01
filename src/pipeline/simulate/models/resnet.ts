/**
 * torchvision's ResNet family (v1.5: the stride sits on the 3×3 conv of a bottleneck), with batch
 * norms folded into the convs and ReLUs fused into their producers. Node names follow torchvision's
 * module names (`layer2.0.conv1`, `layer2.0.downsample.0`), so per-layer tables line up with it.
 */
import { graphBuilder, type Graph, type GraphBuilder } from "../graph.ts";

interface ResNetSpec {
  name: string;
  /** Bottleneck blocks per stage. */
  layers: readonly [number, number, number, number];
  groups: number;
  widthPerGroup: number;
  classes: number;
  /** Squeeze-and-excitation after conv3, squeezing to this many channels (DLE's SE-ResNeXt: 16); 0: none. */
  seChannels: number;
}

/** torchvision `Bottleneck`: 1×1 → 3×3 (stride, groups) → 1×1 ×4, plus a projection when shapes change. */
function bottleneck(
  g: GraphBuilder,
  prefix: string,
  x: number,
  planes: number,
  stride: number,
  spec: ResNetSpec,
): number {
  const inplanes = g.shape(x).c;
  const width = Math.floor(planes * (spec.widthPerGroup / 64)) * spec.groups;
  const c1 = g.conv(`${prefix}.conv1`, x, { cout: width, k: 1, act: "relu" });
  const c2 = g.conv(`${prefix}.conv2`, c1, {
    cout: width,
    k: 3,
    stride,
    pad: 1,
    groups: spec.groups,
    act: "relu",
  });
  let c3 = g.conv(`${prefix}.conv3`, c2, { cout: planes * 4, k: 1 });
  if (spec.seChannels > 0) {
    // Pool, squeeze to a few channels (ReLU), expand back (sigmoid), scale conv3's output channel-wise.
    const pooled = g.globalAvgPool(`${prefix}.squeeze.pooling`, c3);
    const sq = g.conv(`${prefix}.squeeze.squeeze`, pooled, {
      cout: spec.seChannels,
      k: 1,
      bias: true,
      batchNorm: false,
      act: "relu",
    });
    const ex = g.conv(`${prefix}.squeeze.expand`, sq, {
      cout: planes * 4,
      k: 1,
      bias: true,
      batchNorm: false,
      act: "sigmoid",
    });
    c3 = g.scale(`${prefix}.squeeze.scale`, c3, ex);
  }
  // The projection runs after conv3, as in torchvision's forward(); the schedule order matters for liveness.
  const identity =
    stride !== 1 || inplanes !== planes * 4
      ? g.conv(`${prefix}.downsample.0`, x, { cout: planes * 4, k: 1, stride, projection: true })
      : x;
  return g.add(`${prefix}.add`, [c3, identity], "relu");
}

function resnet(spec: ResNetSpec, width: number, height: number): Graph {
  const g = graphBuilder(spec.name);
  const x = g.input("input", { c: 3, h: height, w: width });
  const stem = g.conv("conv1", x, { cout: 64, k: 7, stride: 2, pad: 3, act: "relu" });
  let t = g.maxpool("maxpool", stem, { k: 3, stride: 2, pad: 1 });
  // Four stages; the first block of stages 2–4 halves the resolution.
  spec.layers.forEach((blocks, stage) => {
    const planes = 64 << stage;
    for (let b = 0; b < blocks; b++) {
      t = bottleneck(g, `layer${stage + 1}.${b}`, t, planes, b === 0 && stage > 0 ? 2 : 1, spec);
    }
  });
  // AdaptiveAvgPool2d(1): the classifier's size does not depend on the input resolution.
  const pooled = g.globalAvgPool("avgpool", t);
  const fc = g.linear("fc", pooled, { out: spec.classes });
  return g.build([fc]);
}

/** torchvision `resnet50` (ResNet-50 v1.5). */
export function resnet50(width: number, height: number): Graph {
  return resnet(
    {
      name: "resnet50_v1.5",
      layers: [3, 4, 6, 3],
      groups: 1,
      widthPerGroup: 64,
      classes: 1000,
      seChannels: 0,
    },
    width,
    height,
  );
}

/** `ResNet(Bottleneck, [3, 4, 23, 3], groups=32, width_per_group=4)`; torchvision ships only 32x8d and 64x4d. */
export function resnext101_32x4d(width: number, height: number): Graph {
  return resnet(
    {
      name: "resnext101_32x4d",
      layers: [3, 4, 23, 3],
      groups: 32,
      widthPerGroup: 4,
      classes: 1000,
      seChannels: 0,
    },
    width,
    height,
  );
}

/** torchvision `resnext101_32x8d`; used only to check the grouped-conv counting rule against torchvision. */
export function resnext101_32x8d(width: number, height: number): Graph {
  return resnet(
    {
      name: "resnext101_32x8d",
      layers: [3, 4, 23, 3],
      groups: 32,
      widthPerGroup: 8,
      classes: 1000,
      seChannels: 0,
    },
    width,
    height,
  );
}

/**
 * NVIDIA DeepLearningExamples' SE-ResNeXt101-32x4d: ResNeXt101-32x4d with a squeeze-and-excitation
 * module after each block's conv3, as the PyTorch implementation builds it
 * (PyTorch/Classification/ConvNets/image_classification/models: `SEBottleneck` with `se_squeeze=16`,
 * `SqueezeAndExcitation(in_channels, squeeze, …)` = pool, Conv2d(C, 16, 1), ReLU, Conv2d(16, C, 1),
 * sigmoid, each 1×1 convolution with a bias). Its 16 is a channel count, not the paper's ratio C/16.
 */
export function seResnext101_32x4d(width: number, height: number): Graph {
  return resnet(
    {
      name: "se_resnext101_32x4d",
      layers: [3, 4, 23, 3],
      groups: 32,
      widthPerGroup: 4,
      classes: 1000,
      seChannels: 16,
    },
    width,
    height,
  );
}
