/**
 * What the atlas knows about MLPerf Inference rounds and benchmarks: folder names, scenario names and
 * which summary line is a round's official result. Every rule here is one MLCommons' own submission
 * checker applies; the citations are in docs/mlperf.md.
 */

export const BENCHMARKS = {
  resnet50: {
    /** v0.5 named the folder `resnet`; some v0.7–v1.1 submitters kept that name. */
    folders: ["resnet50", "resnet"],
    title: "ResNet-50",
    model: "resnet50_v1.5",
    input: { width: 224, height: 224 },
  },
  retinanet: {
    folders: ["retinanet"],
    title: "RetinaNet",
    model: "retinanet_resnext50_32x4d_fpn",
    input: { width: 800, height: 800 },
  },
} as const;
export type Benchmark = keyof typeof BENCHMARKS;
export const BENCHMARK_NAMES = Object.keys(BENCHMARKS) as Benchmark[];

export const SCENARIOS = ["SingleStream", "MultiStream", "Server", "Offline"] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** "Single Stream" (v0.5–v0.7 summaries), "singlestream" (folder names) → "SingleStream". */
export function canonicalScenario(text: string): Scenario | null {
  const squashed = text.replace(/\s+/g, "").toLowerCase();
  return SCENARIOS.find((s) => s.toLowerCase() === squashed) ?? null;
}

/** "mlcommons/inference_results_v2.1" → "v2.1"; null for a repository that is not a results repository. */
export function roundOfRepository(repository: string): string | null {
  const m = /^[A-Za-z0-9_.-]+\/inference_results_(v\d+\.\d+)$/.exec(repository);
  return m ? m[1]! : null;
}

/** "v2.1" → [2, 1], for comparing rounds. */
function roundNumber(round: string): [number, number] {
  const m = /^v(\d+)\.(\d+)$/.exec(round);
  if (!m) throw new Error(`not an MLPerf round: ${JSON.stringify(round)}`);
  return [Number(m[1]), Number(m[2])];
}

export function compareRounds(a: string, b: string): number {
  const [a1, a2] = roundNumber(a);
  const [b1, b2] = roundNumber(b);
  return a1 - b1 || a2 - b2;
}

/** "v2.1" → "v2-1": ids may not contain dots. */
export const roundSlug = (round: string) => round.replace(".", "-");

export const studyId = (round: string, benchmark: Benchmark) =>
  `mlperf-inference-${roundSlug(round)}-${benchmark}`;

/**
 * The summary line each round reports as its result (the submission checker's RESULT_FIELD_NEW for
 * v0.5–v4.1): SingleStream and MultiStream moved to early-stopping estimates in v2.0, MultiStream from
 * samples per query to latency at the same time, and Server from scheduled to completed samples per
 * second in v4.1. v5.1 prints "90.0th" where earlier rounds print "90th".
 */
export function isHeadlineMetric(round: string, scenario: Scenario, metric: string): boolean {
  if (metric === headlineDetailKey(round, scenario)) return true;
  const [major, minor] = roundNumber(round);
  const v2 = major >= 2;
  const v41 = major > 4 || (major === 4 && minor >= 1);
  switch (scenario) {
    case "Offline":
      return metric === "Samples per second";
    case "Server":
      return metric === (v41 ? "Completed samples per second" : "Scheduled samples per second");
    case "SingleStream":
      return v2
        ? /^Early stopping 90(\.0)?th percentile estimate$/.test(metric)
        : metric === "90th percentile latency (ns)";
    case "MultiStream":
      return v2
        ? /^Early stopping 99(\.0)?th percentile estimate$/.test(metric)
        : metric === "Samples per query";
  }
}

/**
 * The mlperf_log_detail.txt key the checker reads the result from (RESULT_FIELD_NEW), for the rare
 * summary that does not print that line (a submitter running an older LoadGen): the importer then
 * takes the value from the detail log. v0.5 and v0.7 detail logs are not in MLLOG form.
 */
export function headlineDetailKey(round: string, scenario: Scenario): string | null {
  const [major, minor] = roundNumber(round);
  if (major === 0) return null;
  const v2 = major >= 2;
  const v41 = major > 4 || (major === 4 && minor >= 1);
  switch (scenario) {
    case "Offline":
      return "result_samples_per_second";
    case "Server":
      return v41 ? "result_completed_samples_per_sec" : "result_scheduled_samples_per_sec";
    case "SingleStream":
      return v2 ? "early_stopping_latency_ss" : "result_90.00_percentile_latency_ns";
    case "MultiStream":
      return v2 ? "early_stopping_latency_ms" : "effective_samples_per_query";
  }
}

/** The unit a result line's value is in: stated in the metric's name, or implied by it. */
export function unitOfMetric(metric: string): string | null {
  if (/\(ns\)$/.test(metric) || /percentile estimate$/.test(metric) || /_ns$/.test(metric)) return "ns";
  // LoadGen logs both early-stopping latencies in ns ("_ss" SingleStream, "_ms" MultiStream).
  if (/^early_stopping_latency_(ss|ms)$/.test(metric)) return "ns";
  if (/samples per second$/i.test(metric) || /_samples_per_sec(ond)?$/.test(metric)) return "samples/s";
  if (/^Samples per query$/.test(metric) || metric === "effective_samples_per_query") return "samples/query";
  return null;
}

/**
 * Rounds whose power logs are not in UTC: the checker adds the `timezone` of the power server and
 * client (power/server.json, power/client.json) to the sample and window timestamps.
 */
export function powerTimestampsAreLocal(round: string): boolean {
  return ["v0.5", "v0.7", "v1.0"].includes(round);
}

/**
 * Year of each imported round: the date of the first commit of mlcommons/inference_results_<round>
 * (v3.1, v4.0 and v5.0 could not be fetched; a round missing here stops the import).
 */
export const ROUND_YEARS: Record<string, number> = {
  "v0.5": 2019,
  "v0.7": 2020,
  "v1.0": 2021,
  "v1.1": 2021,
  "v2.0": 2022,
  "v2.1": 2022,
  "v3.0": 2023,
  "v4.1": 2024,
  "v5.1": 2025,
};
