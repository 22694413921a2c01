/**
 * Fitting the GPU kernel model (docs/simulator.md, "The fit"): a few parameters shared by every GPU
 * (efficiency per precision class, op-class factors, memory efficiency, the gap between kernels) and
 * each stack's host costs, by Levenberg–Marquardt least squares on log throughput over the tables the
 * calibration dataset names, pulled gently towards their priors (ridge). Then the same fit, repeated
 * without each accelerator and without each model, predicts what it never saw: the accuracy the site
 * reports. Pure and deterministic (fixed iteration counts and step sizes).
 */
import type { Accelerator, CanonicalRow } from "../schema.ts";
import type { MathPrecision } from "./accounting.ts";
import {
  kernelCosts,
  passTiming,
  PRECISION_CLASSES,
  slotEfficiencies,
  type GpuSpecs,
  type StackCosts,
  type KernelCosts,
  type KernelParams,
} from "./gpu-model.ts";
import { deviceFor, isDevice } from "./hardware.ts";
import { resolveModelId, type ModelId } from "./models/index.ts";
import type { KernelStack, SimulatorParams, TableRef } from "./params.ts";
import { modelProfile } from "./profile.ts";
import { gpuSpecsOf, kernelsFor } from "./simulate.ts";

/** How a row's precision is simulated; `unknown` cannot be. */
export function mathPrecisionOf(p: CanonicalRow["precision"]): MathPrecision | null {
  const map: Record<CanonicalRow["precision"], MathPrecision | null> = {
    fp32: "fp32",
    tf32: "tf32",
    fp16: "fp16",
    "mixed-fp16": "fp16",
    bf16: "bf16",
    int8: "int8",
    unknown: null,
  };
  return map[p];
}

/** The stack of a measured row: the first stack in stacks.yaml with a matching expression, else `default`. */
export function matchStack(params: SimulatorParams, framework: string, execution: string): string {
  const text = `${framework} ${execution}`;
  return params.stacks.find((s) => s.match.some((re) => new RegExp(re, "i").test(text)))?.id ?? "default";
}

/** One measured point the kernel model can simulate, with its parameter-free costs precomputed. */
export interface FitPoint {
  row: CanonicalRow;
  model: ModelId;
  stack: string;
  precision: MathPrecision;
  gpu: GpuSpecs;
  costs: KernelCosts;
  /** Named in the calibration dataset's training tables. */
  training: boolean;
}

/** Whether a row transcribes the table (and batch) a calibration entry names. */
const tableOf = (row: CanonicalRow, ref: TableRef): boolean =>
  row.study === ref.study &&
  row.source_file.split(";").some((f) => f.endsWith(`/studies/${ref.study}/${ref.table}`)) &&
  (ref.batches === undefined || (row.batch_size !== null && ref.batches.includes(row.batch_size)));

/** The measured rows a calibration entry names, in batch order. */
export const rowsOfTable = (measured: readonly CanonicalRow[], ref: TableRef): CanonicalRow[] =>
  measured
    .filter((r) => r.kind === "measured" && tableOf(r, ref))
    .sort((a, b) => (a.batch_size ?? 0) - (b.batch_size ?? 0));

