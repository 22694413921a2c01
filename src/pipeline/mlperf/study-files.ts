/**
 * An imported round → the two files of its study folder: results.csv (the rows) and study.yaml (the
 * metadata, saying how the rows were extracted). Pure and deterministic: no clock, no machine paths.
 */
import { stringify } from "yaml";
import { csvLine } from "../output/csv.ts";
import { RESULT_COLUMNS, RESULTS_FILE, type ResultColumn } from "./columns.ts";
import type { ImportedRound, ResultRow } from "./importer.ts";
import { BENCHMARKS, ROUND_YEARS, studyId } from "./rounds.ts";

function resultCells(r: ResultRow): Record<ResultColumn, string> {
  return {
    Division: r.division,
    Submitter: r.submitter,
    System: r.system,
    "System name": r.info.system_name,
    Category: r.info.system_type,
    Availability: r.info.status,
    "Accelerator model": r.info.accelerator_model_name,
    "Accelerator memory": r.info.accelerator_memory_capacity,
    "Accelerators per node": r.info.accelerators_per_node,
    Nodes: r.info.number_of_nodes,
    "Host processor": r.info.host_processor_model_name,
    "Host processors per node": r.info.host_processors_per_node,
    Framework: r.info.framework,
    Scenario: r.scenario,
    Metric: r.metric,
    Value: r.value,
    Unit: r.unit,
    "Reported result": r.headline ? "yes" : "no",
    Validity: r.validity,
    "Average power (W)": r.powerW === null ? "" : r.powerW.toFixed(3),
    "Power samples": r.powerSamples === null ? "" : String(r.powerSamples),
    "Result file": r.resultSource,
    "Result line": String(r.resultLine),
    "System file": r.systemSource,
    "Power file": r.powerSource ?? "",
  };
}

export function resultsCsv(rows: readonly ResultRow[]): string {
  const cells = rows.map(resultCells);
  // Cells as printed: a "-" stays a "-" (results.csv is data the build reads, not a published download).
  return [RESULT_COLUMNS, ...cells.map((c) => RESULT_COLUMNS.map((k) => c[k]))]
    .map((fields) => csvLine(fields, { formulas: "keep" }))
    .join("");
}

/** What the importer knows about the repository's licence: its LICENSE.md, if there is one. */
export interface LicenseFinding {
  file: string | null;
  apache2: boolean;
}

const CHECKER = "mlcommons/inference@b66003e10e2db4b8c36a448b0545ec90fcc6e9e9";

/**
 * How an imported round is cited: the results repository is a dataset compiled and published by
 * MLCommons, so MLCommons is its author (the submitters own their results and are named per row,
 * not as authors of the repository), under the repository's own title, pinned to the imported commit.
 */
export function roundCite(round: string, source: { repository: string; commit: string }) {
  return {
    type: "dataset" as const,
    title: `MLPerf Inference ${round} results`,
    authors: [{ literal: "MLCommons" }],
    url: `https://github.com/${source.repository}/tree/${source.commit}`,
  };
}

