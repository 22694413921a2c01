/**
 * The pipeline in order: ingest → normalize → audit → (simulate) → the site's data model.
 * Pure apart from reading data/ and, when given a cache folder, reading and writing the simulator's fit
 * there: the caller decides where results are written.
 */
import { brokenDerivations, THROUGHPUT_IN_DOUBT, warnedBy } from "./report/assumptions.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Atlas, AtlasData } from "./atlas.ts";
import { simulatorSpecs } from "./report/specs.ts";
import { acceleratorSummaries } from "./report/summary.ts";
import { FIGURE_SOURCES } from "./report/figure-sources.ts";
import { loadData } from "./ingest/index.ts";
import { checkFiniteRows } from "./normalize/normalize.ts";
import { measuredData } from "./measured.ts";
import { auditStudy } from "./normalize/audit.ts";
import { sortRows } from "./output/measurements.ts";
import { AUDIT_MARGIN, LARGE_GAP } from "./normalize/audit.ts";
import { evaluateClaims } from "./report/claims.ts";
import { loadFindings } from "./report/findings.ts";
import { reportFigures, type FigureSource } from "./report/figures.ts";
import { makeTokenResolver } from "./report/tokens.ts";
import { simulatorTokens } from "./report/sim-tokens.ts";
import { mlperfTokens } from "./report/mlperf-tokens.ts";
import { runSimulator, simulatedQuantity } from "./simulate/stage.ts";
import { exploreModel } from "./simulate/explore-model.ts";
import { analyseMlperf, summaryRows } from "./mlperf/analysis.ts";

export type { Atlas } from "./atlas.ts";

/** Tables a finding may embed with `{{table:name}}`; the site renders each. */
const REPORT_TABLES = ["claims-ledger", "audit", "sim-validation", "memory"] as const;

interface PipelineOptions {
  /** Runs the simulator (parameters from data/simulator/): sweep, simulated twins, validation, memory. Default: when data/simulator/ exists. */
  simulate?: boolean;
  /** Folder where the simulator caches its GPU fit (keyed by a hash of its inputs); no cache without one. */
  cacheDir?: string;
  /** Figures beyond the measured-data ones. Default: the simulator's (figure-sources.ts). */
  figures?: FigureSource[];
}

export function runPipeline(dataDir: string, options: PipelineOptions = {}): Atlas {
  // 1. Ingest: read and validate every file; throws SourceError before anything is written.
  const loaded = loadData(dataDir);
  // 2. Normalize: one canonical row per measured point (an MLPerf round: one per system and scenario);
  // derived values are range-checked.
  const measured = measuredData(loaded);
  const mlperfResults = measured.mlperf;
  // 3. Audit: redundant published numbers checked against each other; MLPerf results left out of figures.
  const audit = [...loaded.studies.flatMap(auditStudy), ...measured.mlperfAudit];
  // 4. Simulate: the model's predictions, as rows like any study's, and their validation. Points
  // without a batch size (MLPerf results, tables without a batch column) have no simulated twin and no
  // explore-page series; listing each of MLPerf's thousands of series as "not simulated" would swamp
  // the validation report.
  const sim =
    (options.simulate ?? existsSync(join(dataDir, "simulator")))
      ? runSimulator(dataDir, loaded.accelerators, measured.batched, {
          cacheDir: options.cacheDir,
          mlperf: mlperfResults,
        })
      : null;
  const rows = sortRows([...measured.rows, ...(sim?.rows ?? [])]);
  // Nothing not finite is ever published (measurements.csv, .json, figures).
  checkFiniteRows(rows);
  const specs = sim ? simulatorSpecs(sim.context.params.accelerators) : [];
  // Rows whose throughput an audit warning puts in doubt: verdicts say so, batching gains leave them out.
  const inDoubt = warnedBy(audit, THROUGHPUT_IN_DOUBT);
  // 5. Report: claims tested against the data, figures made once, finding prose resolved against both.
  const data: AtlasData = {
    accelerators: loaded.accelerators,
    studies: loaded.studies.map((s) => ({
      study: s.study,
      metaFile: s.metaFile,
      tables: s.tables.map((t) => ({
        file: t.file,
        meta: t.meta,
        header: t.csv.header.map((c) => c.text),
        rows: t.csv.rows.map((r) => ({ line: r.line, cells: r.cells.map((c) => c.text) })),
      })),
      ...(s.mlperf
        ? {
            mlperf: {
              file: s.mlperf.file,
              header: s.mlperf.csv.header.map((c) => c.text),
              rows: s.mlperf.csv.rows.map((r) => ({ line: r.line, cells: r.cells.map((c) => c.text) })),
            },
          }
        : {}),
    })),
    rows,
    audit,
    brokenDerivations: [...brokenDerivations(rows, audit)],
    ledger: evaluateClaims(
      loaded.studies.map((s) => s.study),
      rows,
      sim ? simulatedQuantity : () => null,
      inDoubt,
    ),
    validation: sim?.validation ?? null,
    explore: sim ? exploreModel(sim.context, measured.batched) : null,
    memory: sim?.memory ?? [],
    simulatorSpecs: specs,
    summary: acceleratorSummaries(
      loaded.accelerators,
      loaded.studies.map((s) => s.study),
      rows,
      specs,
      inDoubt,
      summaryRows(rows, mlperfResults),
      sim?.validation.mlperf.byAccelerator,
    ),
    mlperf: mlperfResults,
    mlperfAnalysis: analyseMlperf(mlperfResults, rows, inDoubt),
  };
  const prices = new Map(
    loaded.studies.flatMap((s) =>
      s.study.tables
        .filter((t) => t.price_usd_per_hour !== undefined)
        .map((t) => [t.series, t.price_usd_per_hour!] as const),
    ),
  );
  const resolve = makeTokenResolver({
    rows,
    audit,
    ledger: data.ledger,
    prices,
    constants: {
      "audit-margin": `${AUDIT_MARGIN * 100} %`,
      "audit-warning-gap": `${Math.round((AUDIT_MARGIN + LARGE_GAP) * 100)} %`,
    },
    extra: { ...(sim ? simulatorTokens(data) : {}), ...mlperfTokens(data) },
  });
  const figures = reportFigures(data, options.figures ?? FIGURE_SOURCES);
  const findings = loadFindings(dataDir, resolve, {
    figures: new Set(figures.map((f) => f.id)),
    tables: new Set(REPORT_TABLES),
    studies: new Set(data.studies.map((s) => s.study.id)),
    accelerators: new Set(data.accelerators.map((a) => a.id)),
  });
  return { ...data, figures, findings };
}
