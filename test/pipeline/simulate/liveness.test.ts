import { describe, expect, it } from "vitest";
import { graphBuilder, type Graph } from "../../../src/pipeline/simulate/graph.ts";
import { liveness, lower, type FusionPolicy } from "../../../src/pipeline/simulate/liveness.ts";

/** Peak working set in elements and the name of the step where it occurs. */
const peak = (g: Graph, policy: FusionPolicy) => {
  const s = lower(g, policy);
  const l = liveness(s);
  return { elements: l.peak, at: s.steps[l.peakStep]!.name, perStep: l.workingSet };
};

describe("liveness on small hand-checked graphs", () => {
  it("a chain frees each tensor after its last reader", () => {
    const g = graphBuilder("chain");
    const x = g.input("x", { c: 1, h: 4, w: 4 }); // 16
    const a = g.conv("a", x, { cout: 4, k: 1 }); // 64
    const b = g.conv("b", a, { cout: 2, k: 1 }); // 32
    // x: 16; a: 16 + 64; b: 64 + 32 (x is dead).
    expect(peak(g.build([b]), "fused")).toEqual({ elements: 96, at: "b", perStep: [16, 80, 96] });
  });

  // x (16) → c1 (4) → c2 (16, linear) → add(c2, x) with ReLU (16) → out (8).
  const residual = (): Graph => {
    const g = graphBuilder("res");
    const x = g.input("x", { c: 4, h: 2, w: 2 });
    const c1 = g.conv("c1", x, { cout: 1, k: 1, act: "relu" });
    const c2 = g.conv("c2", c1, { cout: 4, k: 1 });
    const add = g.add("add", [c2, x], "relu");
    return g.build([g.conv("out", add, { cout: 2, k: 1 })]);
  };

  it("keeps the skip tensor alive; a separate add holds three block-sized tensors", () => {
    // add step: x (16) + c2 (16) + its own output (16).
    expect(peak(residual(), "separate")).toEqual({ elements: 48, at: "add", perStep: [16, 20, 36, 48, 24] });
  });

  it("fusing the add into c2 removes the add's own tensor", () => {
    const s = lower(residual(), "fused");
    expect(s.steps.map((x) => x.name)).toEqual(["x", "c1", "c2", "out"]);
    expect(s.steps[2]!.residual).toBe(0);
    // c2 step: x (16, the residual) + c1 (4) + output (16).
    expect(peak(residual(), "fused")).toEqual({ elements: 36, at: "c2", perStep: [16, 20, 36, 24] });
  });

  it("in place, c2 overwrites x (its last use, same size), so the block never holds two copies", () => {
    expect(peak(residual(), "fused-inplace")).toEqual({ elements: 24, at: "out", perStep: [16, 20, 20, 24] });
  });

  it("a virtual concat keeps a routed tensor alive until the concat's reader runs", () => {
    const g = graphBuilder("route");
    const x = g.input("x", { c: 2, h: 4, w: 4 }); // 32
    const a = g.conv("a", x, { cout: 4, k: 1 }); // 64
    const b = g.conv("b", a, { cout: 1, k: 1 }); // 16
    const cat = g.concat("cat", [b, x]); // alias of b and x
    const d = g.conv("d", cat, { cout: 1, k: 1 }); // 16
    const s = lower(g.build([d]), "fused");
    expect(s.steps.map((t) => t.name)).toEqual(["x", "a", "b", "d"]);
    expect(s.steps[3]!.reads).toEqual([b, x]);
    const l = liveness(s);
    // b: x (32, held for the concat) + a (64) + b (16); d: x + b + d.
    expect(l.workingSet).toEqual([32, 96, 112, 64]);
    expect(l.heldPeak[x]).toBe(112);
    void cat;
  });

  it("keeps every network output alive to the end", () => {
    const g = graphBuilder("heads");
    const x = g.input("x", { c: 1, h: 4, w: 4 }); // 16
    const a = g.conv("a", x, { cout: 2, k: 1 }); // 32
    const o1 = g.conv("o1", a, { cout: 1, k: 1 }); // 16, an output with no reader
    const o2 = g.conv("o2", a, { cout: 4, k: 1 }); // 64
    // o2: a (32) + o1 (16, kept) + o2 (64).
    expect(peak(g.build([o1, o2]), "fused")).toEqual({ elements: 112, at: "o2", perStep: [16, 48, 48, 112] });
  });
});