export function studyYaml(imported: ImportedRound, license: LicenseFinding): string {
  const { round, benchmark, source, rows, skipped } = imported;
  const b = BENCHMARKS[benchmark];
  const year = ROUND_YEARS[round];
  if (year === undefined) throw new Error(`no year for round ${round}: add it to ROUND_YEARS (rounds.ts)`);
  const url = `https://github.com/${source.repository}`;
  const headline = rows.filter((r) => r.headline);
  const submitters = new Set(rows.map((r) => r.submitter)).size;
  const systems = new Set(rows.map((r) => `${r.division}/${r.submitter}/${r.system}`)).size;
  const power = headline.filter((r) => r.powerW !== null).length;
  const invalid = headline.filter((r) => r.validity === "INVALID").length;
  const divisions = [...new Set(rows.map((r) => r.division))].sort().join(", ");
  const study = {
    id: studyId(round, benchmark),
    title: `MLPerf Inference ${round}: ${b.title}, every submitted result`,
    authors: ["MLCommons", `MLPerf Inference ${round} submitters (${submitters} organisations)`],
    year,
    url,
    citation: `MLCommons (${year}). MLPerf Inference ${round} results, ${b.title} benchmark. ${url} (commit ${source.commit}).`,
    cite: roundCite(round, source),
    license: license.apache2
      ? {
          redistribution: "allowed",
          note: `Apache License 2.0 (${source.repository}@${source.commit}:${license.file}). Results are MLPerf results of their submitters; values derived here (per accelerator, ratios, efficiency) are not verified by MLCommons.`,
        }
      : {
          redistribution: "unknown",
          note: `No licence file at the root of ${source.repository}@${source.commit}. The atlas reproduces the published result values with attribution; values derived here are not verified by MLCommons.`,
        },
    summary: `${headline.length} ${b.title} results (${systems} systems, ${submitters} submitters, divisions ${divisions}) from the MLPerf Inference ${round} results repository, ${power} of them with a power measurement${invalid ? `, ${invalid} marked INVALID` : ""}.`,
    method: [
      `Imported by \`npm run import:mlperf\` (scripts/import-mlperf.ts) from ${source.repository} at commit ${source.commit}.`,
      `One row per (system, scenario, result line) of <division>/<submitter>/results/<system>/{${b.folders.join(",")}}/<scenario>/performance/run_1/mlperf_log_summary.txt:`,
      `every line of the summary's "MLPerf Results Summary" block between "Mode" and "Result is" and every early-stopping estimate, with the metric name and value exactly as printed and the verdict of "Result is".`,
      `"Reported result" marks the line MLCommons' submission checker reports as the result of that round and scenario (RESULT_FIELD_NEW in ${CHECKER}:tools/submission/submission_checker/constants.py and its predecessors);` +
        ` where a summary does not print that line (a submitter on an older LoadGen), the value is read from the key the checker reads in run_1/mlperf_log_detail.txt (e.g. result_completed_samples_per_sec), and Result file and Result line point there.`,
      `System columns are the fields of <division>/<submitter>/systems/<system>.json as printed (a number as JSON prints it, a missing field empty); Submitter is the file's submitter field, or the folder name where the file has none.`,
      `Unit is read from the metric's name: "(ns)" and early-stopping estimates are nanoseconds, "samples per second" is samples/s, "Samples per query" is samples/query.`,
      `Average power (W) is computed here as the checker computes it (get_power_metric, ${CHECKER}:tools/submission/submission_checker/checks/power_check.py): the mean of the positive Watts readings in run_1/spl.txt whose timestamps lie strictly between power_begin and power_end of run_1/mlperf_log_detail.txt` +
        ` (for v0.5–v1.0, after adding the timezone of performance/power/server.json to the samples and of client.json to the window); Power samples is how many readings were averaged; the value is rounded to 0.001 W.`,
      `For Offline and Server this average is the power MLCommons reports; for SingleStream and MultiStream MLCommons reports energy per query, which is not computed here.`,
      `Power is measured at the wall for the whole system under test, not for the accelerators alone.`,
    ].join(" "),
    caveats: [
      "Every value is the whole system's: a system with eight accelerators reports eight accelerators' throughput. Values per accelerator are derived by the atlas (system value ÷ accelerators) only for single-node systems, and are not verified by MLCommons.",
      "Closed-division results use the reference model at the reference accuracy; open-division results may change the model, so the two are never mixed in a figure.",
      "The submitter chooses batch size, precision and software; MLPerf does not report them in the result files, so precision is recorded as unknown.",
      ...(benchmark === "resnet50"
        ? [
            "ResNet-50 v1.5 on ImageNet 2012 validation images at 224×224 (the MLPerf reference preprocessing; the result files do not restate the input size).",
          ]
        : [
            "RetinaNet with a ResNeXt50-32x4d FPN backbone on 800×800 OpenImages images (the MLPerf reference model; the result files do not restate the input size).",
          ]),
    ],
    tables: [],
    mlperf: {
      round,
      benchmark,
      repository: source.repository,
      commit: source.commit,
      file: RESULTS_FILE,
      model: b.model,
      input: { width: b.input.width, height: b.input.height, stated: false },
      rows: rows.length,
      ...(skipped.length ? { skipped } : {}),
    },
  };
  const header =
    "# Written by `npm run import:mlperf`; re-run the importer rather than editing this file or results.csv.\n";
  return header + stringify(study, { lineWidth: 0, aliasDuplicateObjects: false });
}
