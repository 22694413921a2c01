/** The MLPerf comparisons behind the findings and figures, on hand-made results. */
import { describe, expect, it } from "vitest";
import {
  analyseMlperf,
  batchingGains,
  efficiencyPoints,
  retinanetPairs,
  unidentifiedGains,
  usable,
} from "../../../src/pipeline/mlperf/analysis.ts";
import type { MlperfResult } from "../../../src/pipeline/mlperf/normalize.ts";
import { mlperfTokens } from "../../../src/pipeline/report/mlperf-tokens.ts";
import type { Accelerator, CanonicalRow } from "../../../src/pipeline/schema.ts";

/** The findings' tokens over `mlperf`, with its comparisons made as the pipeline makes them. */
const tokensOf = ({ mlperf, accelerators }: { mlperf: MlperfResult[]; accelerators: Accelerator[] }) =>
  mlperfTokens({ mlperf, accelerators, mlperfAnalysis: analyseMlperf(mlperf, [], () => false) });

function result(o: Partial<MlperfResult> & Pick<MlperfResult, "system" | "scenario">): MlperfResult {
  return {
    study: "mlperf-inference-v3-0-resnet50",
    round: "v3.0",
    benchmark: "resnet50",
    division: "closed",
    submitter: "Acme",
    systemName: o.system,
    category: "edge",
    availability: "available",
    acceleratorModel: "X",
    hostProcessor: "CPU",
    framework: "F",
    accelerator: "acc-a",
    deviceKind: "accelerator",
    unmappedReason: null,
    perNode: 1,
    nodes: 1,
    metric: "m",
    value: 1,
    valueText: "1",
    unit: "samples/s",
    validity: "VALID",
    throughput: null,
    latencyMs: null,
    powerW: null,
    imgPerJoule: null,
    line: 2,
    source: `src:${o.system}:${o.scenario}`,
    series: "s",
    ...o,
  };
}

const results: MlperfResult[] = [
  result({ system: "one", scenario: "Offline", throughput: 5000 }),
  result({ system: "one", scenario: "SingleStream", throughput: 1000, unit: "ns" }),
  result({ system: "eight", scenario: "Offline", throughput: 40000, perNode: 8, category: "datacenter" }),
  result({ system: "eight", scenario: "Server", throughput: 32000, perNode: 8, category: "datacenter" }),
  // Multi-accelerator SingleStream gives no batch-1 point; multi-node, invalid and open results give none at all.
  result({ system: "eight", scenario: "SingleStream", throughput: 900, perNode: 8 }),
  result({ system: "multi", scenario: "Offline", throughput: 90000, nodes: 2 }),
  result({ system: "multi", scenario: "SingleStream", throughput: 900, nodes: 2 }),
  result({ system: "bad", scenario: "Offline", throughput: 9000, validity: "INVALID" }),
  result({ system: "bad", scenario: "SingleStream", throughput: 100, validity: "INVALID" }),
  result({ system: "open", scenario: "Offline", throughput: 9000, division: "open" }),
  result({ system: "open", scenario: "SingleStream", throughput: 100, division: "open" }),
];

describe("batchingGains", () => {
  const rows = [1, 8, 256].map(
    (b, i) =>
      ({
        kind: "measured",
        model: "resnet50_v1.5",
        series: "table-a",
        accelerator: "acc-b",
        batch_size: b,
        throughput_img_s: [100, 600, 1500][i],
        note: "",
        source_file: "t.csv",
        source_line: String(i + 2),
      }) as unknown as CanonicalRow,
  );
  const gains = batchingGains(results, rows);

  it("Offline ÷ batch 1 on one-accelerator systems, Offline ÷ Server on any single node, tables batch max ÷ 1", () => {
    expect(gains.map((g) => [g.comparison, g.label, g.gain])).toEqual([
      ["offline-vs-singlestream", "v3.0 Acme one", 5],
      ["offline-vs-server", "v3.0 Acme eight", 1.25],
      ["published-table", "table-a (batch 256 ÷ batch 1)", 15],
    ]);
    expect(gains[0]!.source).toBe("src:one:Offline; src:one:SingleStream");
  });
  it("leaves a table's rows an audit warning puts in doubt out of its gain", () => {
    const doubted = (r: CanonicalRow) => r.batch_size === 256;
    const table = batchingGains([], rows, doubted);
    expect(table.map((g) => [g.label, g.gain])).toEqual([["table-a (batch 8 ÷ batch 1)", 6]]);
  });
});