/** Every measured GPU point the kernel model can simulate; training points are those the calibration names. */
export function kernelFitPoints(
  measured: readonly CanonicalRow[],
  accelerators: readonly Accelerator[],
  params: SimulatorParams,
): FitPoint[] {
  const accById = new Map(accelerators.map((a) => [a.id, a]));
  const simById = new Map(params.accelerators.map((a) => [a.id, a]));
  const points: FitPoint[] = [];
  for (const row of measured) {
    if (row.kind !== "measured" || row.batch_size === null || row.throughput_img_s === null) continue;
    const model = resolveModelId(row.model);
    const precision = mathPrecisionOf(row.precision);
    const acc = accById.get(row.accelerator);
    if (!model || !precision || !acc || row.devices !== 1) continue;
    const device = deviceFor(acc, simById.get(acc.id));
    if (!isDevice(device)) continue;
    const gpu = gpuSpecsOf(device);
    const stackId = matchStack(params, row.framework, row.execution);
    const stack = params.stacks.find((s) => s.id === stackId);
    if (!gpu || stack?.engine !== "kernels") continue;
    const profile = modelProfile(model, row.input_width, row.input_height);
    const casts = stack.amp_weight_casts && row.precision === "mixed-fp16";
    const costs = kernelCosts(kernelsFor(profile, stack.fusion, casts), gpu, precision, row.batch_size);
    if (!costs) continue;
    const training = params.calibration.training.some((ref) => tableOf(row, ref));
    points.push({ row, model, stack: stackId, precision, gpu, costs, training });
  }
  return points;
}

/** A parameter of the fit: where it starts, how it is scaled, and whether the training data move it. */
interface ParameterValue {
  id: string;
  scale: "fraction" | "positive";
  prior: number;
  value: number;
  /** False when no training point depends on it: it keeps its prior. */
  fitted: boolean;
}

export interface GpuFit {
  kernel: KernelParams;
  stacks: Record<string, StackCosts>;
  parameters: ParameterValue[];
  trainingPoints: number;
}

const toScale = (v: number, s: ParameterValue["scale"]) =>
  s === "fraction" ? Math.log(v / (1 - v)) : Math.log(v);
const fromScale = (x: number, s: ParameterValue["scale"]) =>
  s === "fraction" ? 1 / (1 + Math.exp(-x)) : Math.exp(x);

/** The parameter list: kernel parameters from calibration.yaml, then each kernel stack's two host costs. */
export function parameterList(params: SimulatorParams): Omit<ParameterValue, "value" | "fitted">[] {
  const list: Omit<ParameterValue, "value" | "fitted">[] = params.calibration.parameters.map((p) => ({
    id: p.id,
    scale: p.scale,
    prior: p.prior.value,
  }));
  // Each stack's factors on its family's costs: prior 1, so a stack without tables takes its family's.
  for (const s of params.stacks) {
    if (s.engine !== "kernels") continue;
    if (s.launch === "eager")
      list.push({ id: `stack.${s.id}.host-per-kernel-factor`, scale: "positive", prior: 1 });
    list.push(
      { id: `stack.${s.id}.host-per-batch-factor`, scale: "positive", prior: 1 },
      { id: `stack.${s.id}.kernel-gap-factor`, scale: "positive", prior: 1 },
    );
    if (!s.same_kernels_as && s.id !== params.calibration.reference_stack)
      list.push({ id: `stack.${s.id}.device-speed`, scale: "positive", prior: 1 });
  }
  return list;
}

/** Kernel parameters and host costs from parameter values by id. */
export function modelOf(
  values: ReadonlyMap<string, number>,
  params: SimulatorParams,
): Omit<GpuFit, "parameters" | "trainingPoints"> {
  const v = (id: string): number => {
    const x = values.get(id);
    if (x === undefined) throw new Error(`calibration.yaml has no parameter ${id}`);
    return x;
  };
  const kernel: KernelParams = {
    efficiency: Object.fromEntries(
      PRECISION_CLASSES.map((pc) => [pc, v(`efficiency.${pc}`)]),
    ) as KernelParams["efficiency"],
    opFactor: { "conv-1x1": v("op-factor.conv-1x1"), "conv-grouped": v("op-factor.conv-grouped") },
    memoryEfficiency: v("memory-efficiency"),
  };
  const deviceSpeedOf = (s: KernelStack): number => {
    const id = s.same_kernels_as ?? s.id;
    return id === params.calibration.reference_stack ? 1 : v(`stack.${id}.device-speed`);
  };
  const stacks: Record<string, StackCosts> = {};
  for (const s of params.stacks) {
    if (s.engine !== "kernels") continue;
    const family = `family.${s.launch}`;
    stacks[s.id] = {
      launch: s.launch,
      perKernelUs:
        s.launch === "eager"
          ? v(`${family}.host-per-kernel-us`) * v(`stack.${s.id}.host-per-kernel-factor`)
          : 0,
      perBatchMs: v(`${family}.host-per-batch-ms`) * v(`stack.${s.id}.host-per-batch-factor`),
      deviceSpeed: deviceSpeedOf(s),
      kernelGapUs: v(`${family}.kernel-gap-us`) * v(`stack.${s.id}.kernel-gap-factor`),
    };
  }
  return { kernel, stacks };
}

