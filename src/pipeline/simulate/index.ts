/**
 * The simulator's public API, in pipeline order: network → memory → hardware → performance →
 * calibration → sweep and validation. docs/simulator.md explains every definition and parameter.
 */
export { graphBuilder, ShapeError, elements, type Graph, type Node, type Op, type Shape } from "./graph.ts";
export {
  MODEL_IDS,
  MODEL_ALIASES,
  buildModel,
  modelInput,
  resolveModelId,
  modelSlug,
  type ModelId,
  type InputSize,
} from "./models/index.ts";
export {
  PRECISIONS,
  BYTES_PER_ELEMENT,
  totals,
  layerTable,
  weightBytes,
  type Precision,
  type MathPrecision,
  type Totals,
  type LayerRow,
} from "./accounting.ts";
export { FUSION_POLICIES, DEFAULT_FUSION_POLICY, lower, liveness, type FusionPolicy } from "./liveness.ts";
export {
  activationProfile,
  memoryReport,
  quantities,
  QUANTITY_DEFINITIONS,
  type ActivationProfile,
  type MemoryReport,
  type Quantity,
} from "./memory.ts";
export { modelProfile, simulatedQuantities, type ModelProfile } from "./profile.ts";
export { deviceFor, isDevice, PEAK_CHAIN, type Device } from "./hardware.ts";
export { layerTime } from "./roofline.ts";
export {
  perfProfile,
  simulateBatch,
  smallestBatchAtFraction,
  isFeasible,
  type BatchPerf,
  type StackParams,
} from "./performance.ts";
export { loadSimulatorParams, type SimulatorParams } from "./params.ts";
export {
  calibrate,
  resolveStack,
  fitPoints,
  mathPrecisionOf,
  type CalibrationResult,
  type Fit,
} from "./calibrate.ts";
export {
  simulateSweep,
  memoryBreakdown,
  smallestBatchBySeries,
  SWEEP_SIZES,
  SWEEP_BATCHES,
  SIM_STUDY,
  type MemoryBreakdownRow,
  type SweepOptions,
} from "./sweep.ts";
export {
  simulateMeasured,
  validate,
  validateMeasured,
  matchStack,
  CALIBRATION_MARK,
  type ValidationReport,
  type ValidationSeries,
  type ValidationPoint,
} from "./validate.ts";
export { graphToJson, type GraphJson } from "./graph-json.ts";
