import { describe, expect, it } from "vitest";
import { graphBuilder, ShapeError, windowOut } from "../../../src/pipeline/simulate/graph.ts";

describe("shape inference", () => {
  it("uses PyTorch's conv output rule with stride, padding and dilation", () => {
    expect(windowOut(224, 7, 2, 3)).toBe(112);
    expect(windowOut(112, 3, 2, 1)).toBe(56);
    expect(windowOut(56, 3, 1, 2, 2)).toBe(56); // dilated 3×3 with padding 2 keeps the size
    expect(windowOut(7, 3, 2, 0)).toBe(3);
  });

  it("counts grouped-conv MACs and weights as Cout·(Cin/g)·k²", () => {
    const g = graphBuilder("t");
    const x = g.input("x", { c: 128, h: 56, w: 56 });
    const c = g.conv("c", x, { cout: 128, k: 3, stride: 2, pad: 1, groups: 32 });
    const graph = g.build([c]);
    const node = graph.nodes[c]!;
    expect(node.out).toEqual({ c: 128, h: 28, w: 28 });
    expect(node.weights).toBe(128 * 4 * 9);
    expect(node.macs).toBe(28 * 28 * 128 * 4 * 9);
    expect(node.bnChannels).toBe(128);
  });

  it("infers pool, upsample, concat, add and linear shapes", () => {
    const g = graphBuilder("t");
    const x = g.input("x", { c: 8, h: 10, w: 12 });
    const p = g.maxpool("p", x, { k: 2, stride: 2 });
    const u = g.upsample("u", p, 2);
    const cat = g.concat("cat", [u, x]);
    const a = g.add("a", [x, x], "relu");
    const gp = g.globalAvgPool("gp", cat);
    const fc = g.linear("fc", gp, { out: 5 });
    const graph = g.build([fc, a]);
    expect(graph.nodes[p]!.out).toEqual({ c: 8, h: 5, w: 6 });
    expect(graph.nodes[u]!.out).toEqual({ c: 8, h: 10, w: 12 });
    expect(graph.nodes[cat]!.out).toEqual({ c: 16, h: 10, w: 12 });
    expect(graph.nodes[a]!.out).toEqual({ c: 8, h: 10, w: 12 });
    expect(graph.nodes[fc]!).toMatchObject({ out: { c: 5, h: 1, w: 1 }, macs: 80, weights: 80, biases: 5 });
  });

  it("refuses shapes that do not agree, naming the node", () => {
    const g = graphBuilder("t");
    const x = g.input("x", { c: 6, h: 9, w: 9 });
    const y = g.conv("y", x, { cout: 6, k: 3, stride: 2, pad: 1 });
    expect(() => g.add("bad-add", [x, y])).toThrow(ShapeError);
    expect(() => g.add("bad-add", [x, y])).toThrow("t/bad-add: add inputs differ: 6×9×9 vs 6×5×5");
    expect(() => g.concat("bad-cat", [x, y])).toThrow("concat inputs differ in height×width: 9×9 vs 5×5");
    expect(() => g.conv("bad-groups", x, { cout: 8, k: 1, groups: 4 })).toThrow("not divisible by groups=4");
    expect(() => g.conv("too-small", x, { cout: 8, k: 11 })).toThrow("is empty");
    expect(() => g.conv("y", x, { cout: 6, k: 1 })).toThrow("duplicate node name");
  });
});
