/**
 * The layer graph as JSON for the PyTorch harness that rebuilds the same network and checks its
 * shapes and counts against ours. Attributes use PyTorch's names (kernel_size, stride, padding, …).
 */
import type { Graph, Node, Shape } from "./graph.ts";

const GRAPH_JSON_FORMAT = "atlas-layer-graph";
const GRAPH_JSON_VERSION = 1;

export interface GraphJsonNode {
  id: number;
  name: string;
  op: string;
  attrs: Record<string, number | string | boolean>;
  /** Ids of the nodes whose outputs this node reads, in order (concat order matters). */
  inputs: number[];
  /** Output shape per image, [C, H, W]. */
  output: [number, number, number];
  macs: number;
  params: number;
}

export interface GraphJson {
  format: typeof GRAPH_JSON_FORMAT;
  version: number;
  name: string;
  input: [number, number, number];
  nodes: GraphJsonNode[];
  outputs: number[];
  notes: string[];
}

const chw = (s: Shape): [number, number, number] => [s.c, s.h, s.w];

function attrs(n: Node): GraphJsonNode["attrs"] {
  const op = n.op;
  switch (op.kind) {
    case "conv2d":
      return {
        out_channels: op.cout,
        kernel_size: op.k,
        stride: op.stride,
        padding: op.pad,
        dilation: op.dilation,
        groups: op.groups,
        bias: op.bias,
        batch_norm: op.batchNorm,
        activation: op.act,
        projection: op.projection,
      };
    case "maxpool":
    case "avgpool":
      return { kernel_size: op.k, stride: op.stride, padding: op.pad };
    case "add":
      return { activation: op.act };
    case "upsample":
      return { scale_factor: op.factor, mode: "nearest" };
    case "linear":
      return { out_features: op.out, bias: op.bias, flatten: true };
    case "concat":
      return { dim: 1 };
    default:
      return {};
  }
}

export function graphToJson(graph: Graph): GraphJson {
  return {
    format: GRAPH_JSON_FORMAT,
    version: GRAPH_JSON_VERSION,
    name: graph.name,
    input: chw(graph.input),
    nodes: graph.nodes.map((n) => ({
      id: n.id,
      name: n.name,
      op: n.op.kind,
      attrs: attrs(n),
      inputs: [...n.inputs],
      output: chw(n.out),
      macs: n.macs,
      params: n.weights + n.biases + 2 * n.bnChannels,
    })),
    outputs: [...graph.outputs],
    notes: [
      "conv2d with batch_norm: Conv2d(bias=False) followed by BatchNorm2d; activation leaky = LeakyReLU(0.1) (Darknet), relu = ReLU.",
      "add: element-wise sum of the inputs, then the activation. concat: torch.cat along channels; with one input it is an alias (Darknet route).",
      "globalavgpool: AdaptiveAvgPool2d(1). linear: flatten, then Linear. identity: no-op (Darknet yolo output layers).",
      "params counts torch parameters (batch norm: weight and bias; running statistics are buffers).",
    ],
  };
}
