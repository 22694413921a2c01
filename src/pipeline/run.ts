/**
 * The pipeline in order: ingest → normalize → audit → (simulate) → the site's data model.
 * Pure apart from reading data/: the caller decides where results are written.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Accelerator, CanonicalRow, Study } from "./schema.ts";
import { loadSimulatorParams } from "./simulate/params.ts";
import { simulatorSpecs, type SimulatorSpecs } from "./report/specs.ts";
import { acceleratorSummaries, type AcceleratorSummary } from "./report/summary.ts";
import { FIGURE_SOURCES } from "./report/figure-sources.ts";
import { loadData } from "./ingest/index.ts";
import { normalizeStudy } from "./normalize/normalize.ts";
import { auditStudy, type AuditFinding } from "./normalize/audit.ts";
import { sortRows } from "./output/measurements.ts";
import { AUDIT_MARGIN, LARGE_GAP } from "./normalize/audit.ts";
import { evaluateClaims, type LedgerEntry } from "./report/claims.ts";
import { loadFindings, type Finding } from "./report/findings.ts";
import { reportFigures, type FigureSource } from "./report/figures.ts";
import { makeTokenResolver } from "./report/tokens.ts";
import { simulatorTokens } from "./report/sim-tokens.ts";
import { runSimulator, simulatedQuantity } from "./simulate/stage.ts";
import type { ValidationReport } from "./simulate/validate.ts";
import type { MemoryBreakdownRow } from "./simulate/sweep.ts";
import type { FigureSpec } from "./figures/spec.ts";

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
  /** Finding pages, their prose resolved against the data. */
  findings: Finding[];
  /** Every claim in words, with the data that tests it and a verdict. */
  ledger: LedgerEntry[];
  /** Simulated twins against measurements, per series; null when the simulator did not run. */
  validation: ValidationReport | null;
  /** Weights, activations and working set per model × input size (batch 1); empty without the simulator. */
  memory: MemoryBreakdownRow[];
  /** Every figure of the report, made once here (pages, downloads and the manifest use these). */
  figures: FigureSpec[];
  /** Specifications the simulator adds to or overrides in the accelerator files, by accelerator; empty without it. */
  simulatorSpecs: SimulatorSpecs[];
  /** The home page's summary: per accelerator, its key numbers with their sources (report/summary.ts). */
  summary: AcceleratorSummary[];
}

/** Tables a finding may embed with `{{table:name}}`; the site renders each. */
export const REPORT_TABLES = ["claims-ledger", "audit", "sim-validation", "memory"] as const;

export interface PipelineOptions {
  /** Runs the simulator (parameters from data/simulator/): sweep, simulated twins, validation, memory. Default: when data/simulator/ exists. */
  simulate?: boolean;
  /** Figures beyond the measured-data ones. Default: the simulator's (figure-sources.ts). */
  figures?: FigureSource[];
}

export function runPipeline(dataDir: string, options: PipelineOptions = {}): Atlas {
  // 1. Ingest: read and validate every file; throws SourceError before anything is written.
  const data = loadData(dataDir);
  // 2. Normalize: one canonical row per measured point.
  const measured = data.studies.flatMap(normalizeStudy);
  // 3. Audit: redundant published numbers checked against each other.
  const audit = data.studies.flatMap(auditStudy);
  // 4. Simulate: the model's predictions, as rows like any study's, and their validation.
  const sim =
    (options.simulate ?? existsSync(join(dataDir, "simulator")))
      ? runSimulator(dataDir, data.accelerators, measured)
      : null;
  const atlas: Atlas = {
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
    rows: sortRows([...measured, ...(sim?.rows ?? [])]),
    audit,
    findings: [],
    ledger: [],
    validation: sim?.validation ?? null,
    memory: sim?.memory ?? [],
    figures: [],
    simulatorSpecs: sim ? simulatorSpecs(loadSimulatorParams(dataDir).accelerators) : [],
    summary: [],
  };
  atlas.summary = acceleratorSummaries(
    atlas.accelerators,
    data.studies.map((s) => s.study),
    atlas.rows,
    atlas.simulatorSpecs,
  );
  // 5. Report: claims tested against the data, finding prose resolved (numbers come from the rows).
  atlas.ledger = evaluateClaims(
    data.studies.map((s) => s.study),
    atlas.rows,
    sim ? simulatedQuantity : () => null,
  );
  const prices = new Map(
    data.studies.flatMap((s) =>
      s.study.tables
        .filter((t) => t.price_usd_per_hour !== undefined)
        .map((t) => [t.series, t.price_usd_per_hour!] as const),
    ),
  );
  const resolve = makeTokenResolver({
    rows: atlas.rows,
    audit,
    prices,
    constants: {
      "audit-margin": `${AUDIT_MARGIN * 100} %`,
      "audit-warning-gap": `${Math.round((AUDIT_MARGIN + LARGE_GAP) * 100)} %`,
    },
    ...(sim ? { extra: simulatorTokens(atlas) } : {}),
  });
  atlas.figures = reportFigures(atlas, options.figures ?? FIGURE_SOURCES);
  atlas.findings = loadFindings(dataDir, resolve, {
    figures: new Set(atlas.figures.map((f) => f.id)),
    tables: new Set(REPORT_TABLES),
  });
  return atlas;
}
