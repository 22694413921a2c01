/**
 * The layer-graph IR: nodes in schedule order, each with its output shape and its costs computed
 * when it is added, so a graph that builds is a graph whose shapes agree.
 *
 * Shapes are per image (C×H×W); batch is applied later, because every count here scales linearly
 * with it. Counting rules (docs/simulator.md, "Counting rules"):
 * - conv2d output `floor((in + 2p − d(k−1) − 1)/s) + 1` (PyTorch Conv2d), MACs `Ho·Wo·Cout·(Cin/g)·k²`,
 *   weights `Cout·(Cin/g)·k²`; a folded batch norm keeps its channel count (2 torch params each).
 * - linear: `in·out` MACs and weights, `out` biases, input flattened.
 * - pools, add, concat, upsample, relu, scale: no MACs and no parameters.
 */

/** Per-image tensor shape: channels, height, width. */
export interface Shape {
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

/** Activation applied in the epilogue of a conv or add (fused: no tensor of its own). */
export type Activation = "linear" | "relu" | "leaky" | "sigmoid";

export type Op =
  | { readonly kind: "input" }
  | {
      readonly kind: "conv2d";
      readonly cout: number;
      readonly k: number;
      readonly stride: number;
      readonly pad: number;
      readonly dilation: number;
      readonly groups: number;
      /** The conv's own bias (YOLO heads); folded batch-norm biases are counted in `bnChannels`. */
      readonly bias: boolean;
      /** A batch norm follows and is folded into the conv (weights scaled, one bias per channel). */
      readonly batchNorm: boolean;
      readonly act: Activation;
      /** A projection (downsample) shortcut; Flex Logix's weight figure leaves these out. */
      readonly projection: boolean;
    }
  | { readonly kind: "relu" }
  | {
      readonly kind: "maxpool" | "avgpool";
      readonly k: number;
      readonly stride: number;
      readonly pad: number;
    }
  | { readonly kind: "globalavgpool" }
  | { readonly kind: "add"; readonly act: Activation }
  /** Channel concatenation; with one input it is Darknet's `route` alias. */
  | { readonly kind: "concat" }
  | { readonly kind: "upsample"; readonly factor: number }
  /** Channel-wise product of a C×H×W tensor and a C×1×1 one (squeeze-and-excitation). */
  | { readonly kind: "scale" }
  | { readonly kind: "linear"; readonly out: number; readonly bias: boolean }
  /** A named alias with no work, e.g. Darknet's `yolo` output layers. */
  | { readonly kind: "identity" };

export interface Node {
  /** Index in `Graph.nodes`; also the id of the node's output tensor. */
  readonly id: number;
  readonly name: string;
  readonly op: Op;
  readonly inputs: readonly number[];
  readonly out: Shape;
  /** Multiply-accumulates per image. */
  readonly macs: number;
  /** Weight elements (conv kernels, FC matrix). */
  readonly weights: number;
  /** Bias elements the layer owns (conv bias, FC bias); folded BN biases are not included. */
  readonly biases: number;
  /** Channels of a folded batch norm: 2 torch parameters (γ, β) or 1 deployed bias each. */
  readonly bnChannels: number;
}

export interface Graph {
  readonly name: string;
  readonly input: Shape;
  /** Topological order, which is also the execution order used by the liveness analysis. */
  readonly nodes: readonly Node[];
  readonly outputs: readonly number[];
}

/** A shape rule was broken while building a graph; names the node and the shapes involved. */
export class ShapeError extends Error {
  constructor(graph: string, node: string, message: string) {
    super(`${graph}/${node}: ${message}`);
    this.name = "ShapeError";
  }
}

export const elements = (s: Shape): number => s.c * s.h * s.w;
export const formatShape = (s: Shape): string => `${s.c}×${s.h}×${s.w}`;

/** Ops whose output is an existing tensor (or tensors) under another name: nothing is allocated. */
export function isAlias(node: Node): boolean {
  return node.op.kind === "identity" || node.op.kind === "concat";
}

export interface ConvOptions {
  cout: number;
  k: number;
  stride?: number;
  pad?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
  batchNorm?: boolean;
  act?: Activation;
  projection?: boolean;
}

export interface PoolOptions {
  k: number;
  stride: number;
  pad?: number;
}

export interface GraphBuilder {
  input(name: string, shape: Shape): number;
  conv(name: string, x: number, o: ConvOptions): number;
  relu(name: string, x: number): number;
  maxpool(name: string, x: number, o: PoolOptions): number;
  avgpool(name: string, x: number, o: PoolOptions): number;
  globalAvgPool(name: string, x: number): number;
  add(name: string, inputs: number[], act?: Activation): number;
  concat(name: string, inputs: number[]): number;
  upsample(name: string, x: number, factor: number): number;
  scale(name: string, x: number, s: number): number;
  linear(name: string, x: number, o: { out: number; bias?: boolean }): number;
  identity(name: string, x: number): number;
  shape(id: number): Shape;
  build(outputs: number[]): Graph;
}

/** PyTorch's output-size rule for convolutions and pools (ceil_mode off). */
export function windowOut(size: number, k: number, stride: number, pad: number, dilation = 1): number {
  return Math.floor((size + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
}

/** Builds a graph node by node; every method checks its shape rule and throws ShapeError. */
export function graphBuilder(graphName: string): GraphBuilder {
  const nodes: Node[] = [];
  let inputShape: Shape | null = null;

  const fail = (name: string, message: string): never => {
    throw new ShapeError(graphName, name, message);
  };
  const get = (name: string, id: number): Node => nodes[id] ?? fail(name, `unknown input tensor ${id}`);
  const push = (
    name: string,
    op: Op,
    inputs: number[],
    out: Shape,
    costs: Partial<Pick<Node, "macs" | "weights" | "biases" | "bnChannels">> = {},
  ): number => {
    if (nodes.some((n) => n.name === name)) fail(name, "duplicate node name");
    if (!(out.c >= 1 && out.h >= 1 && out.w >= 1))
      fail(name, `output shape ${formatShape(out)} is empty; the input is too small for this layer`);
    const id = nodes.length;
    nodes.push({
      id,
      name,
      op,
      inputs,
      out,
      macs: costs.macs ?? 0,
      weights: costs.weights ?? 0,
      biases: costs.biases ?? 0,
      bnChannels: costs.bnChannels ?? 0,
    });
    return id;
  };
  const window = (name: string, kind: "maxpool" | "avgpool", x: number, o: PoolOptions): number => {
    const s = get(name, x).out;
    const pad = o.pad ?? 0;
    return push(name, { kind, k: o.k, stride: o.stride, pad }, [x], {
      c: s.c,
      h: windowOut(s.h, o.k, o.stride, pad),
      w: windowOut(s.w, o.k, o.stride, pad),
    });
  };

  return {
    input(name, shape) {
      if (inputShape) fail(name, "a graph has one input");
      inputShape = shape;
      return push(name, { kind: "input" }, [], shape);
    },
    conv(name, x, o) {
      const s = get(name, x).out;
      const op = {
        kind: "conv2d" as const,
        cout: o.cout,
        k: o.k,
        stride: o.stride ?? 1,
        pad: o.pad ?? 0,
        dilation: o.dilation ?? 1,
        groups: o.groups ?? 1,
        bias: o.bias ?? false,
        batchNorm: o.batchNorm ?? true,
        act: o.act ?? "linear",
        projection: o.projection ?? false,
      };
      if (s.c % op.groups !== 0 || op.cout % op.groups !== 0)
        fail(name, `channels ${s.c}→${op.cout} are not divisible by groups=${op.groups}`);
      const out = {
        c: op.cout,
        h: windowOut(s.h, op.k, op.stride, op.pad, op.dilation),
        w: windowOut(s.w, op.k, op.stride, op.pad, op.dilation),
      };
      const weights = op.cout * (s.c / op.groups) * op.k * op.k;
      return push(name, op, [x], out, {
        macs: out.h * out.w * weights,
        weights,
        biases: op.bias ? op.cout : 0,
        bnChannels: op.batchNorm ? op.cout : 0,
      });
    },
    relu(name, x) {
      return push(name, { kind: "relu" }, [x], get(name, x).out);
    },
    maxpool(name, x, o) {
      return window(name, "maxpool", x, o);
    },
    avgpool(name, x, o) {
      return window(name, "avgpool", x, o);
    },
    globalAvgPool(name, x) {
      return push(name, { kind: "globalavgpool" }, [x], { c: get(name, x).out.c, h: 1, w: 1 });
    },
    add(name, inputs, act = "linear") {
      const shapes = inputs.map((i) => get(name, i).out);
      const first = shapes[0] ?? fail(name, "add needs inputs");
      if (shapes.length < 2) fail(name, "add needs at least two inputs");
      for (const s of shapes) {
        if (s.c !== first.c || s.h !== first.h || s.w !== first.w)
          fail(name, `add inputs differ: ${shapes.map(formatShape).join(" vs ")}`);
      }
      return push(name, { kind: "add", act }, inputs, first);
    },
    concat(name, inputs) {
      const shapes = inputs.map((i) => get(name, i).out);
      const first = shapes[0] ?? fail(name, "concat needs inputs");
      for (const s of shapes) {
        if (s.h !== first.h || s.w !== first.w) {
          fail(
            name,
            `concat inputs differ in height×width: ${shapes.map((t) => `${t.h}×${t.w}`).join(" vs ")}`,
          );
        }
      }
      return push(name, { kind: "concat" }, inputs, {
        c: shapes.reduce((sum, s) => sum + s.c, 0),
        h: first.h,
        w: first.w,
      });
    },
    upsample(name, x, factor) {
      const s = get(name, x).out;
      return push(name, { kind: "upsample", factor }, [x], { c: s.c, h: s.h * factor, w: s.w * factor });
    },
    linear(name, x, o) {
      const inFeatures = elements(get(name, x).out);
      const bias = o.bias ?? true;
      return push(
        name,
        { kind: "linear", out: o.out, bias },
        [x],
        { c: o.out, h: 1, w: 1 },
        {
          macs: inFeatures * o.out,
          weights: inFeatures * o.out,
          biases: bias ? o.out : 0,
        },
      );
    },
    scale(name, x, by) {
      const a = get(name, x).out;
      const b = get(name, by).out;
      if (b.c !== a.c || b.h !== 1 || b.w !== 1)
        fail(name, `scale needs ${a.c}×1×1 factors for a ${formatShape(a)} tensor, got ${formatShape(b)}`);
      return push(name, { kind: "scale" }, [x, by], a);
    },
    identity(name, x) {
      return push(name, { kind: "identity" }, [x], get(name, x).out);
    },
    shape(id) {
      return get(`#${id}`, id).out;
    },
    build(outputs) {
      if (!inputShape) return fail("(graph)", "no input node");
      for (const o of outputs) get("(outputs)", o);
      return Object.freeze({
        name: graphName,
        input: inputShape,
        nodes: Object.freeze([...nodes]),
        outputs: Object.freeze([...outputs]),
      });
    },
  };
}
