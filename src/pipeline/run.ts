/**
 * The pipeline in order: ingest → normalize → audit → (simulate) → the site's data model.
 * Pure apart from reading data/: the caller decides where results are written.
 */
import type { Accelerator, CanonicalRow, Study } from "./schema.ts";
import { loadData } from "./ingest/index.ts";
import { normalizeStudy } from "./normalize/normalize.ts";
import { auditStudy, type AuditFinding } from "./normalize/audit.ts";
import { sortRows } from "./output/measurements.ts";

/** A study table as the site shows it: the published header and cells, untouched. */
export interface RawTable {
  file: string;
  meta: Study["tables"][number];
  header: string[];
  rows: { line: number; cells: string[] }[];
}

export interface AtlasStudy {
  study: Study;
  metaFile: string;
  tables: RawTable[];
}

export interface Atlas {
  accelerators: Accelerator[];
  studies: AtlasStudy[];
  /** Every canonical row: measured, simulated and claims; sorted. */
  rows: CanonicalRow[];
  audit: AuditFinding[];
}

export interface PipelineOptions {
  /** Adds simulated rows (the simulator's sweep) to the measured ones. */
  simulate?: (accelerators: Accelerator[]) => CanonicalRow[];
}

export function runPipeline(dataDir: string, options: PipelineOptions = {}): Atlas {
  // 1. Ingest: read and validate every file; throws SourceError before anything is written.
  const data = loadData(dataDir);
  // 2. Normalize: one canonical row per measured point.
  const measured = data.studies.flatMap(normalizeStudy);
  // 3. Audit: redundant published numbers checked against each other.
  const audit = data.studies.flatMap(auditStudy);
  // 4. Simulate: the model's predictions, as rows like any study's.
  const simulated = options.simulate ? options.simulate(data.accelerators) : [];
  return {
    accelerators: data.accelerators,
    studies: data.studies.map((s) => ({
      study: s.study,
      metaFile: s.metaFile,
      tables: s.tables.map((t) => ({
        file: t.file,
        meta: t.meta,
        header: t.csv.header.map((c) => c.text),
        rows: t.csv.rows.map((r) => ({ line: r.line, cells: r.cells.map((c) => c.text) })),
      })),
    })),
    rows: sortRows([...measured, ...simulated]),
    audit,
  };
}
