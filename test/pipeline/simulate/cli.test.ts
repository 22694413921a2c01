import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseSimulateArgs, simulateCli } from "../../../src/pipeline/simulate/cli.ts";
import { REPO } from "./helpers.ts";
import { realAtlas } from "../../helpers/real-atlas.ts";

const DATA = `${REPO}data`;

/** Runs the real script as `npm run -s simulate -- …` does (`tsx scripts/simulate.ts`), without npm's start-up. */
const simulate = (...args: string[]) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/simulate.ts", ...args], {
    cwd: REPO,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("scripts/simulate.ts", () => {
  it("prints one JSON object with the memory quantities", () => {
    const r = simulate(
      "--model",
      "resnet50",
      "--width",
      "224",
      "--height",
      "224",
      "--precision",
      "int8",
      "--batch",
      "10",
      "--json",
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      model: "resnet50_v1.5",
      batch: 10,
      params: 25_557_032,
      macs: 4_089_184_256,
      weightBytes: 25_530_472,
      flexLogixWeightBytes: 22_734_016,
      largestActivationBytes: 8_028_160,
      layerIoPeakBytes: 12_042_240,
      peakActivationBytes: 18_063_360,
    });
  });

  it("keeps its contract: latency, throughput, the batch at 90 % of peak and the stack, for any stack", () => {
    const run = (...extra: string[]) =>
      JSON.parse(
        simulate(
          "--model",
          "resnet50",
          "--width",
          "224",
          "--height",
          "224",
          "--precision",
          "fp16",
          "--batch",
          "16",
          "--accelerator",
          "h100-sxm",
          "--json",
          ...extra,
        ).stdout,
      );
    const byDefault = run();
    const graph = run("--stack", "pytorch-graph");
    for (const j of [byDefault, graph]) {
      expect(j.latencyMs).toBeGreaterThan(0);
      expect(j.throughputImgS).toBeCloseTo((16 * 1000) / j.latencyMs, 6);
      expect([1, 2, 4, 8, 16, 32, 64, 128, 256]).toContain(j.batchAt90PctPeak);
    }
    // Without --stack the accelerator's own (data/simulator/accelerators.yaml) applies.
    expect(byDefault.stack).toBe("pytorch-eager");
    expect(graph.stack).toBe("pytorch-graph");
    expect(graph.latencyMs).toBeLessThanOrEqual(byDefault.latencyMs);
    expect(graph.engine).toBe("kernels");
  });

  it("lists the stacks and shows each kernel's time and bound", () => {
    const stacks = JSON.parse(simulate("--stacks", "--json").stdout) as { id: string }[];
    expect(stacks.map((s) => s.id)).toEqual(
      expect.arrayContaining(["pytorch-eager", "pytorch-graph", "tf1", "tf1-xla", "tensorrt", "popart"]),
    );
    const r = simulateCli([
      "--model",
      "resnet50",
      "--width",
      "224",
      "--height",
      "224",
      "--precision",
      "fp16",
      "--accelerator",
      "t4",
      "--stack",
      "tf1",
      "--layers",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kernel\s+time ms\s+compute ms\s+memory ms\s+bound/);
    expect(r.stdout).toMatch(/\nlayer1\.0\.conv2\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(compute|memory|host)\n/);
    expect(
      simulateCli([
        "--model",
        "resnet50",
        "--width",
        "224",
        "--height",
        "224",
        "--precision",
        "fp16",
        "--accelerator",
        "t4",
        "--stack",
        "nope",
      ]).stderr,
    ).toMatch(/^simulate: unknown stack "nope"/);
    expect(
      simulateCli([
        "--model",
        "resnet50",
        "--width",
        "224",
        "--height",
        "224",
        "--precision",
        "fp16",
        "--stack",
        "tf1",
      ]).stderr,
    ).toMatch(/^simulate: --stack needs --accelerator/);
    // A GPU stack cannot run an IPU.
    expect(
      simulateCli([
        "--model",
        "resnet50",
        "--width",
        "224",
        "--height",
        "224",
        "--precision",
        "fp16",
        "--accelerator",
        "graphcore-gc2",
        "--stack",
        "pytorch-eager",
      ]).code,
    ).toBe(2);
  });

  it("adds latency and throughput with --accelerator", () => {
    const r = simulate(
      "--model",
      "yolov3",
      "--width",
      "1920",
      "--height",
      "1080",
      "--precision",
      "fp16",
      "--accelerator",
      "t4",
      "--data-dir",
      DATA,
      "--json",
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.input).toEqual({
      width: 1920,
      height: 1080,
      usedWidth: 1920,
      usedHeight: 1088,
      letterboxed: true,
    });
    expect(j.accelerator).toBe("t4");
    expect(j.latencyMs).toBeGreaterThan(0);
    expect(j.throughputImgS).toBeCloseTo(1000 / j.latencyMs, 6);
    expect(r.stderr).toContain("letterboxed from 1920×1080 to 1920×1088");
  });

  it("exits 2 with a usage message on bad arguments", () => {
    for (const args of [
      ["--model", "vgg16", "--width", "224", "--height", "224", "--precision", "int8"],
      ["--model", "resnet50", "--width", "0", "--height", "224", "--precision", "int8"],
      ["--frobnicate"],
    ]) {
      const r = simulate(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^simulate: .+\n\nusage: npm run -s simulate/);
    }
  });
});

