/**
 * LoadGen's mlperf_log_summary.txt → scenario, validity and every result line of the "MLPerf Results
 * Summary" block (the lines between "Mode" and "Result is", and the early-stopping estimates). Values
 * are kept as printed; a file that does not have this shape is refused with the line and column.
 */
import { SourceError, quoteFound, type SourceProblem } from "../errors.ts";
import { canonicalScenario, type Scenario } from "./rounds.ts";

export interface SummaryMetric {
  /** Name as printed, e.g. "Samples per second", "Early stopping 90th percentile estimate". */
  name: string;
  /** Value as printed, e.g. "12657.8". */
  value: string;
  line: number;
}

interface Summary {
  scenario: Scenario;
  /** "VALID" or "INVALID", as printed after "Result is :". */
  validity: "VALID" | "INVALID";
  metrics: SummaryMetric[];
}

const NUMBER = /^\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function parseSummary(file: string, text: string): Summary {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const fail = (line: number, column: number, message: string, expected: string, found: string): never => {
    const p: SourceProblem = { file, line, column, message, expected, found };
    throw new SourceError([p]);
  };
  const start = lines.findIndex((l) => l.trim() === "MLPerf Results Summary");
  if (start < 0)
    fail(1, 1, "not a LoadGen summary", 'a line "MLPerf Results Summary"', quoteFound(lines[0] ?? ""));
  const end = lines.findIndex((l, i) => i > start && l.trim() === "Additional Stats");
  const block = lines.slice(start + 1, end < 0 ? lines.length : end);
  const at = (i: number) => start + 2 + i; // 1-based line of block[i]

  let scenario: Scenario | null = null;
  let validity: Summary["validity"] | null = null;
  let modeSeen = false;
  const metrics: SummaryMetric[] = [];
  for (const [i, raw] of block.entries()) {
    const line = at(i);
    // Early-stopping lines: " * Early stopping 90th percentile estimate: 818169".
    const star = /^(\s*\*\s*)(Early stopping [^:]*estimate)\s*:\s*(.*)$/.exec(raw);
    if (star) {
      const value = star[3]!.trim();
      if (!NUMBER.test(value))
        fail(line, raw.indexOf(star[3]!) + 1, `${star[2]}: not a number`, "a number", quoteFound(value));
      metrics.push({ name: star[2]!, value, line });
      continue;
    }
    const kv = /^([^:*]+?)\s*:\s*(.*)$/.exec(raw);
    if (!kv || /^\s/.test(raw)) continue; // indented checks ("  Min duration satisfied : Yes"), stars, blanks
    const key = kv[1]!.trim();
    const value = kv[2]!.trim();
    const valueColumn = raw.indexOf(":") + 1 + (raw.slice(raw.indexOf(":") + 1).search(/\S/) + 1);
    if (key === "SUT name") continue;
    if (key === "Scenario") {
      scenario = canonicalScenario(value);
      if (!scenario)
        fail(
          line,
          valueColumn,
          "unknown scenario",
          "SingleStream, MultiStream, Server or Offline",
          quoteFound(value),
        );
      continue;
    }
    if (key === "Mode") {
      // "Submission" is LoadGen's older name for a run that measures performance (and accuracy).
      if (!/^(Performance(Only)?|Submission)$/.test(value))
        fail(
          line,
          valueColumn,
          "not a performance run",
          "Mode : PerformanceOnly (or Performance, Submission)",
          quoteFound(value),
        );
      modeSeen = true;
      continue;
    }
    if (key === "Result is") {
      if (value !== "VALID" && value !== "INVALID")
        fail(line, valueColumn, "unknown result validity", "VALID or INVALID", quoteFound(value));
      validity = value as Summary["validity"];
      continue;
    }
    // A result line sits between "Mode" and "Result is".
    if (modeSeen && validity === null) {
      if (!NUMBER.test(value)) fail(line, valueColumn, `${key}: not a number`, "a number", quoteFound(value));
      metrics.push({ name: key, value, line });
    }
  }
  if (!scenario) return fail(start + 1, 1, "summary names no scenario", 'a line "Scenario : ..."', "none");
  if (!modeSeen)
    return fail(start + 1, 1, "summary names no mode", 'a line "Mode : PerformanceOnly"', "none");
  if (!validity)
    return fail(start + 1, 1, "summary has no verdict", 'a line "Result is : VALID" (or INVALID)', "none");
  if (metrics.length === 0)
    return fail(
      start + 1,
      1,
      "summary has no result line",
      'a line such as "Samples per second: 1234"',
      "none",
    );
  return { scenario, validity, metrics };
}
