/** Spelling → accelerator id through the reviewed alias table: exact names, memory where it decides. */
import { describe, expect, it } from "vitest";
import { matchAccelerator, type AliasTable } from "../../../src/pipeline/mlperf/aliases.ts";

const TABLE: AliasTable = {
  no_accelerator: ["N/A", "None"],
  accelerators: [
    { id: "a100-sxm4-40gb", names: ["NVIDIA A100-SXM4"], memory: ["40 GB"] },
    { id: "a100-sxm4-80gb", names: ["NVIDIA A100-SXM4", "NVIDIA A100-SXM4-80GB"], memory: ["80 GB"] },
    { id: "t4", names: ["NVIDIA T4", "Tesla T4"] },
    // Never reached for "Tesla T4": the first entry in table order wins.
    { id: "t4-duplicate", names: ["Tesla T4"] },
  ],
  cpus: [{ id: "xeon-8380", names: ["Intel(R) Xeon(R) Platinum 8380"] }],
  unmapped: [{ names: ["NVIDIA A100-SXM4"], reason: "a MIG slice" }],
};

const system = (acceleratorModel: string, acceleratorMemory = "", acceleratorsPerNode = "1") => ({
  acceleratorModel,
  acceleratorMemory,
  acceleratorsPerNode,
  hostProcessor: "Intel(R) Xeon(R) Platinum 8380",
});

describe("matchAccelerator", () => {
  it("tells one name apart by its memory where the table says so", () => {
    expect(matchAccelerator(TABLE, system("NVIDIA A100-SXM4", "40 GB"))).toMatchObject({
      id: "a100-sxm4-40gb",
    });
    expect(matchAccelerator(TABLE, system("NVIDIA A100-SXM4", "80 GB"))).toMatchObject({
      id: "a100-sxm4-80gb",
    });
    // An entry that names a memory asks for it whatever the spelling.
    expect(matchAccelerator(TABLE, system("NVIDIA A100-SXM4-80GB", "80 GB"))).toMatchObject({
      id: "a100-sxm4-80gb",
    });
    expect(matchAccelerator(TABLE, system("NVIDIA A100-SXM4-80GB", "40 GB"))).toMatchObject({
      kind: "unmapped",
    });
  });

  it("takes the first entry in table order, and falls back to unmapped with its reason", () => {
    expect(matchAccelerator(TABLE, system("Tesla T4"))).toMatchObject({ kind: "accelerator", id: "t4" });
    expect(matchAccelerator(TABLE, system("NVIDIA A100-SXM4", "10 GB"))).toEqual({
      kind: "unmapped",
      name: "NVIDIA A100-SXM4",
      reason: "a MIG slice",
    });
    expect(matchAccelerator(TABLE, system("nvidia t4"))).toMatchObject({ kind: "unmapped" });
  });

  it("maps a system without accelerators to its host processor", () => {
    expect(matchAccelerator(TABLE, system("N/A", "", "0"))).toEqual({
      kind: "cpu",
      id: "xeon-8380",
      name: "Intel(R) Xeon(R) Platinum 8380",
    });
  });
});
