/**
 * The simulator, prepared once per run: parameters, devices, the roofline calibration and the GPU fit
 * with its cross-validation (cached on disk by a hash of everything it depends on, so a build whose
 * inputs did not change does not refit). Every consumer (sweep, twins, CLI, explore pages) resolves
 * its stacks here, so all of them use the same numbers.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Accelerator, CanonicalRow } from "../schema.ts";
import type { MathPrecision } from "./accounting.ts";
import { calibrateRoofline, resolveRooflineStack, type CalibrationResult } from "./calibrate.ts";
import { fitAndCrossValidate, kernelFitPoints, type FitPoint, type FitReport } from "./fit.ts";
import { deviceFor, isDevice, type Device } from "./hardware.ts";
import type { SimulatorParams } from "./params.ts";
import { gpuSpecsOf, type StackModel } from "./simulate.ts";

/** Bumped whenever the kernel model or the fit changes in a way a cached fit would not show. */
const FIT_MODEL_VERSION = 1;

export interface SimulatorContext {
  params: SimulatorParams;
  accelerators: readonly Accelerator[];
  /** Devices that can be simulated, by id. */
  devices: Map<string, Device>;
  roofline: CalibrationResult;
  /** Measured GPU points the kernel model simulates (training and held out). */
  points: FitPoint[];
  gpu: FitReport;
  /** Whether the GPU fit came from the cache. */
  cached: boolean;
}

interface PrepareOptions {
  /** Folder for the fit cache; no caching without one. */
  cacheDir?: string;
}

/** Everything the fit depends on, as one string to hash. */
function fitKey(points: readonly FitPoint[], params: SimulatorParams): string {
  const stacks = params.stacks.filter((s) => s.engine === "kernels");
  const rows = points.map((p) => [
    p.row.study,
    p.row.series,
    p.row.accelerator,
    p.row.model,
    p.row.precision,
    p.stack,
    p.row.input_width,
    p.row.input_height,
    p.row.batch_size,
    p.row.throughput_img_s,
    p.training,
    p.gpu,
  ]);
  return JSON.stringify({ version: FIT_MODEL_VERSION, stacks, calibration: params.calibration, rows });
}

function cachedFit(points: FitPoint[], params: SimulatorParams, cacheDir: string | undefined) {
  if (!cacheDir) return { report: fitAndCrossValidate(points, params), cached: false };
  const hash = createHash("sha256").update(fitKey(points, params)).digest("hex").slice(0, 16);
  const file = join(cacheDir, `gpu-fit-${hash}.json`);
  if (existsSync(file)) {
    try {
      return { report: JSON.parse(readFileSync(file, "utf8")) as FitReport, cached: true };
    } catch (e) {
      // A torn or foreign file: refit and overwrite it.
      if (!(e instanceof SyntaxError)) throw e;
    }
  }
  const report = fitAndCrossValidate(points, params);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(report));
  renameSync(tmp, file);
  return { report, cached: false };
}

export function prepareSimulator(
  params: SimulatorParams,
  accelerators: readonly Accelerator[],
  measured: readonly CanonicalRow[],
  options: PrepareOptions = {},
): SimulatorContext {
  const devices = new Map<string, Device>();
  const simById = new Map(params.accelerators.map((a) => [a.id, a]));
  for (const acc of accelerators) {
    const d = deviceFor(acc, simById.get(acc.id));
    if (isDevice(d)) devices.set(acc.id, d);
  }
  const points = kernelFitPoints(measured, accelerators, params);
  const { report, cached } = cachedFit(points, params, options.cacheDir);
  return {
    params,
    accelerators,
    devices,
    roofline: calibrateRoofline(accelerators, params, measured),
    points,
    gpu: report,
    cached,
  };
}

/**
 * The stack model for (accelerator, stack, precision): a GPU stack on a GPU the kernel model can run
 * gets the fitted kernel parameters and the stack's costs; a roofline stack gets its roofline fit or
 * fallback. A GPU stack on anything else is refused (null, with the reason).
 */
export function stackModel(
  ctx: SimulatorContext,
  accelerator: string,
  stackId: string,
  precision: MathPrecision,
): StackModel | { error: string } {
  const stack = ctx.params.stacks.find((s) => s.id === stackId);
  if (!stack) return { error: `unknown stack ${stackId}` };
  if (stack.engine === "roofline") {
    const r = resolveRooflineStack(ctx.roofline, ctx.params, accelerator, stackId, precision);
    return {
      engine: "roofline",
      id: stackId,
      params: { efficiency: r.efficiency, overheadMs: r.overheadMs, layerFloorMs: r.layerFloorMs },
      source: r.source,
    };
  }
  const device = ctx.devices.get(accelerator);
  if (!device || !gpuSpecsOf(device))
    return {
      error: `stack ${stackId} runs on GPUs the kernel model knows (an SM count in the accelerator file)`,
    };
  const fit = ctx.gpu.fit;
  const fitted = fit.parameters.filter((p) => p.id.startsWith(`stack.${stackId}.`) && p.fitted).length > 0;
  return {
    engine: "kernels",
    id: stackId,
    fusion: stack.fusion,
    ampWeightCasts: stack.amp_weight_casts,
    costs: fit.stacks[stackId]!,
    kernel: fit.kernel,
    source: fitted
      ? `kernel model fitted on ${ctx.params.calibration.name} (${fit.trainingPoints} points)`
      : `kernel model fitted on ${ctx.params.calibration.name}; ${stackId} has no published table there and takes the ${stack.launch} family's fitted costs`,
  };
}

/** The stack the sweep uses for an accelerator (data/simulator/accelerators.yaml, else `default`). */
export const defaultStack = (ctx: SimulatorContext, accelerator: string): string =>
  ctx.params.accelerators.find((a) => a.id === accelerator)?.stack ?? "default";
