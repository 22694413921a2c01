/**
 * Multiply-accumulates per image of the two MLPerf vision networks, counted layer by layer from their
 * published definitions (convolutions and the classifier; batch norm, activations, pooling, upsampling
 * and box decoding are not MACs). No FLOP count for MLPerf's RetinaNet was found published, so it is
 * counted here; the same counter reproduces torchvision's published `_ops` for ResNet-50 (4.089 G),
 * ResNeXt-50 32x4d (4.23 G) and RetinaNet ResNet-50-FPN at 800×800 (151.54 G), see
 * test/pipeline/mlperf/macs.test.ts.
 */

interface Shape {
  size: number;
  channels: number;
}

/** One square convolution with "same" padding: output size and MACs. */
function conv(
  input: Shape,
  out: number,
  kernel: number,
  stride = 1,
  groups = 1,
): { shape: Shape; macs: number } {
  const pad = Math.floor(kernel / 2);
  const size = Math.floor((input.size + 2 * pad - kernel) / stride) + 1;
  return {
    shape: { size, channels: out },
    macs: size * size * out * (input.channels / groups) * kernel * kernel,
  };
}

interface BottleneckNet {
  /** 1 for ResNet-50, 32 for ResNeXt-50 32x4d. */
  groups: number;
  /** Channels per group at 64 planes: 64 for ResNet-50, 4 for ResNeXt-50 32x4d. */
  widthPerGroup: number;
}

export const RESNET50: BottleneckNet = { groups: 1, widthPerGroup: 64 };
export const RESNEXT50_32X4D: BottleneckNet = { groups: 32, widthPerGroup: 4 };

/**
 * The bottleneck backbone (torchvision's ResNet, stride on the 3×3 convolution as in ResNet-50 v1.5):
 * MACs and the outputs of its four stages (C2–C5).
 */
function backboneMacs(net: BottleneckNet, inputSize: number): { macs: number; stages: Shape[] } {
  let macs = 0;
  const stem = conv({ size: inputSize, channels: 3 }, 64, 7, 2);
  macs += stem.macs;
  // 3×3 max pooling, stride 2, padding 1.
  let x: Shape = { size: Math.floor((stem.shape.size + 2 - 3) / 2) + 1, channels: 64 };
  const stages: Shape[] = [];
  [64, 128, 256, 512].forEach((planes, stage) => {
    const blocks = [3, 4, 6, 3][stage]!;
    const width = Math.floor((planes * net.widthPerGroup) / 64) * net.groups;
    for (let b = 0; b < blocks; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const a = conv(x, width, 1);
      const m = conv(a.shape, width, 3, stride, net.groups);
      const c = conv(m.shape, planes * 4, 1);
      macs += a.macs + m.macs + c.macs;
      if (b === 0) macs += conv(x, planes * 4, 1, stride).macs; // projection shortcut
      x = c.shape;
    }
    stages.push(x);
  });
  return { macs, stages };
}

/** The ImageNet classifier: the backbone plus its 2048 → 1000 fully connected layer. */
export function classifierMacs(net: BottleneckNet, inputSize: number): number {
  return backboneMacs(net, inputSize).macs + 2048 * 1000;
}

interface RetinaNetConfig {
  net: BottleneckNet;
  inputSize: number;
  classes: number;
  /** Anchors per position: 3 scales × 3 aspect ratios. */
  anchors: number;
  /** P6 from P5 (torchvision's LastLevelP6P7(256, 256), as MLPerf's model) or from C5. */
  p6From: "P5" | "C5";
}

/**
 * RetinaNet: backbone (C3–C5), FPN with 256 channels (1×1 lateral and 3×3 output convolutions on C3–C5,
 * P6 and P7 by 3×3 stride-2 convolutions), and the shared heads on P3–P7 (four 3×3 convolutions and a
 * 3×3 predictor each for classes and boxes).
 */
export function retinanetMacs(c: RetinaNetConfig): number {
  const { macs: backbone, stages } = backboneMacs(c.net, c.inputSize);
  let macs = backbone;
  const levels: Shape[] = [];
  for (const s of stages.slice(1)) {
    macs += conv(s, 256, 1).macs;
    const p = conv({ size: s.size, channels: 256 }, 256, 3);
    macs += p.macs;
    levels.push(p.shape);
  }
  const c5 = stages[3]!;
  const p6 = conv(c.p6From === "P5" ? { size: c5.size, channels: 256 } : c5, 256, 3, 2);
  const p7 = conv(p6.shape, 256, 3, 2);
  macs += p6.macs + p7.macs;
  levels.push(p6.shape, p7.shape);
  for (const level of levels) {
    const tower = 4 * conv(level, 256, 3).macs;
    macs += 2 * tower; // classification and box towers
    macs += conv(level, c.anchors * c.classes, 3).macs + conv(level, c.anchors * 4, 3).macs;
  }
  return macs;
}

/**
 * MLPerf's RetinaNet (mlcommons/training retired_benchmarks/retinanet, used by the inference benchmark):
 * ResNeXt-50 32x4d FPN backbone, 264 OpenImages classes, 9 anchors, P6/P7 from P5, 800×800 input.
 */
const MLPERF_RETINANET: RetinaNetConfig = {
  net: RESNEXT50_32X4D,
  inputSize: 800,
  classes: 264,
  anchors: 9,
  p6From: "P5",
};

/** MACs per image of the two MLPerf benchmarks as the atlas counts them. */
export const MLPERF_MACS = {
  resnet50: classifierMacs(RESNET50, 224),
  retinanet: retinanetMacs(MLPERF_RETINANET),
} as const;