/** Which parameters some point depends on (the others cannot move and keep their priors). */
function activeParameters(points: readonly FitPoint[], params: SimulatorParams): Set<string> {
  const active = new Set<string>(["memory-efficiency"]);
  const kernelStacks = new Map(
    params.stacks.flatMap((s) => (s.engine === "kernels" ? [[s.id, s] as const] : [])),
  );
  for (const p of points) {
    for (let i = 0; i < p.costs.slot.length; i++) {
      const slot = p.costs.slot[i]!;
      if (slot < 0) continue;
      active.add(`efficiency.${PRECISION_CLASSES[Math.floor(slot / 3)]}`);
      if (slot % 3 === 1) active.add("op-factor.conv-1x1");
      if (slot % 3 === 2) active.add("op-factor.conv-grouped");
    }
    const stack = kernelStacks.get(p.stack)!;
    const family = `family.${stack.launch}`;
    for (const x of ["host-per-batch", "kernel-gap"]) {
      active.add(`${family}.${x}-${x === "kernel-gap" ? "us" : "ms"}`);
      active.add(`stack.${p.stack}.${x}-factor`);
    }
    if (stack.launch === "eager") {
      active.add(`${family}.host-per-kernel-us`);
      active.add(`stack.${p.stack}.host-per-kernel-factor`);
    }
    const speedOf = stack.same_kernels_as ?? p.stack;
    if (speedOf !== params.calibration.reference_stack) active.add(`stack.${speedOf}.device-speed`);
  }
  return active;
}

/** Predicted throughput (img/s) of a point under a model. */
export function predictPoint(
  p: FitPoint,
  m: Omit<GpuFit, "parameters" | "trainingPoints">,
  efficiencies = slotEfficiencies(m.kernel),
): number {
  const t = passTiming(p.costs, efficiencies, p.gpu, m.kernel, m.stacks[p.stack]!);
  return p.row.batch_size! / t.latencySeconds;
}

const ITERATIONS = 80;
const STEP = 1e-4;

/** Solves A x = b (A symmetric positive definite after damping) by Gaussian elimination with pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Fits the parameters on `points` (their training flag is not consulted: the caller chooses), starting
 * from `start` (another fit's values, e.g. the full fit for a cross-validation fold) or the priors.
 */
