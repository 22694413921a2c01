/**
 * One round's results checkout → one row per (system, scenario, result line) of one benchmark.
 * Layout (every round from v0.5 to v5.1):
 *   <division>/<submitter>/systems/<system>.json
 *   <division>/<submitter>/results/<system>/<benchmark>/<scenario>/performance/run_1/mlperf_log_summary.txt
 *   and, for power runs, spl.txt and mlperf_log_detail.txt beside the summary
 *   (v1.0 also performance/power/server.json and client.json for the time-zone offsets).
 * Reads files only; everything is sorted by code-unit order so the same checkout gives the same rows.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SourceError, type SourceProblem } from "../errors.ts";
import { decodeUtf8 } from "../ingest/text.ts";
import { averagePower, parsePowerWindow, parseSpl, parseTimezone } from "./power.ts";
import {
  BENCHMARKS,
  canonicalScenario,
  headlineDetailKey,
  isHeadlineMetric,
  powerTimestampsAreLocal,
  roundOfRepository,
  unitOfMetric,
  type Benchmark,
  type Scenario,
} from "./rounds.ts";
import { parseSummary, type SummaryMetric } from "./summary.ts";
import { findDetailValue } from "./detail.ts";
import { parseSystem, type SystemInfo } from "./system.ts";

export interface RoundSource {
  /** Folder of the checkout on this machine. */
  root: string;
  /** "mlcommons/inference_results_v3.0". */
  repository: string;
  /** 40-hex commit the checkout is at. */
  commit: string;
}

export interface ResultRow {
  division: string;
  /** The system file's `submitter`, or the submitter folder when the file leaves it empty. */
  submitter: string;
  /** Folder name of the system (= its systems/<system>.json). */
  system: string;
  info: SystemInfo;
  scenario: Scenario;
  metric: string;
  value: string;
  unit: string;
  /** The line the round reports as its result (rounds.ts isHeadlineMetric). */
  headline: boolean;
  validity: "VALID" | "INVALID";
  /** Mean power in the run's power window, W; null when the run has no power log or no sample fell inside. */
  powerW: number | null;
  /** Samples averaged (0 when a power log exists but no sample fell inside the window); null without one. */
  powerSamples: number | null;
  /** `repository@commit:path` of the file the value is printed in (the summary, or for a result line
   * the summary lacks, the detail log), its line, and the system file and the power samples. */
  resultSource: string;
  resultLine: number;
  systemSource: string;
  powerSource: string | null;
}

export interface SkippedResult {
  path: string;
  reason: string;
}

