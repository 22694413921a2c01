/**
 * The columns of an MLPerf study's results.csv, written by the importer and read back by the build.
 * One row per (system, scenario, result line); every cell is as the source prints it, except the
 * computed power columns and the Reported result flag, which say how they were made in study.yaml.
 */
export const RESULT_COLUMNS = [
  "Division",
  "Submitter",
  "System",
  "System name",
  "Category",
  "Availability",
  "Accelerator model",
  "Accelerator memory",
  "Accelerators per node",
  "Nodes",
  "Host processor",
  "Host processors per node",
  "Framework",
  "Scenario",
  "Metric",
  "Value",
  "Unit",
  "Reported result",
  "Validity",
  "Average power (W)",
  "Power samples",
  "Result file",
  "Result line",
  "System file",
  "Power file",
] as const;
export type ResultColumn = (typeof RESULT_COLUMNS)[number];

export const RESULTS_FILE = "results.csv";
