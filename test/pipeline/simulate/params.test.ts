import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceError } from "../../../src/pipeline/errors.ts";
import { loadSimulatorParams } from "../../../src/pipeline/simulate/params.ts";
import { REPO, simParams } from "./helpers.ts";

const ACCELERATOR_IDS = [
  "mn-core-2",
  "v100-sxm2-16gb",
  "v100-sxm2-32gb",
  "p100-pcie-12gb",
  "t4",
  "a100-sxm4-40gb",
  "a100-sxm4-80gb",
  "a100-pcie-80gb",
  "h100-sxm",
  "h100-pcie",
  "graphcore-gc2",
  "inferx-x1",
];

describe("data/simulator", () => {
  const params = simParams();

  it("loads and names its calibration dataset", () => {
    expect(params.calibration.name).toBe("dle-rn50-calibration");
    expect(params.calibration.tables.length).toBe(18);
    expect(params.files).toEqual([
      "data/simulator/stacks.yaml",
      "data/simulator/accelerators.yaml",
      "data/simulator/calibration.yaml",
    ]);
  });

  it("gives every accelerator a stack, and every assumed value a note", () => {
    expect(params.accelerators.map((a) => a.id).sort()).toEqual([...ACCELERATOR_IDS].sort());
    const specs = [
      ...params.accelerators.flatMap((a) => [
        ...Object.values(a.specs ?? {}),
        ...(a.dram_bandwidth_gb_s ? [a.dram_bandwidth_gb_s] : []),
      ]),
      ...params.stacks.flatMap((s) =>
        [s.efficiency, s.overhead_ms, s.layer_floor_ms].filter((v) => v !== undefined),
      ),
    ];
    expect(specs.length).toBeGreaterThan(10);
    for (const s of specs) {
      expect(s!.source.length).toBeGreaterThan(0);
      if (s!.assumed) expect(s!.note).toBeTruthy();
    }
  });

  // The calibration numbers were copied from the DLE tables that data/studies transcribes; they must agree.
  it.each(
    simParams()
      .calibration.tables.filter((t) => t.id.startsWith("cal-dle-"))
      .map((t) => [t.id, t] as const),
  )("%s matches its study CSV", (_id, t) => {
    const series = t.id.slice("cal-".length);
    const study = series.startsWith("dle-tf1-") ? "nvidia-dle-tf1-resnet50" : "nvidia-dle-pytorch-resnet50";
    const meta = `${REPO}data/studies/${study}/study.yaml`;
    if (!existsSync(meta)) return;
    const file = readFileSync(meta, "utf8")
      .split("\n")
      .map((l, i, all) =>
        l.includes(`series: ${series}`)
          ? all
              .slice(0, i)
              .reverse()
              .find((x) => x.includes("file:"))
          : undefined,
      )
      .find(Boolean);
    const csv = readFileSync(`${REPO}data/studies/${study}/${file!.split("file:")[1]!.trim()}`, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    for (const p of t.points) {
      const line = csv.find((c) => Number(c[0]) === p.batch)!;
      expect(parseFloat(line[2]!)).toBe(p.latency_ms);
      expect(parseFloat(line[1]!)).toBe(p.throughput_img_s);
    }
  });

  it("accepts only http(s) links in the calibration dataset", () => {
    const dir = mkdtempSync(join(tmpdir(), "atlas-params-"));
    try {
      cpSync(`${REPO}data/simulator`, join(dir, "simulator"), { recursive: true });
      const file = join(dir, "simulator", "calibration.yaml");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace(/^(\s*)url: .*$/m, '$1url: "javascript:alert(1)"'),
      );
      expect(() => loadSimulatorParams(dir)).toThrow(/calibration\.yaml:\d+:\d+[\s\S]*http\(s\) URL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a broken parameter folder with file names", () => {
    expect(() => loadSimulatorParams(`${REPO}test/pipeline/simulate/fixtures`)).toThrow(SourceError);
    expect(() => loadSimulatorParams(`${REPO}test/pipeline/simulate/fixtures`, "fx")).toThrow(
      "fx/simulator/stacks.yaml",
    );
  });
});