export interface ImportedRound {
  round: string;
  benchmark: Benchmark;
  source: RoundSource;
  rows: ResultRow[];
  skipped: SkippedResult[];
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function dirs(path: string): string[] {
  if (!existsSync(path) || !lstatSync(path).isDirectory()) return [];
  return readdirSync(path)
    .filter((n) => !n.startsWith(".") && lstatSync(join(path, n)).isDirectory())
    .sort(byCodeUnit);
}

const isFile = (path: string) => existsSync(path) && lstatSync(path).isFile();

export function importRound(source: RoundSource, benchmark: Benchmark): ImportedRound {
  const round = roundOfRepository(source.repository);
  if (!round)
    throw new SourceError([
      {
        file: source.root,
        line: 0,
        column: 0,
        message: "not an MLPerf Inference results repository",
        expected: "owner/inference_results_v<major>.<minor>",
        found: JSON.stringify(source.repository),
      },
    ]);
  if (!/^[0-9a-f]{40}$/.test(source.commit))
    throw new SourceError([
      {
        file: source.root,
        line: 0,
        column: 0,
        message: "commit is not a full hash",
        expected: "40 lower-case hex digits",
        found: JSON.stringify(source.commit),
      },
    ]);
  const ref = (path: string) => `${source.repository}@${source.commit}:${path}`;
  const local = (path: string) => join(source.root, path);
  const read = (path: string) => {
    if (!isFile(local(path)))
      throw new SourceError([
        {
          file: local(path),
          line: 0,
          column: 0,
          message: "file is missing",
          expected: "a file here (the checkout may be incomplete: large files are sometimes left out)",
          found: "no such file",
        },
      ]);
    return decodeUtf8(readFileSync(local(path)), local(path));
  };
  const problems: SourceProblem[] = [];
  const attempt = <T>(f: () => T): T | null => {
    try {
      return f();
    } catch (e) {
      if (e instanceof SourceError) problems.push(...e.problems);
      else throw e;
      return null;
    }
  };

  const rows: ResultRow[] = [];
  const skipped: SkippedResult[] = [];
  const folders = BENCHMARKS[benchmark].folders as readonly string[];
  for (const division of dirs(source.root)) {
    for (const submitter of dirs(local(division))) {
      const results = `${division}/${submitter}/results`;
      for (const system of dirs(local(results))) {
        for (const folder of dirs(local(`${results}/${system}`)).filter((f) => folders.includes(f))) {
          const benchDir = `${results}/${system}/${folder}`;
          const systemPath = `${division}/${submitter}/systems/${system}.json`;
          for (const scenarioDir of dirs(local(benchDir))) {
            // The performance folder in any letter case, as scenario folders (v0.5: Intel's "Performance").
            const performance =
              dirs(local(`${benchDir}/${scenarioDir}`)).find((d) => d.toLowerCase() === "performance") ??
              "performance";
            const run = `${benchDir}/${scenarioDir}/${performance}/run_1`;
            const summaryPath = `${run}/mlperf_log_summary.txt`;
            if (!isFile(local(summaryPath))) {
              skipped.push({
                path: `${benchDir}/${scenarioDir}`,
                reason: isFile(local(`${benchDir}/${scenarioDir}/${performance}/mlperf_log_summary.txt`))
                  ? `its summary is ${performance}/mlperf_log_summary.txt, outside the run_1/ folder the submission rules lay out, so it is not imported`
                  : "no performance/run_1/mlperf_log_summary.txt",
              });
              continue;
            }
            if (!isFile(local(systemPath))) {
              skipped.push({ path: summaryPath, reason: `no ${systemPath} in the repository` });
              continue;
            }
            const imported = attempt(() => {
              const info = parseSystem(local(systemPath), read(systemPath));
              const summary = parseSummary(local(summaryPath), read(summaryPath));
              const dirScenario = canonicalScenario(scenarioDir);
              if (!dirScenario)
                throw new SourceError([
                  {
                    file: local(`${benchDir}/${scenarioDir}`),
                    line: 0,
                    column: 0,
                    message: "unknown scenario folder",
                    expected: "SingleStream, MultiStream, Server or Offline (any letter case)",
                    found: JSON.stringify(scenarioDir),
                  },
                ]);
              // An edge system that handles one query at a time may infer its Offline and MultiStream
              // results from a SingleStream run (the checker's get_inferred_result): that folder then
              // holds the SingleStream log, whose printed lines are not the inferred result.
              if (dirScenario !== summary.scenario)
                return { inferredFrom: summary.scenario, dirScenario } as const;
              const power = readPower(run, round, { read, isFile: (p) => isFile(local(p)), local });
              // A summary from an older LoadGen may not print the line the round reports; the checker
              // reads that result from the detail log, and so does the importer.
              const extra: (SummaryMetric & { file: string })[] = [];
              const key = headlineDetailKey(round, summary.scenario);
              const detailPath = `${run}/mlperf_log_detail.txt`;
              if (
                key &&
                isFile(local(detailPath)) &&
                !summary.metrics.some((m) => isHeadlineMetric(round, summary.scenario, m.name))
              ) {
                const found = findDetailValue(local(detailPath), read(detailPath), key);
                if (found) extra.push({ name: key, value: found.value, line: found.line, file: detailPath });
              }
              return { info, summary, power, extra };
            });
            if (!imported) continue;
            if ("inferredFrom" in imported) {
              skipped.push({
                path: `${benchDir}/${scenarioDir}`,
                reason: `holds a ${imported.inferredFrom} run: the ${imported.dirScenario} result is inferred from it by the submission checker, not printed, so it is not imported`,
              });
              continue;
            }
            const { info, summary, power, extra } = imported;
            const metrics = [...summary.metrics.map((m) => ({ ...m, file: summaryPath })), ...extra];
            for (const m of metrics) {
              const unit = unitOfMetric(m.name);
              if (!unit) {
                problems.push({
                  file: local(m.file),
                  line: m.line,
                  column: 1,
                  message: "result line of unknown unit",
                  expected: "samples per second, samples per query, or a latency in ns",
                  found: JSON.stringify(m.name),
                });
                continue;
              }
              rows.push({
                division,
                submitter: info.submitter || submitter,
                system,
                info,
                scenario: summary.scenario,
                metric: m.name,
                value: m.value,
                unit,
                headline: isHeadlineMetric(round, summary.scenario, m.name),
                validity: summary.validity,
                powerW: power?.watts ?? null,
                powerSamples: power?.samples ?? null,
                resultSource: ref(m.file),
                resultLine: m.line,
                systemSource: ref(systemPath),
                powerSource: power ? ref(`${run}/spl.txt`) : null,
              });
            }
            if (!metrics.some((m) => isHeadlineMetric(round, summary.scenario, m.name)))
              problems.push({
                file: local(summaryPath),
                line: 0,
                column: 0,
                message: `no ${round} result line for ${summary.scenario}`,
                expected: "the line the round reports as its result (see rounds.ts isHeadlineMetric)",
                found: metrics.map((m) => JSON.stringify(m.name)).join(", "),
              });
          }
        }
      }
    }
  }
  if (problems.length) throw new SourceError(problems);
  return { round, benchmark, source, rows, skipped };
}

interface Files {
  read: (path: string) => string;
  isFile: (path: string) => boolean;
  local: (path: string) => string;
}

/** The run's average power, or null when it has no power log (spl.txt). */
function readPower(
  run: string,
  round: string,
  files: Files,
): { watts: number | null; samples: number } | null {
  const spl = `${run}/spl.txt`;
  if (!files.isFile(spl)) return null;
  const window = parsePowerWindow(
    files.local(`${run}/mlperf_log_detail.txt`),
    files.read(`${run}/mlperf_log_detail.txt`),
  );
  const samples = parseSpl(files.local(spl), files.read(spl));
  let offsets = { serverSeconds: 0, clientSeconds: 0 };
  if (powerTimestampsAreLocal(round)) {
    const power = run.replace(/\/run_1$/, "/power");
    offsets = {
      serverSeconds: parseTimezone(files.local(`${power}/server.json`), files.read(`${power}/server.json`)),
      clientSeconds: parseTimezone(files.local(`${power}/client.json`), files.read(`${power}/client.json`)),
    };
  }
  return averagePower(samples, window, offsets);
}
