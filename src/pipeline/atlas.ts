/**
 * The atlas: what the pipeline makes from data/ and everything after it reads (the site, the
 * downloads, the figures). Types only, in a module of their own, so later stages depend on the
 * data they read and not on the pipeline that makes it.
 */
import type { AuditFinding } from "./normalize/audit.ts";
import type { BrokenDerivation } from "./report/assumptions.ts";
import type { LedgerEntry } from "./report/claims.ts";
import type { Finding } from "./report/findings.ts";
import type { SimulatorSpecs } from "./report/specs.ts";
import type { AcceleratorSummary } from "./report/summary.ts";
import type { Accelerator, CanonicalRow, Study } from "./schema.ts";
import type { ExploreModel } from "./simulate/explore-model.ts";
import type { MemoryBreakdownRow } from "./simulate/sweep.ts";
import type { ValidationReport } from "./simulate/validate.ts";
import type { FigureSpec } from "./figures/spec.ts";
import type { MlperfResult } from "./mlperf/normalize.ts";
import type { MlperfAnalysis } from "./mlperf/analysis.ts";

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
  /** An imported MLPerf round: its results.csv as written (header and cells). */
  mlperf?: { file: string; header: string[]; rows: { line: number; cells: string[] }[] };
}

/** The data of the atlas: what its figures and the findings' data tokens are made from. */
export interface AtlasData {
  accelerators: Accelerator[];
  studies: AtlasStudy[];
  /** Every canonical row: measured, simulated and claims; sorted. */
  rows: CanonicalRow[];
  audit: AuditFinding[];
  /**
   * Derived values whose assumption the audit shows broken, by row key (report/assumptions.ts): a Map's
   * entries, so the site reads them from atlas.json as the figures do, without working them out again.
   */
  brokenDerivations: [rowKey: string, broken: BrokenDerivation[]][];
  /** Every claim in words, with the data that tests it and a verdict. */
  ledger: LedgerEntry[];
  /** Simulated twins against measurements, per series; null when the simulator did not run. */
  validation: ValidationReport | null;
  /** The simulator's resolved devices and stacks for the explore pages; null without the simulator. */
  explore: ExploreModel | null;
  /** Weights, activations and working set per model × input size (batch 1); empty without the simulator. */
  memory: MemoryBreakdownRow[];
  /** Specifications the simulator adds to or overrides in the accelerator files, by accelerator; empty without it. */
  simulatorSpecs: SimulatorSpecs[];
  /** The home page's summary: per accelerator, its key numbers with their sources (report/summary.ts). */
  summary: AcceleratorSummary[];
  /** One entry per MLPerf result (system × scenario) of every imported round, valid or not. */
  mlperf: MlperfResult[];
  /**
   * The MLPerf comparisons (batching gains, efficiency, RetinaNet against ResNet-50), made once for the
   * figures and the findings' tokens. Not in atlas.json: pages show them through those.
   */
  mlperfAnalysis: MlperfAnalysis;
}

export interface Atlas extends AtlasData {
  /** Every figure of the report, made once (pages, downloads and the manifest use these). */
  figures: FigureSpec[];
  /** Finding pages, their prose resolved against the data. */
  findings: Finding[];
}
