/**
 * The simulator as a pipeline stage: the sweep, the simulated twin of every measured series, the
 * validation of those twins against the measurements, and the memory breakdown for the report.
 */
import type { Accelerator, CanonicalRow, ClaimTest } from "../schema.ts";
import type { MlperfResult } from "../mlperf/normalize.ts";
import { prepareSimulator, type SimulatorContext } from "./context.ts";
import { loadSimulatorParams } from "./params.ts";
import { simulateSweep, memoryBreakdown, type MemoryBreakdownRow } from "./sweep.ts";
import { simulateMeasured, validate, type ValidationReport } from "./validate.ts";
import { simulatedQuantities } from "./profile.ts";
import { resolveModelId } from "./models/index.ts";

interface SimulationResult {
  /** Sweep rows plus one simulated twin per measured series (series `sim-<measured series>`). */
  rows: CanonicalRow[];
  validation: ValidationReport;
  memory: MemoryBreakdownRow[];
  /** The prepared simulator (fit included), for the explore pages' parameters. */
  context: SimulatorContext;
}

export function runSimulator(
  dataDir: string,
  accelerators: Accelerator[],
  measured: CanonicalRow[],
  options: { cacheDir?: string; mlperf?: readonly MlperfResult[] } = {},
): SimulationResult {
  const context = prepareSimulator(loadSimulatorParams(dataDir), accelerators, measured, options);
  const twins = simulateMeasured(measured, context);
  return {
    rows: [...simulateSweep(context), ...twins].map(compact),
    validation: validate(context, twins, measured, options.mlperf),
    memory: memoryBreakdown(),
    context,
  };
}

/** The number a `simulated` claim test asks for, or null when the model is not one the simulator knows. */
export function simulatedQuantity(t: Extract<ClaimTest, { kind: "simulated" }>): number | null {
  const model = resolveModelId(t.model);
  if (!model) return null;
  return simulatedQuantities(model, t.input.width, t.input.height, t.precision, t.batch ?? 1)[t.quantity];
}

/**
 * The per-layer latency formula is the same for every simulated row; the dataset names it once
 * (docs/simulator.md) instead of repeating 300 characters on thousands of rows.
 */
function compact(r: CanonicalRow): CanonicalRow {
  return {
    ...r,
    derived: r.derived.replace(/^latency_ms=[^;]*;/, "latency_ms=simulated (docs/simulator.md);"),
  };
}
