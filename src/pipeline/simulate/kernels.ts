/**
 * Lowering a layer graph to the GPU kernels a software stack launches (docs/simulator.md, "Kernels").
 *
 * Convolutions become implicit GEMMs (per group: M = batch·Ho·Wo, N = Cout/groups, K = Cin/groups·k²),
 * linear layers GEMMs (M = batch), and everything else bandwidth-bound kernels. What a stack fuses
 * decides how many kernels there are and how many times an activation crosses memory:
 * - `unfused` (PyTorch eager or CUDA graphs): batch norm, activation and residual add each run as a
 *   kernel of their own, and concatenations copy.
 * - `fused-elementwise` (XLA; TensorFlow's GPU remapper): the element-wise ops after a convolution
 *   (batch norm, activation, a residual add) run as one fused kernel; the convolution stays a library call.
 * - `fused-epilogue` (TensorRT): batch norm folded into the weights, activation and residual add in the
 *   convolution's epilogue, concatenations free.
 * Sizes are elements per image (activations) or per batch (weights); bytes come later, per precision.
 */
import type { Graph } from "./graph.ts";
import { lower } from "./liveness.ts";

export const FUSION_STYLES = ["unfused", "fused-elementwise", "fused-epilogue"] as const;
export type FusionStyle = (typeof FUSION_STYLES)[number];

/**
 * What sets a compute kernel's achievable efficiency: a dense k×k convolution (k > 1), a 1×1
 * convolution or GEMM (little data reuse per loaded element), or a grouped/depthwise convolution.
 * `memory` kernels do no MACs.
 */
const OP_CLASSES = ["conv-kxk", "conv-1x1", "conv-grouped", "memory"] as const;
export type OpClass = (typeof OP_CLASSES)[number];

export interface Gemm {
  /** Rows per image (Ho·Wo for a convolution, 1 for a linear layer); M = batch × m. */
  m: number;
  /** Output columns per group. */
  n: number;
  /** Reduction length per group. */
  k: number;
  groups: number;
}

export interface Kernel {
  name: string;
  /** Graph node the kernel belongs to. */
  node: number;
  opClass: OpClass;
  /** Null for memory kernels. */
  gemm: Gemm | null;
  /** Activation elements read and written per image. */
  readElements: number;
  writeElements: number;
  /** Of `readElements`, those written by the kernel just before (served from L2 when they fit). */
  chainedReadElements: number;
  /** Parameter elements read once per batch. */
  weightElements: number;
  /** A mixed-precision weight cast (FP32 in, FP16 out): its bytes are 6 per element, whatever the precision. */
  cast: boolean;
}

const opClassOf = (k: number, groups: number): OpClass =>
  groups > 1 ? "conv-grouped" : k > 1 ? "conv-kxk" : "conv-1x1";

/**
 * The kernels one forward pass launches, in order. `ampCasts`: the stack casts every FP32 weight to
 * FP16 on each pass (PyTorch autocast), one kernel per convolution or linear layer.
 */
export function lowerToKernels(graph: Graph, fusion: FusionStyle, ampCasts = false): Kernel[] {
  const schedule = lower(graph, fusion === "unfused" ? "separate" : "fused");
  const kernels: Kernel[] = [];
  let lastWritten = -1;
  const elements = (t: number): number => schedule.tensorElements[t] ?? 0;
  const push = (
    k: Omit<Kernel, "chainedReadElements" | "cast"> & { cast?: boolean },
    reads: readonly number[],
  ) => {
    const chained = reads.includes(lastWritten) ? elements(lastWritten) : 0;
    kernels.push({ ...k, cast: k.cast ?? false, chainedReadElements: chained });
  };
  // An element-wise kernel over a tensor of the step's output size, reading `reads` tensors.
  const elementwise = (name: string, node: number, reads: readonly number[], out: number) => {
    push(
      {
        name,
        node,
        opClass: "memory",
        gemm: null,
        readElements: reads.reduce((s, t) => s + elements(t), 0),
        writeElements: elements(out),
        weightElements: 0,
      },
      reads,
    );
    lastWritten = out;
  };

  // Frameworks copy concatenated tensors into a new buffer (the liveness schedule treats them as views);
  // the copy runs before the first step after the concat.
  const concats =
    fusion === "fused-epilogue"
      ? []
      : graph.nodes.filter((n) => n.op.kind === "concat" && n.inputs.length >= 2);
  for (const step of schedule.steps) {
    while (concats.length && concats[0]!.id < step.node) {
      const c = concats.shift()!;
      const size = c.out.c * c.out.h * c.out.w;
      push(
        {
          name: `${c.name}/copy`,
          node: c.id,
          opClass: "memory",
          gemm: null,
          readElements: size,
          writeElements: size,
          weightElements: 0,
        },
        c.inputs,
      );
      lastWritten = -1;
    }
    const node = graph.nodes[step.node]!;
    const op = node.op;
    if (op.kind === "input" || op.kind === "identity") continue;
    if (op.kind === "conv2d" || op.kind === "linear") {
      const input = node.inputs[0]!;
      const cin = graph.nodes[input]!.out.c;
      if (ampCasts)
        kernels.push({
          name: `${node.name}/cast`,
          node: node.id,
          opClass: "memory",
          gemm: null,
          readElements: 0,
          writeElements: 0,
          chainedReadElements: 0,
          weightElements: node.weights,
          cast: true,
        });
      const gemm: Gemm =
        op.kind === "conv2d"
          ? {
              m: node.out.h * node.out.w,
              n: op.cout / op.groups,
              k: (cin / op.groups) * op.k * op.k,
              groups: op.groups,
            }
          : { m: 1, n: op.out, k: cin * graph.nodes[input]!.out.h * graph.nodes[input]!.out.w, groups: 1 };
      // An engine reads the residual in the epilogue; other stacks add it in a separate kernel.
      const reads = fusion === "fused-epilogue" ? step.reads : step.reads.filter((t) => t !== step.residual);
      const epilogueWeights = fusion === "fused-epilogue" ? node.bnChannels + node.biases : node.biases;
      push(
        {
          name: node.name,
          node: node.id,
          opClass: op.kind === "linear" ? "conv-1x1" : opClassOf(op.k, op.groups),
          gemm,
          readElements: reads.reduce((s, t) => s + elements(t), 0),
          writeElements: elements(step.out),
          weightElements: node.weights + epilogueWeights,
        },
        reads,
      );
      lastWritten = step.out;
      if (op.kind === "linear") continue;
      if (fusion === "unfused") {
        if (op.batchNorm) elementwise(`${node.name}/bn`, node.id, [step.out], step.out);
        if (op.act !== "linear") elementwise(`${node.name}/${op.act}`, node.id, [step.out], step.out);
      } else if (
        fusion === "fused-elementwise" &&
        (op.batchNorm || op.act !== "linear" || step.residual !== null)
      ) {
        const reads = step.residual === null ? [step.out] : [step.out, step.residual];
        elementwise(`${node.name}/fusion`, node.id, reads, step.out);
      }
      continue;
    }
    if (op.kind === "add") {
      elementwise(node.name, node.id, step.reads, step.out);
      if (fusion === "unfused" && op.act !== "linear")
        elementwise(`${node.name}/${op.act}`, node.id, [step.out], step.out);
      continue;
    }
    // Pools, standalone activations, upsampling: one bandwidth-bound kernel each.
    elementwise(node.name, node.id, step.reads, step.out);
  }
  return kernels;
}
