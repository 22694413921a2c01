/**
 * The measured data of a loaded data set, made one way for every stage and tool that needs it (the
 * build's pipeline, the simulator CLI, the bench): each study's rows, then each imported MLPerf round's.
 */
import type { loadData } from "./ingest/index.ts";
import { type MlperfResult, normalizeMlperfStudies } from "./mlperf/normalize.ts";
import type { AuditFinding } from "./normalize/audit.ts";
import { normalizeStudies } from "./normalize/normalize.ts";
import type { CanonicalRow } from "./schema.ts";

interface MeasuredData {
  /** Every measured row: the studies' tables, then the MLPerf results (one row per system and scenario). */
  rows: CanonicalRow[];
  /**
   * The rows with a batch size: what the simulator is fitted on, validated against and given twins
   * for. Rows without one are the MLPerf results, which state no batch (the simulator's separate test
   * set, `mlperf`), and tables without a batch column (the course report's cost table).
   */
  batched: CanonicalRow[];
  /** One entry per MLPerf result (system × scenario) of every imported round, valid or not. */
  mlperf: MlperfResult[];
  /** The MLPerf rounds' own audit findings (results left out of figures, and why). */
  mlperfAudit: AuditFinding[];
}

export function measuredData(data: ReturnType<typeof loadData>): MeasuredData {
  const mlperf = normalizeMlperfStudies(data.studies, data.mlperfAliases);
  const rows = [...normalizeStudies(data.studies), ...mlperf.flatMap((m) => m.rows)];
  return {
    rows,
    batched: rows.filter((r) => r.batch_size !== null),
    mlperf: mlperf.flatMap((m) => m.results),
    mlperfAudit: mlperf.flatMap((m) => m.audit),
  };
}
