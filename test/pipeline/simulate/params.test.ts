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
  "h200-sxm",
  "h100-pcie",
  "graphcore-gc2",
  "inferx-x1",
];

describe("data/simulator", () => {
  const params = simParams();

  it("loads and names its calibration dataset", () => {
    expect(params.calibration.name).toBe("atlas-gpu-fit");
    expect(params.calibration.training.length).toBeGreaterThan(50);
    expect(params.calibration.roofline.map((t) => t.id)).toEqual(["cal-kacher-c2-resnext101"]);
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
        s.engine === "roofline"
          ? [s.efficiency, s.overhead_ms, s.layer_floor_ms].filter((v) => v !== undefined)
          : [],
      ),
      ...params.calibration.parameters.map((p) => p.prior),
    ];
    expect(specs.length).toBeGreaterThan(10);
    for (const s of specs) {
      expect(s!.source.length).toBeGreaterThan(0);
      if (s!.assumed) expect(s!.note).toBeTruthy();
    }
  });

  it("names only tables that exist, and every excluded table with its reason", () => {
    for (const t of [...params.calibration.training, ...params.calibration.excluded])
      expect(existsSync(`${REPO}data/studies/${t.study}/${t.table}`), `${t.study}/${t.table}`).toBe(true);
    const trained = new Set(params.calibration.training.map((t) => `${t.study}/${t.table}`));
    for (const t of params.calibration.excluded) {
      expect(trained.has(`${t.study}/${t.table}`)).toBe(false);
      expect(t.reason.length).toBeGreaterThan(20);
    }
  });

  it("refuses a roofline fit on a GPU stack and the wrong number of named batches", () => {
    const dir = mkdtempSync(join(tmpdir(), "atlas-params-"));
    try {
      cpSync(`${REPO}data/simulator`, join(dir, "simulator"), { recursive: true });
      const file = join(dir, "simulator", "calibration.yaml");
      writeFileSync(
        file,
        readFileSync(file, "utf8")
          .replace("    stack: popart\n", "    stack: tf1\n")
          .replace("batches: [2, 12]", "batches: [2, 4, 12]"),
      );
      expect(() => loadSimulatorParams(dir)).toThrow(/GPU kernel stack[\s\S]*wrong number of batches/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
    const dir = mkdtempSync(join(tmpdir(), "atlas-params-"));
    try {
      expect(() => loadSimulatorParams(dir)).toThrow(SourceError);
      expect(() => loadSimulatorParams(dir, "fx")).toThrow("fx/simulator/stacks.yaml");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
