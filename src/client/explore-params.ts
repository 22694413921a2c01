/**
 * What the explore pages know about the atlas: /explore/params.json, written at build time by
 * src/site/explore.ts with the simulator's own functions (deviceFor, calibrate, resolveStack), so the
 * browser simulates with exactly the numbers the CLI and the sweep use. Types only: plain data.
 */
import type { MathPrecision } from "../pipeline/simulate/accounting.ts";
import type { Device } from "../pipeline/simulate/hardware.ts";
import type { FusionPolicy } from "../pipeline/simulate/liveness.ts";
import type { ModelId } from "../pipeline/simulate/models/index.ts";
import type { StackParams } from "../pipeline/simulate/performance.ts";

/** Stack parameters for one (accelerator, stack, precision), with where they came from in words. */
export interface ResolvedStackParams extends StackParams {
  source: string;
}

export interface ExploreAccelerator {
  id: string;
  name: string;
  /** deviceFor(accelerator file, data/simulator entry): peaks in MAC/s, bandwidth in bytes/s, SRAM in bytes. */
  device: Device;
  /** resolveStack(...) per stack id and per precision the device has a peak for. */
  stacks: Record<string, Partial<Record<MathPrecision, ResolvedStackParams>>>;
}

/** One published point: batch size (images), throughput (img/s) and latency (ms) as normalized. */
export interface MeasuredPoint {
  batch: number;
  throughput: number | null;
  latency: number | null;
}

/** A measured series of a study (accelerator × model × precision × input × framework). */
export interface MeasuredSeries {
  id: string;
  study: string;
  studyTitle: string;
  accelerator: string;
  acceleratorName: string;
  model: string;
  width: number;
  height: number;
  /** The row's precision as published (`mixed-fp16`, `unknown`, …). */
  precision: string;
  /** How the simulator would model that precision; null when it cannot (`unknown`). */
  math: MathPrecision | null;
  framework: string;
  execution: string;
  devices: number;
  /** The simulator stack matching the framework and execution (validate.ts `matchStack`). */
  stack: string;
  points: MeasuredPoint[];
}

export interface ExploreParams {
  /** The calibration dataset the stack parameters were fitted on; null when the simulator did not run. */
  dataset: string | null;
  models: { id: ModelId; name: string }[];
  precisions: MathPrecision[];
  policies: FusionPolicy[];
  defaultPolicy: FusionPolicy;
  /** Input-size presets (the sweep's sizes). */
  sizes: { width: number; height: number }[];
  stacks: { id: string; name: string }[];
  accelerators: ExploreAccelerator[];
  measured: MeasuredSeries[];
}