describe("unidentifiedGains", () => {
  const mig = [
    result({ system: "mig", scenario: "Offline", throughput: 3600, accelerator: null }),
    result({ system: "mig", scenario: "SingleStream", throughput: 1000, accelerator: null }),
    // Unknown count of accelerators: not a batch-1 comparison of one chip.
    result({ system: "rack", scenario: "Offline", throughput: 9000, accelerator: null, perNode: null }),
    result({ system: "rack", scenario: "SingleStream", throughput: 100, accelerator: null, perNode: null }),
  ];
  it("gives the one-accelerator systems batchingGains leaves out for want of an identified accelerator", () => {
    expect(batchingGains(mig).map((g) => g.label)).toEqual([]);
    expect(unidentifiedGains([...results, ...mig]).map((g) => [g.label, g.gain, g.accelerator])).toEqual([
      ["v3.0 Acme mig", 3.6, ""],
    ]);
  });
  it("is quoted by the batching finding's tokens, named by its system", () => {
    const t = tokensOf({ mlperf: [...results, ...mig], accelerators: [] });
    expect(t.mlperfgain!(["unidentified", "n"])).toBe("1");
    expect(t.mlperfgain!(["unidentified", "maxwho"])).toBe("v3.0 Acme mig");
    expect(t.mlperfgain!(["unidentified", "max"])).toBe("3.6×");
  });
});

describe("efficiencyPoints and the Pareto front", () => {
  const power = [
    result({ system: "fast", scenario: "Offline", throughput: 10000, powerW: 100, imgPerJoule: 100 }),
    result({ system: "frugal", scenario: "Offline", throughput: 1000, powerW: 4, imgPerJoule: 250 }),
    result({ system: "dominated", scenario: "Offline", throughput: 900, powerW: 10, imgPerJoule: 90 }),
    result({ system: "server", scenario: "Server", throughput: 9000, powerW: 10, imgPerJoule: 900 }),
  ];
  it("keeps Offline power runs and marks the runs nothing beats on both axes", () => {
    expect(efficiencyPoints(power).map((p) => [p.result.system, p.pareto])).toEqual([
      ["fast", true],
      ["frugal", true],
      ["dominated", false],
    ]);
  });
});

describe("retinanetPairs", () => {
  it("pairs the same system's Offline results in the same round", () => {
    const both = [
      result({ system: "one", scenario: "Offline", throughput: 5000 }),
      result({ system: "one", scenario: "Offline", throughput: 80, benchmark: "retinanet" }),
      result({ system: "two", scenario: "Offline", throughput: 70, benchmark: "retinanet" }),
      result({ system: "one", scenario: "Offline", throughput: 60, benchmark: "retinanet", round: "v4.1" }),
    ];
    expect(retinanetPairs(both).map((p) => [p.label, p.ratio])).toEqual([["v3.0 Acme one", 62.5]]);
  });
});