describe("argument handling (in process)", () => {
  it("parses values, aliases and defaults", () => {
    expect(
      parseSimulateArgs(["--model=resnet50", "--width", "640", "--height", "480", "--precision", "fp16"]),
    ).toMatchObject({
      model: "resnet50_v1.5",
      width: 640,
      height: 480,
      batch: 1,
      policy: "fused",
      accelerator: null,
      json: false,
    });
  });

  it("names the problem", () => {
    const err = (args: string[]) => simulateCli(args).stderr.split("\n")[0];
    expect(err(["--model", "resnet50", "--width", "224", "--height", "224"])).toBe(
      "simulate: missing --precision",
    );
    expect(err(["--model", "resnet50", "--width", "224", "--height", "224", "--precision", "int4"])).toBe(
      'simulate: --precision must be one of fp32, tf32, fp16, bf16, int8, got "int4"',
    );
    expect(err(["--model", "resnet50", "--width", "2.5", "--height", "224", "--precision", "int8"])).toBe(
      'simulate: --width must be a whole number from 1 to 16384, got "2.5"',
    );
    expect(
      err(["--model", "resnet50", "--width", "224", "--height", "224", "--precision", "int8", "--batch"]),
    ).toBe("simulate: --batch needs a value");
    expect(
      err([
        "--model",
        "resnet50",
        "--width",
        "224",
        "--height",
        "224",
        "--precision",
        "fp32",
        "--accelerator",
        "inferx-x1",
        "--data-dir",
        DATA,
      ]),
    ).toBe(
      "simulate: inferx-x1 has no fp32 peak (no spec for it or for a fallback precision); try another --precision",
    );
    expect(
      simulateCli([
        "--model",
        "resnet50",
        "--width",
        "224",
        "--height",
        "224",
        "--precision",
        "int8",
        "--accelerator",
        "nope",
        "--data-dir",
        DATA,
      ]).code,
    ).toBe(2);
  });

  it("prints a readable table and the per-layer table", () => {
    const r = simulateCli([
      "--model",
      "resnet50",
      "--width",
      "224",
      "--height",
      "224",
      "--precision",
      "int8",
      "--layers",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/layer I\/O peak \(Flex Logix storage\)\s+1\.20 MB\n/);
    expect(r.stdout).toMatch(/peak working set \(fused\)\s+1\.81 MB\n/);
    expect(r.stdout).toMatch(/layer2\.0\.conv1\s+conv2d\s+128×56×56/);
  });

  it("prints the graph as JSON", () => {
    const r = simulateCli([
      "--model",
      "yolov3",
      "--width",
      "416",
      "--height",
      "416",
      "--precision",
      "int8",
      "--graph-json",
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: "atlas-layer-graph", name: "yolov3" });
  });

  it("--validate reports what the build's validation finding reports: the same fit, series and MLPerf results", () => {
    const r = simulateCli(["--validate", "--json"]);
    expect(r.code).toBe(0);
    const cli = JSON.parse(r.stdout);
    // The build's report, as JSON would carry it.
    const built = JSON.parse(JSON.stringify(realAtlas().validation));
    expect(cli.summary).toEqual(built.summary);
    expect(cli.series).toEqual(built.series);
    expect(cli.mlperf.summary).toEqual(built.mlperf.summary);
    expect(cli.mlperf.summary.length).toBeGreaterThan(0);
    expect(cli).toEqual(built);
    const text = simulateCli(["--validate"]).stdout;
    const offline = built.mlperf.summary.find(
      (m: { scenario: string; engine: string }) => m.scenario === "Offline" && m.engine === "kernels",
    );
    expect(text).toContain(
      `MLPerf ResNet-50 Offline (INT8, GPU kernel model): MAPE ${offline.mape_pct.toFixed(1)}%`,
    );
  });
});
