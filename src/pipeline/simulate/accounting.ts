/**
 * Per-layer and whole-network counts: parameters, MACs, weight bytes and activation bytes.
 * Three parameter counts are kept apart because published figures use different ones:
 * torch parameters (BN = 2 per channel), deployed parameters (BN folded into 1 bias per channel),
 * and Flex Logix's weight figure (main-path conv + FC weights; see docs/simulator.md).
 */
import { elements, isAlias, type Graph, type Node, type Shape } from "./graph.ts";

/** Precisions the sweep and the CLI offer (tensor storage and math). */
export const PRECISIONS = ["int8", "fp16", "fp32"] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Math modes the performance model knows; measured tf32 and bf16 series are simulated with these. */
export type MathPrecision = Precision | "bf16" | "tf32";

/** Bytes per stored element. TF32 is FP32 storage with reduced-precision math. */
export const BYTES_PER_ELEMENT: Readonly<Record<MathPrecision, number>> = {
  int8: 1,
  fp16: 2,
  bf16: 2,
  tf32: 4,
  fp32: 4,
};

/** Torch parameters: weights, own biases, and γ and β of every batch norm. */
const torchParams = (n: Node): number => n.weights + n.biases + 2 * n.bnChannels;

/**
 * Deployed parameters: batch norm folded into the conv (one bias per channel). These are the bytes
 * the performance model reads from memory; biases are counted at the weights' width (in INT8
 * deployments they are often int32, a difference of about 0.1% for these networks).
 */
const deployParams = (n: Node): number => n.weights + n.biases + n.bnChannels;

export interface Totals {
  /** Torch parameter count (matches torchvision `num_params` and the PyTorch YOLOv3 count). */
  params: number;
  /** Parameters after folding batch norms into biases. */
  deployParams: number;
  /** Multiply-accumulates per image, conv and linear layers only (torchvision `_ops`, Darknet BFLOPs/2). */
  macs: number;
  /** Conv and FC weight elements, no biases. */
  weights: number;
  /** Flex Logix's weight figure: conv weights without projection shortcuts, plus FC weights. */
  flexLogixWeights: number;
  /** Sum of all allocated activation tensors (node outputs, input included), elements per image. */
  activationElements: number;
  /** Sum of main-path conv outputs (projection shortcuts left out): Flex Logix's "almost 10MB" for ResNet-50. */
  flexLogixActivationElements: number;
}

export function totals(graph: Graph): Totals {
  const sum = (f: (n: Node) => number): number => graph.nodes.reduce((s, n) => s + f(n), 0);
  return {
    params: sum(torchParams),
    deployParams: sum(deployParams),
    macs: sum((n) => n.macs),
    weights: sum((n) => n.weights),
    flexLogixWeights: sum((n) => (n.op.kind === "conv2d" && n.op.projection ? 0 : n.weights)),
    activationElements: sum((n) => (isAlias(n) ? 0 : elements(n.out))),
    flexLogixActivationElements: sum((n) =>
      n.op.kind === "conv2d" && !n.op.projection ? elements(n.out) : 0,
    ),
  };
}

interface LayerRow {
  id: number;
  name: string;
  kind: string;
  inputs: string[];
  out: Shape;
  macs: number;
  params: number;
  deployParams: number;
  /** Deployed weight bytes at each precision. */
  weightBytes: Record<Precision, number>;
  /** Output activation bytes per image at each precision (0 for aliases, which allocate nothing). */
  activationBytes: Record<Precision, number>;
}

/** One row per node, in schedule order: the per-layer table of the CLI and of the report. */
export function layerTable(graph: Graph): LayerRow[] {
  const at = (f: (p: Precision) => number): Record<Precision, number> => ({
    int8: f("int8"),
    fp16: f("fp16"),
    fp32: f("fp32"),
  });
  return graph.nodes.map((n) => ({
    id: n.id,
    name: n.name,
    kind: n.op.kind,
    inputs: n.inputs.map((i) => graph.nodes[i]?.name ?? String(i)),
    out: n.out,
    macs: n.macs,
    params: torchParams(n),
    deployParams: deployParams(n),
    weightBytes: at((p) => deployParams(n) * BYTES_PER_ELEMENT[p]),
    activationBytes: at((p) => (isAlias(n) ? 0 : elements(n.out) * BYTES_PER_ELEMENT[p])),
  }));
}