export function fitGpu(points: readonly FitPoint[], params: SimulatorParams, start?: GpuFit): GpuFit {
  const list = parameterList(params);
  const active = activeParameters(points, params);
  const free = list.filter((p) => active.has(p.id));
  const values = new Map(list.map((p) => [p.id, p.prior]));
  const weight = params.calibration.prior_weight;
  const priorX = free.map((p) => toScale(p.prior, p.scale));
  const target = points.map((p) => Math.log(p.row.throughput_img_s!));
  const residuals = (x: readonly number[]): number[] => {
    for (const [i, p] of free.entries()) values.set(p.id, fromScale(x[i]!, p.scale));
    const m = modelOf(values, params);
    const eff = slotEfficiencies(m.kernel);
    const r = points.map((p, i) => Math.log(predictPoint(p, m, eff)) - target[i]!);
    for (let i = 0; i < x.length; i++) r.push(weight * (x[i]! - priorX[i]!));
    return r;
  };
  const cost = (r: readonly number[]) => r.reduce((s, e) => s + e * e, 0);
  const from = new Map(start?.parameters.map((p) => [p.id, p.value]) ?? []);
  let x = free.map((p, i) => (from.has(p.id) ? toScale(from.get(p.id)!, p.scale) : priorX[i]!));
  let r = residuals(x);
  let c = cost(r);
  let damping = 1e-2;
  for (let iteration = 0; iteration < ITERATIONS && free.length > 0; iteration++) {
    // Jacobian by forward differences, one column per free parameter.
    const jac = x.map((_, j) => {
      const shifted = [...x];
      shifted[j]! += STEP;
      return residuals(shifted).map((e, i) => (e - r[i]!) / STEP);
    });
    const jtj = jac.map((a) => jac.map((b) => a.reduce((s, e, i) => s + e * b[i]!, 0)));
    const jtr = jac.map((a) => a.reduce((s, e, i) => s + e * r[i]!, 0));
    let improved = false;
    for (let attempt = 0; attempt < 12; attempt++) {
      const a = jtj.map((row, i) => row.map((e, j) => e + (i === j ? damping * (1 + jtj[i]![i]!) : 0)));
      const step = solve(
        a,
        jtr.map((e) => -e),
      );
      const trial = x.map((e, i) => e + Math.max(-2, Math.min(2, step[i]!)));
      const rt = residuals(trial);
      const ct = cost(rt);
      if (ct < c) {
        improved = (c - ct) / c > 1e-9;
        [x, r, c] = [trial, rt, ct];
        damping = Math.max(damping / 3, 1e-9);
        break;
      }
      damping *= 4;
    }
    if (!improved) break;
  }
  for (const [i, p] of free.entries()) values.set(p.id, fromScale(x[i]!, p.scale));
  return {
    ...modelOf(values, params),
    parameters: list.map((p) => ({ ...p, value: values.get(p.id)!, fitted: active.has(p.id) })),
    trainingPoints: points.length,
  };
}

/** Predictions of a point by fits that never saw part of the data. */
export interface CrossValidated {
  /** The full fit (in-sample for training points). */
  full: number;
  /** The fit without the point's accelerator. */
  leaveAcceleratorOut: number;
  /** The fit without the point's model. */
  leaveModelOut: number;
}

export interface FitReport {
  fit: GpuFit;
  /** Per fit point (same order as `fitPoints`), its predictions. */
  predictions: CrossValidated[];
  /** Folds: what was left out and how many training points remained. */
  folds: { kind: "accelerator" | "model"; id: string; trainingPoints: number }[];
}

/** The full fit and its cross-validation over every point (training or not). */
export function fitAndCrossValidate(points: readonly FitPoint[], params: SimulatorParams): FitReport {
  const training = points.filter((p) => p.training);
  const fit = fitGpu(training, params);
  const folds: FitReport["folds"] = [];
  const foldFits = (kind: "accelerator" | "model", key: (p: FitPoint) => string) => {
    const fits = new Map<string, GpuFit>();
    for (const id of [...new Set(points.map(key))].sort()) {
      const rest = training.filter((p) => key(p) !== id);
      // A group absent from training is predicted by the full fit already.
      fits.set(id, rest.length === training.length ? fit : fitGpu(rest, params, fit));
      folds.push({ kind, id, trainingPoints: rest.length });
    }
    return fits;
  };
  const byAccelerator = foldFits("accelerator", (p) => p.row.accelerator);
  const byModel = foldFits("model", (p) => p.model);
  const predictions = points.map((p) => ({
    full: predictPoint(p, fit),
    leaveAcceleratorOut: predictPoint(p, byAccelerator.get(p.row.accelerator)!),
    leaveModelOut: predictPoint(p, byModel.get(p.model)!),
  }));
  return { fit, predictions, folds };
}