describe("mlperfTokens", () => {
  const t = tokensOf({
    mlperf: results,
    accelerators: [{ id: "acc-a", name: "Accelerator A", vendor: "V", kind: "gpu", specs: {} }],
  });
  it("quotes the same numbers the comparisons compute, and refuses unknown names", () => {
    expect(t.mlperfgain!(["singlestream", "median"])).toBe("5×");
    expect(t.mlperfgain!(["server", "maxwho"])).toBe("Accelerator A (v3.0 Acme eight)");
    expect(t.mlperf!(["rounds"])).toBe("1");
    expect(() => t.mlperfgain!(["batch", "median"])).toThrow(/unknown comparison/);
    expect(() => t.mlperfeff!(["best"])).toThrow(/no data/);
  });
  /** An Offline power run; a null accelerator is one the atlas does not identify. */
  const power = (round: string, system: string, accelerator: string | null, imgPerJoule: number) =>
    result({
      round,
      system,
      scenario: "Offline",
      accelerator,
      acceleratorModel: accelerator ?? "Card of unknown SKU",
      deviceKind: accelerator ? "accelerator" : "unmapped",
      throughput: 1000,
      powerW: 1000 / imgPerJoule,
      imgPerJoule,
    });
  it("counts the rounds whose most efficient power run is on an accelerator of a kind", () => {
    const tokens = tokensOf({
      mlperf: [
        power("v1.0", "g", "gpu-a", 20),
        power("v1.0", "d", "dla-a", 30),
        power("v2.0", "g2", "gpu-a", 50),
        power("v2.0", "d2", "dla-a", 40),
      ],
      accelerators: [
        { id: "gpu-a", name: "GPU A", vendor: "V", kind: "gpu", specs: {} },
        { id: "dla-a", name: "DLA A", vendor: "V", kind: "dla", specs: {} },
      ],
    });
    expect(tokens.mlperfeff!(["kindbest", "dla"])).toBe("1 of 2");
    expect(tokens.mlperfeff!(["kindbest", "gpu"])).toBe("1 of 2");
    expect(() => tokens.mlperfeff!(["kindbest", "fpga"])).toThrow(/no accelerator of kind/);
  });
  it("states the power runs whose accelerator is not identified, and what they change round by round", () => {
    const tokens = tokensOf({
      mlperf: [
        power("v1.0", "a1", "gpu-a", 20),
        power("v1.0", "u1", null, 25),
        power("v2.0", "a2", "gpu-a", 30),
        power("v3.0", "a3", "gpu-a", 28),
        power("v3.0", "u3", null, 35),
        // A round of unidentified runs only: counted with them, absent without.
        power("v4.0", "u6", null, 30),
        // Not a power run, and a multi-node one: neither is counted.
        result({ round: "v3.0", system: "u4", scenario: "Offline", accelerator: null, throughput: 1000 }),
        { ...power("v3.0", "u5", null, 99), nodes: 2 },
      ],
      accelerators: [{ id: "gpu-a", name: "GPU A", vendor: "V", kind: "gpu", specs: {} }],
    });
    expect(tokens.mlperfeff!(["n"])).toBe("3");
    expect(tokens.mlperfeff!(["unidentified"])).toBe("3");
    expect(tokens.mlperfeff!(["unidentifiedwho"])).toBe("Card of unknown SKU");
    expect(tokens.mlperfeff!(["steps"])).toBe("1 of 2");
    expect(tokens.mlperfeff!(["allsteps"])).toBe("2 of 3");
    expect(tokens.mlperfeff!(["allround", "v4.0"])).toBe("30");
    expect(() => tokens.mlperfeff!(["round", "v4.0"])).toThrow(/no power runs in v4.0/);
    expect(tokens.mlperfeff!(["round", "v3.0"])).toBe("28");
    expect(tokens.mlperfeff!(["allround", "v3.0"])).toBe("35");
    expect(tokens.mlperfeff!(["allround", "v1.0"])).toBe("25");
    expect(() => tokens.mlperfeff!(["allround", "v9.9"])).toThrow(/no power runs in v9.9/);
    // Nothing to count or name: an error the finding's author sees, never "0 of -1" or an empty list.
    const one = tokensOf({
      mlperf: [power("v1.0", "a1", "gpu-a", 20)],
      accelerators: [{ id: "gpu-a", name: "GPU A", vendor: "V", kind: "gpu", specs: {} }],
    });
    expect(() => one.mlperfeff!(["steps"])).toThrow(/fewer than two rounds/);
    expect(() => one.mlperfeff!(["unidentifiedwho"])).toThrow(/no power runs on unidentified accelerators/);
  });
  it("usable() leaves out open, invalid and multi-node results", () => {
    expect(usable(results).map((r) => r.system)).toEqual(["one", "one", "eight", "eight", "eight"]);
  });
});
