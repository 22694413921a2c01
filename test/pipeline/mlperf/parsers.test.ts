/** The file parsers behind the MLPerf importer: power, JSON error location, summaries. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SourceError } from "../../../src/pipeline/errors.ts";
import { locateJsonError } from "../../../src/pipeline/mlperf/json-locate.ts";
import { averagePower, parsePowerWindow, parseTimestamp } from "../../../src/pipeline/mlperf/power.ts";
import { parseSummary } from "../../../src/pipeline/mlperf/summary.ts";
import { isHeadlineMetric, unitOfMetric } from "../../../src/pipeline/mlperf/rounds.ts";

const t = (s: string) => parseTimestamp(s)!;

describe("power, as the submission checker computes it", () => {
  it("reads %m-%d-%Y %H:%M:%S.%f timestamps, the fraction as up to six digits", () => {
    expect(t("02-23-2023 20:53:04.5") - t("02-23-2023 20:53:04.000001")).toBe(499_999);
    expect(t("01-01-2021 00:00:01.191") - t("01-01-2021 00:00:00.0")).toBe(1_191_000);
    expect(parseTimestamp("2023-02-23 20:53:04.191")).toBeNull();
    expect(parseTimestamp("13-01-2023 00:00:00.0")).toBeNull();
  });

  it("averages positive samples strictly inside the window, after the time-zone offsets", () => {
    const window = { begin: t("03-18-2021 21:29:31.830"), end: t("03-18-2021 21:29:35.0") };
    const samples = [
      { time: t("03-18-2021 21:29:31.830"), watts: 1000 }, // on the boundary: out
      { time: t("03-18-2021 21:29:32.0"), watts: 400 },
      { time: t("03-18-2021 21:29:33.0"), watts: -5 }, // not positive: out
      { time: t("03-18-2021 21:29:34.0"), watts: 500 },
    ];
    expect(averagePower(samples, window)).toEqual({ watts: 450, samples: 2 });
    // The server clock one hour behind the client's: every sample shifts past the window's end.
    expect(averagePower(samples, window, { serverSeconds: 3600, clientSeconds: 0 })).toEqual({
      watts: null,
      samples: 0,
    });
    // Equal offsets on both sides (the usual v1.0 case) change nothing.
    expect(averagePower(samples, window, { serverSeconds: 21600, clientSeconds: 21600 })).toEqual({
      watts: 450,
      samples: 2,
    });
  });

  it("finds the window in MLLOG lines and refuses a log without one", () => {
    const log = [
      ':::MLLOG {"key": "power_begin", "value": "02-23-2023 20:53:13.139", "time_ms": 1}',
      ':::MLLOG {"key": "power_end", "value": "02-23-2023 21:04:30.984", "time_ms": 1}',
    ].join("\n");
    expect(parsePowerWindow("d.txt", log)).toEqual({
      begin: t("02-23-2023 20:53:13.139"),
      end: t("02-23-2023 21:04:30.984"),
    });
    expect(() => parsePowerWindow("d.txt", log.split("\n")[0]!)).toThrow(/no power window/);
    expect(() => parsePowerWindow("d.txt", log.replace("21:04:30.984", "soon"))).toThrow(SourceError);
  });
});

describe("locateJsonError", () => {
  it("points at the first character that is not JSON", () => {
    expect(locateJsonError('{"a": 1\n "b": 2}')).toEqual({
      offset: 9,
      expected: '"," or "}" after a property value',
    });
    expect(locateJsonError('{"a": }')?.offset).toBe(6);
    expect(locateJsonError('{"a": 1,}')?.expected).toBe("a double-quoted property name");
    expect(locateJsonError('{"a": "x')?.expected).toBe('a closing "');
    expect(locateJsonError("[1, 2] x")?.expected).toBe("nothing after the JSON value");
    expect(locateJsonError('{"a": [true, null, -1.5e3, "\\u00e9"]}')).toBeNull();
  });

  it("agrees with JSON.parse on valid documents and on damaged ones", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom("", ",", "}", '"', "x", " "), (v, at, junk) => {
        const text = JSON.stringify(v, null, 1);
        expect(locateJsonError(text)).toBeNull();
        const i = at % (text.length + 1);
        const damaged = text.slice(0, i) + junk + text.slice(i);
        let parses = true;
        try {
          JSON.parse(damaged);
        } catch {
          parses = false;
        }
        expect(locateJsonError(damaged) === null).toBe(parses);
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseSummary", () => {
  const summary = (body: string) =>
    `================================================\nMLPerf Results Summary\n================================================\nSUT name : S\n${body}\n================================================\nAdditional Stats\n================================================\nMean latency (ns) : 12\n`;

  it("reads a v0.5 summary (spaced scenario name, 'Performance' mode) and ignores Additional Stats", () => {
    const s = parseSummary(
      "s.txt",
      summary(
        "Scenario : Multi Stream\nMode     : Performance\nSamples per query : 2692\nResult is : VALID\n  Min queries satisfied : Yes",
      ),
    );
    expect(s).toEqual({
      scenario: "MultiStream",
      validity: "VALID",
      metrics: [{ name: "Samples per query", value: "2692", line: 7 }],
    });
  });

  it("refuses an accuracy run, an unknown scenario and a summary without a verdict, with line and column", () => {
    const err = (text: string) => {
      try {
        parseSummary("s.txt", text);
      } catch (e) {
        return (e as SourceError).problems[0];
      }
      return undefined;
    };
    expect(err(summary("Scenario : Offline\nMode     : AccuracyOnly\nResult is : VALID"))).toMatchObject({
      line: 6,
      column: 12,
      message: "not a performance run",
    });
    expect(err(summary("Scenario : Batch\nMode     : PerformanceOnly"))).toMatchObject({
      line: 5,
      column: 12,
    });
    expect(
      err(summary("Scenario : Offline\nMode     : PerformanceOnly\nSamples per second: 12")),
    ).toMatchObject({
      message: "summary has no verdict",
    });
    expect(err("hello")).toMatchObject({ line: 1, column: 1, message: "not a LoadGen summary" });
  });
});

describe("the reported result of each round (the checker's RESULT_FIELD_NEW)", () => {
  it("moves SingleStream to the early-stopping estimate in v2.0 and Server to completed samples in v4.1", () => {
    expect(isHeadlineMetric("v1.1", "SingleStream", "90th percentile latency (ns)")).toBe(true);
    expect(isHeadlineMetric("v2.0", "SingleStream", "90th percentile latency (ns)")).toBe(false);
    expect(isHeadlineMetric("v2.0", "SingleStream", "Early stopping 90th percentile estimate")).toBe(true);
    expect(isHeadlineMetric("v5.1", "SingleStream", "Early stopping 90.0th percentile estimate")).toBe(true);
    expect(isHeadlineMetric("v1.1", "MultiStream", "Samples per query")).toBe(true);
    expect(isHeadlineMetric("v3.0", "MultiStream", "Early stopping 99th percentile estimate")).toBe(true);
    expect(isHeadlineMetric("v3.0", "Server", "Scheduled samples per second")).toBe(true);
    expect(isHeadlineMetric("v4.1", "Server", "Scheduled samples per second")).toBe(false);
    expect(isHeadlineMetric("v4.1", "Server", "Completed samples per second")).toBe(true);
    expect(isHeadlineMetric("v4.1", "Server", "result_completed_samples_per_sec")).toBe(true);
  });

  it("reads units from the metric names", () => {
    expect(unitOfMetric("90th percentile latency (ns)")).toBe("ns");
    expect(unitOfMetric("Early stopping 99.0th percentile estimate")).toBe("ns");
    expect(unitOfMetric("early_stopping_latency_ms")).toBe("ns");
    expect(unitOfMetric("Completed samples per second")).toBe("samples/s");
    expect(unitOfMetric("Samples per query")).toBe("samples/query");
    expect(unitOfMetric("Tokens per second")).toBeNull();
  });
});
