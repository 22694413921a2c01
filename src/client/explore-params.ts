/**
 * What the explore pages know about the atlas: /explore/params.json, written at build time by
 * src/site/explore.ts from the pipeline's explore model (the one fit), so the browser simulates with
 * exactly the numbers the CLI and the sweep use. Types only: plain data.
 */
import type { MathPrecision } from "../pipeline/simulate/accounting.ts";
import type { SimulatorAccuracy } from "../pipeline/simulate/accuracy.ts";
import type { ExploreAccelerator, ExploreStack } from "../pipeline/simulate/explore-model.ts";
import type { FusionPolicy } from "../pipeline/simulate/liveness.ts";
import type { ModelId } from "../pipeline/simulate/models/index.ts";

export type { ExploreAccelerator, ExploreStack, SimulatorAccuracy };

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
  stacks: ExploreStack[];
  accelerators: ExploreAccelerator[];
  measured: MeasuredSeries[];
  /** The simulator's cross-validated error (simulator-validation finding); null when it did not run. */
  accuracy: SimulatorAccuracy | null;
}
