/**
 * Lowering (which nodes become steps, which tensors they read) and a linear-scan liveness analysis
 * that keeps skip (residual) and route tensors alive until their last reader.
 *
 * Fusion policies (docs/simulator.md, "Memory definitions"):
 * - `separate`: every add, relu and conv writes its own tensor.
 * - `fused`: a residual add (and its ReLU) becomes the epilogue of the conv that produces one of its
 *   operands, when that conv has no other reader and the other operand already exists; a standalone
 *   ReLU folds into its producer. This is what deployment compilers such as TensorRT do.
 * - `fused-inplace`: as `fused`, and the conv writes its output over the residual operand when that
 *   was the operand's last use and the sizes agree.
 * Concats are always virtual (producers write into slices of one buffer): they allocate nothing and
 * keep their inputs alive until the concat's readers finish. Identity nodes are aliases.
 * All sizes here are elements per image; bytes are elements × batch × bytes per element.
 */
import { elements, type Graph, type Node } from "./graph.ts";

export const FUSION_POLICIES = ["separate", "fused", "fused-inplace"] as const;
export type FusionPolicy = (typeof FUSION_POLICIES)[number];
/** The default: what a deployment compiler does without proving in-place safety. */
export const DEFAULT_FUSION_POLICY: FusionPolicy = "fused";

interface Step {
  /** The node executed; for a fused add this is the conv that carries it. */
  node: number;
  name: string;
  /** Tensors read (ids of the nodes that allocated them), residual included, no duplicates. */
  reads: number[];
  /** Tensor added in the conv epilogue, when an add was fused. */
  residual: number | null;
  /** Tensor written. */
  out: number;
  macs: number;
  /** Deployed parameters the step reads. */
  weightElements: number;
}

interface Schedule {
  policy: FusionPolicy;
  steps: Step[];
  /** Elements per image of every tensor, indexed by node id (0 for nodes that allocate nothing). */
  tensorElements: number[];
  /** Tensors that leave the network; they stay alive to the end. */
  outputs: number[];
}

const foldable = (n: Node | undefined): boolean =>
  n !== undefined && n.op.kind === "conv2d" && n.op.act === "linear";

/** Turns a graph into steps under a fusion policy. */
export function lower(graph: Graph, policy: FusionPolicy): Schedule {
  const { nodes } = graph;
  const readers = new Array<number>(nodes.length).fill(0);
  for (const n of nodes) for (const i of n.inputs) readers[i] = (readers[i] ?? 0) + 1;
  const alias = new Map<number, number[]>();
  const phys = (id: number): number[] => alias.get(id) ?? [id];
  const residualOf = new Map<number, number>();
  const fused = policy !== "separate";

  // Pass 1: aliases (identity, concat, folded relu/add) and which conv carries which add.
  for (const n of nodes) {
    const ins = n.inputs.flatMap(phys);
    if (n.op.kind === "identity" || n.op.kind === "concat") alias.set(n.id, ins);
    else if (n.op.kind === "relu" && fused && ins.length === 1 && readers[n.inputs[0]!] === 1)
      alias.set(n.id, ins);
    else if (n.op.kind === "add" && fused && n.inputs.length === 2) {
      const [a, b] = n.inputs.map(phys) as [number[], number[]];
      // Fold into the later conv whose partner already exists; torchvision's order puts the projection last.
      const options = [
        { conv: a, other: b, operand: n.inputs[0]! },
        { conv: b, other: a, operand: n.inputs[1]! },
      ].filter(
        (o) =>
          o.conv.length === 1 &&
          o.other.length === 1 &&
          o.operand === o.conv[0] &&
          readers[o.operand] === 1 &&
          foldable(nodes[o.operand]) &&
          !residualOf.has(o.operand) &&
          o.other[0]! < o.operand,
      );
      const pick = options.sort((x, y) => y.conv[0]! - x.conv[0]!)[0];
      if (pick) {
        residualOf.set(pick.conv[0]!, pick.other[0]!);
        alias.set(n.id, pick.conv);
      }
    }
  }

  // Pass 2: one step per node that still allocates its own output.
  const steps: Step[] = [];
  const tensorElements = nodes.map(() => 0);
  for (const n of nodes) {
    if (alias.has(n.id)) continue;
    const residual = residualOf.get(n.id) ?? null;
    const reads = [...new Set([...n.inputs.flatMap(phys), ...(residual === null ? [] : [residual])])];
    tensorElements[n.id] = elements(n.out);
    steps.push({
      node: n.id,
      name: n.name,
      reads,
      residual,
      out: n.id,
      macs: n.macs,
      weightElements: n.weights + n.biases + n.bnChannels,
    });
  }
  return { policy, steps, tensorElements, outputs: [...new Set(graph.outputs.flatMap(phys))] };
}

interface Liveness {
  /** Largest working set (elements per image) over all steps. */
  peak: number;
  /** Index of the step where the peak occurs. */
  peakStep: number;
  /** Working set at each step: every live tensor plus the step's output. */
  workingSet: number[];
  /** Inputs plus output of each step. */
  io: number[];
  /** Per tensor: the largest working set of a step during which it is alive but not read (0 if never). */
  heldPeak: number[];
  /** Per tensor: index of the step that writes it (−1 if none). */
  producer: number[];
  /** Per tensor: indices of the steps that read it. */
  readers: number[][];
}

/** Linear-scan liveness: a tensor lives from its writer to its last reader (outputs to the end). */
export function liveness(schedule: Schedule): Liveness {
  const { steps, tensorElements } = schedule;
  const size = (t: number): number => tensorElements[t] ?? 0;
  const lastUse = new Map<number, number>();
  const readers: number[][] = tensorElements.map(() => []);
  const producer = tensorElements.map(() => -1);
  steps.forEach((s, i) => {
    producer[s.out] = i;
    for (const t of s.reads) {
      lastUse.set(t, i);
      readers[t]!.push(i);
    }
  });
  for (const t of schedule.outputs) lastUse.set(t, Infinity);

  const live = new Set<number>();
  let liveSum = 0;
  const workingSet: number[] = [];
  const io: number[] = [];
  const heldPeak = tensorElements.map(() => 0);
  let peak = 0;
  let peakStep = 0;
  steps.forEach((s, i) => {
    const out = size(s.out);
    // In place: the output overwrites the residual operand, which this step reads for the last time.
    const inPlace =
      schedule.policy === "fused-inplace" &&
      s.residual !== null &&
      lastUse.get(s.residual) === i &&
      size(s.residual) === out;
    const ws = liveSum + (inPlace ? 0 : out);
    workingSet.push(ws);
    io.push(s.reads.reduce((sum, t) => sum + size(t), 0) + out);
    if (ws > peak) [peak, peakStep] = [ws, i];
    // Tensors held across this step (skip connections, routes) remember the largest set they sat in.
    for (const t of live) if (!s.reads.includes(t) && ws > heldPeak[t]!) heldPeak[t] = ws;
    for (const t of s.reads) {
      if (lastUse.get(t) === i && live.delete(t)) liveSum -= size(t);
    }
    if (lastUse.has(s.out)) {
      live.add(s.out);
      liveSum += out;
    }
  });
  return { peak, peakStep, workingSet, io, heldPeak, producer, readers };
}
