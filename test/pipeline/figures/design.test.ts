/** The chart design system's pieces: palette, labels, ticks, panels, label dodging and the legend layout. */
import { describe, expect, it } from "vitest";
import {
  acceleratorColors,
  BACKGROUNDS,
  color,
  distinctColors,
  HUES,
  paletteCss,
  precisionColor,
} from "../../../src/pipeline/figures/palette.ts";
import {
  batchAxis,
  batchBand,
  dodge,
  logTicks,
  NARROW,
  splitPanels,
  spansDecade,
  WIDE,
} from "../../../src/pipeline/figures/common.ts";
import { layoutLegend, lightSvg } from "../../../src/pipeline/figures/render.ts";
import {
  count,
  executionHead,
  frameworkHead,
  frameworkShort,
  precisionName,
  PRECISION_NAMES as LABELS_PRECISION_NAMES,
  uniqueSeriesLabels,
  type SeriesMeta,
} from "../../../src/pipeline/labels.ts";
import { PRECISION_NAMES } from "../../../src/site/format.ts";

/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe("palette", () => {
  it("keeps every shade at 3:1 or more against the page, in light and in dark mode", () => {
    for (const h of HUES) {
      for (const c of h.light)
        expect(contrast(c, BACKGROUNDS.light), `${h.name} ${c}`).toBeGreaterThanOrEqual(3);
      for (const c of h.dark)
        expect(contrast(c, BACKGROUNDS.dark), `${h.name} ${c}`).toBeGreaterThanOrEqual(3);
    }
  });
  it("gives a precision the same colour everywhere, as a CSS variable with its light value as fallback", () => {
    expect(precisionColor("mixed-fp16")).toBe("var(--atlas-vermillion-0, #D55E00)");
    expect(precisionColor("fp32")).not.toBe(precisionColor("tf32"));
    expect(lightSvg(`<path stroke="${precisionColor("fp32")}"/>`)).toBe('<path stroke="#0072B2"/>');
  });
  it("colours accelerators by family, one shade per member, independent of the order given", () => {
    const ids = ["v100-sxm2-32gb", "t4", "v100-sxm2-16gb", "a100-sxm4-40gb"];
    const a = acceleratorColors(ids);
    const b = acceleratorColors([...ids].reverse());
    expect([...a].sort()).toEqual([...b].sort());
    const hue = (c: string) => /--atlas-([a-z]+)-/.exec(c)![1];
    expect(hue(a.get("v100-sxm2-16gb")!)).toBe(hue(a.get("v100-sxm2-32gb")!));
    expect(a.get("v100-sxm2-16gb")).not.toBe(a.get("v100-sxm2-32gb"));
    expect(new Set(a.values()).size).toBe(ids.length);
  });
  it("gives entries that want one colour the next free shade of it", () => {
    const out = distinctColors(["x", "y", "z"], () => color(0, 0));
    expect(out.map((o) => o.color)).toEqual([color(0, 0), color(0, 1), color(0, 2)]);
    expect(out.map((o) => o.n)).toEqual([0, 1, 2]);
  });
  it("defines the dark values of every variable for the site, and keeps print light", () => {
    const css = paletteCss();
    for (const h of HUES) for (const c of h.dark) expect(css).toContain(c);
    expect(css).toMatch(/@media print\{:root\{--atlas-blue-0:#0072B2/);
  });
});

describe("labels", () => {
  it("are one set for figures and pages (mixed FP16 reads the same everywhere)", () => {
    // Pages and figures name precisions from one table, so mixed FP16 cannot read two ways again.
    expect(PRECISION_NAMES).toBe(LABELS_PRECISION_NAMES);
    expect(precisionName("mixed-fp16")).toBe("mixed FP16");
    expect(frameworkShort("TensorFlow 1 (NGC 20.06-tf1-py3)")).toBe("TF1");
    expect(frameworkShort("TensorRT 7.2, CUDA 11.0")).toBe("TensorRT");
    expect(count(1, "point")).toBe("1 point");
    expect(count(2, "study", "studies")).toBe("2 studies");
  });
  it("make every series label of a figure unique, naming twins after the series they simulate", () => {
    const s = (
      series: string,
      framework: string,
      study = "st",
      kind: SeriesMeta["kind"] = "measured",
      input_width = 224,
    ): SeriesMeta => ({
      series,
      study,
      precision: "fp16",
      framework,
      execution: "graph",
      devices: 1,
      input_width,
      input_height: input_width,
      kind,
    });
    const metas = [
      s("a", "TensorFlow 1 (x)"),
      s("b", "PyTorch (y)"),
      s("c", "PyTorch (y)", "other"),
      s("sim-a", "sim", "atlas-simulator", "simulated"),
    ];
    const labels = uniqueSeriesLabels(metas, (m) => (m.series === "sim-a" ? metas[0] : undefined));
    expect(labels.get("a")).toBe("FP16, graph, TF1");
    expect(labels.get("b")).toBe("FP16, graph, PyTorch (st)");
    expect(labels.get("c")).toBe("FP16, graph, PyTorch (other)");
    expect(labels.get("sim-a")).toBe("simulated, FP16, graph, TF1");
    expect(new Set(labels.values()).size).toBe(4);
    // Series of one study that differ only in their input are told apart by it.
    const sizes = [
      s("d", "PyTorch (y)", "st", "measured", 608),
      s("e", "PyTorch (y)", "st", "measured", 1024),
    ];
    const bySize = uniqueSeriesLabels(sizes);
    expect([bySize.get("d"), bySize.get("e")]).toEqual(["FP16, graph, 608×608", "FP16, graph, 1024×1024"]);
    // The same setup measured in two studies: named by input (it varies) and study, not by framework
    // (it does not) or by series id.
    const twice = uniqueSeriesLabels([...sizes, s("f", "PyTorch (y)", "rerun", "measured", 608)]);
    expect([twice.get("d"), twice.get("f"), twice.get("e")]).toEqual([
      "FP16, graph, 608×608 (st)",
      "FP16, graph, 608×608 (rerun)",
      "FP16, graph, 1024×1024",
    ]);
  });
  it("cut a framework at its first comma outside parentheses, and an execution mode before them", () => {
    const torch = "PyTorch 2.11.0+cu130 (CUDA 13.0, cuDNN 9.19.0)";
    expect(frameworkHead(torch)).toBe(torch);
    expect(frameworkHead("PopART (Poplar SDK 1.0.136), PyTorch model exported to ONNX")).toBe(
      "PopART (Poplar SDK 1.0.136)",
    );
    expect(frameworkHead("TensorRT 7.2, CUDA 11.0")).toBe("TensorRT 7.2");
    expect(executionHead("PyTorch CUDA graphs (torch.cuda.graph capture, replay per batch)")).toBe(
      "PyTorch CUDA graphs",
    );
  });
});

describe("axes", () => {
  it("go logarithmic only when positive values span more than 10×", () => {
    expect(spansDecade([100, 900])).toBe(false);
    expect(spansDecade([0.5, 600])).toBe(true);
  });
  it("label every decade of a log axis and the smallest values, fewer on a narrow frame", () => {
    expect(logTicks(0.04, 2.5)).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2]);
    expect(logTicks(0.5, 20000, 6)).toEqual([1, 10, 100, 1000, 10000]);
  });
  it("keep batch sizes in numeric order, with fewer labels when narrow", () => {
    expect(batchBand([10, 12, 2, 4, 6, 8])).toEqual(["2", "4", "6", "8", "10", "12"]);
    const batches = [1, 2, 4, 8, 16, 32, 64, 128, 256];
    expect(batchAxis(batches, WIDE).ticks).toEqual(batches);
    expect(batchAxis(batches, NARROW).ticks).toEqual([1, 4, 16, 64, 256]);
  });
});

describe("panels", () => {
  it("split by the first key, and a group still too large by the next", () => {
    const items = ["a1x", "a1y", "a2x", "a2y", "b1x"].map((k) => ({ k }));
    const panels = splitPanels(items, [(i) => i.k[0]!, (i) => i.k[1]!], (g) => g.length, 2);
    expect(panels.map((p) => [p.title, p.items.length])).toEqual([
      ["a · 1", 2],
      ["a · 2", 2],
      ["b", 1],
    ]);
  });
});

describe("labels at line ends", () => {
  it("move apart just enough, keeping their order", () => {
    const out = dodge([100, 104, 200], 14);
    expect(out[1]! - out[0]!).toBeCloseTo(14);
    expect(out[0]).toBeCloseTo(95);
    expect(out[2]).toBe(200);
  });
});

describe("the legend below a chart", () => {
  it("wraps items to the frame's width without overlapping", () => {
    const entries = Array.from({ length: 7 }, (_, i) => ({
      label: `series number ${i} with a longish label`,
      color: "red",
      line: "solid" as const,
    }));
    for (const width of [360, 720]) {
      const { items, height } = layoutLegend(entries, width);
      expect(height).toBeGreaterThan(18);
      for (const [i, a] of items.entries()) {
        expect(a.x).toBeGreaterThanOrEqual(0);
        for (const b of items.slice(i + 1)) if (a.y === b.y) expect(b.x).toBeGreaterThan(a.x + 26);
      }
    }
  });
  it("wraps a label longer than the frame by words", () => {
    const { items } = layoutLegend([{ label: "a very long label ".repeat(8).trim(), color: "red" }], 360);
    expect(items[0]!.lines.length).toBeGreaterThan(1);
  });
});
