/**
 * What the pages rest on, checked on the report's own data: the home summary and its counts, derived
 * values whose assumption fails, the two cost columns, assumed specifications named where their values
 * show, and Markdown with working heading anchors.
 */
import { describe, expect, it } from "vitest";
import { brokenDerivations } from "../../../src/pipeline/report/assumptions.ts";
import { markdownToHtml, proseHtml } from "../../../src/pipeline/report/markdown.ts";
import { MAX_SERIES, NARROW, WIDE } from "../../../src/pipeline/figures/common.ts";
import { plotOptions } from "../../../src/pipeline/figures/spec.ts";
import { realAtlas } from "../../helpers/real-atlas.ts";

const atlas = realAtlas();
const summary = (id: string) => atlas.summary.find((s) => s.accelerator === id)!;

describe("claims drawn in figures", () => {
  it("take the MN-Core 2 marker from the poster's study.yaml, as a claim and never as a data point", () => {
    const fig = atlas.figures.find((f) => f.id === "fig-batch-scaling-architectures")!;
    const claims = fig.rows.filter((r) => r.kind === "claim");
    expect(claims).toEqual([
      expect.objectContaining({
        series: "MN-Core 2 (claim: about 90 % of batch 16)",
        batch: 4,
        fraction: 0.9,
        source: "mn-core-2-poster (claim, no published numbers)",
      }),
    ]);
    const stated = atlas.studies
      .find((s) => s.study.id === "mn-core-2-poster")!
      .study.claims!.find((c) => c.id === "near-peak-at-batch4-approx-90pct")!.stated;
    expect(stated).toEqual({ batch: 4, reference_batch: 16, fraction: 0.9, approximate: true });
    expect(fig.sources).toContain("mn-core-2-poster");
  });
});

describe("home summary", () => {
  it("counts accelerators with measurements apart from those with claims or specifications only", () => {
    const measured = atlas.summary.filter((s) => s.measuredPoints > 0).map((s) => s.accelerator);
    const expected = new Set(atlas.rows.filter((r) => r.kind === "measured").map((r) => r.accelerator));
    expect(new Set(measured)).toEqual(expected);
    expect(
      atlas.summary
        .filter((s) => s.measuredPoints === 0)
        .map((s) => s.accelerator)
        .sort(),
    ).toEqual(["inferx-x1", "mn-core-2"]);
  });
  it("takes measured values with their study, and marks the simulator's where nothing was measured", () => {
    const t4 = summary("t4");
    expect(t4.peak).toMatchObject({ kind: "measured" });
    const peakRow = atlas.rows.find(
      (r) => r.kind === "measured" && r.accelerator === "t4" && r.throughput_img_s === t4.peak!.value,
    )!;
    expect(t4.peak!.studies).toEqual([peakRow.study]);
    // Never a measured throughput divided by a power specification.
    expect(t4.efficiency).toBeNull();
    const mn = summary("mn-core-2");
    expect(mn.peak).toMatchObject({ kind: "simulated" });
    expect(mn.megapixelRatio!.value).toBeLessThan(1);
  });
  it("says beside a simulated throughput how far the simulator is off against MLPerf on that chip", () => {
    const check = atlas.validation!.mlperf.byAccelerator.find(
      (a) => a.accelerator === "a40" && a.scenario === "Offline",
    )!;
    expect(check.bias_pct).toBeLessThan(-20);
    const a40 = summary("a40");
    expect(a40.peak).toMatchObject({ kind: "simulated" });
    const words = `against ${check.points} MLPerf Offline results (INT8) on this accelerator the simulator is ${Math.abs(check.bias_pct).toFixed(1)} % too slow on balance`;
    expect(a40.peak!.detail).toContain(words);
    expect(a40.efficiency!.detail).toContain(words);
    // No MLPerf results, no such words (MN-Core 2).
    expect(summary("mn-core-2").peak!.detail).not.toContain("MLPerf");
  });
  it("finds the batch for 90 % of peak in measured series with row notes (the H200's), never in rows an audit warning puts in doubt", () => {
    const h200 = summary("h200-sxm").batch90!;
    expect(h200).toMatchObject({ kind: "measured", studies: ["h200-pytorch-2026-12-224"], value: 128 });
    const series = atlas.rows.filter(
      (r) => r.study === "h200-pytorch-2026-12-224" && r.series.endsWith("rn50-224x224-fp16-cudagraph"),
    );
    const peak = Math.max(...series.map((r) => r.throughput_img_s!));
    const first = series
      .filter((r) => r.throughput_img_s! >= 0.9 * peak)
      .sort((a, b) => a.batch_size! - b.batch_size!)[0]!;
    expect(first.batch_size).toBe(128);
    expect(first.note).not.toBe("");
    // The course report's P100 runs: batches larger than the run (audit warnings) are left out of the
    // series and of its peak: its mixed precision + TF graph run peaks at 177.52 img/s at batch 32 among
    // the rest, and batch 16 (169.67, 96 %) is the first to reach 90 % of that, not a batch of 2,048.
    const warned = new Set(
      atlas.audit
        .filter((f) => f.severity === "warning" && f.study === "v100-p100-resnet50-course")
        .flatMap((f) => f.rows),
    );
    expect(warned.size).toBeGreaterThan(0);
    const p100 = summary("p100-pcie-12gb").batch90!;
    expect(p100).toMatchObject({ kind: "measured", value: 16, studies: ["v100-p100-resnet50-course"] });
    expect(p100.detail).toContain(
      "96 % of the series' peak of 178 img/s (4 rows an audit warning puts in doubt left out)",
    );
    // The A100's TF1 series: the batch-64 row is in doubt, so its peak is batch 256's 3,676 img/s.
    const a100 = summary("a100-sxm4-40gb").batch90!;
    expect(a100.detail).toContain(
      "of the series' peak of 3,676 img/s (1 row an audit warning puts in doubt left out)",
    );
    // Its peak too: the cost table's "P100 (mixed + graph, batch 8192)" (no batch column) is the doubted
    // batch-8192 run published again (359.48 img/s, 2.78 s), so the audit's warning on that run names it.
    expect(summary("p100-pcie-12gb").peak).toMatchObject({ kind: "measured", value: 177.52 });
    const costRun = atlas.rows.find((r) => r.series === "sridhar-cost-p100-mixed-tfgraph")!;
    expect(costRun).toMatchObject({ batch_size: null, throughput_img_s: 359.48 });
    expect(warned.has(`${costRun.source_file}:${costRun.source_line}`)).toBe(true);
    expect(
      atlas.audit.filter((f) => f.check === "same-run" && f.study === "v100-p100-resnet50-course"),
    ).toHaveLength(6);
    for (const s of atlas.summary) {
      const b = s.batch90;
      if (b?.kind !== "measured") continue;
      const rows = atlas.rows.filter(
        (r) => r.study === b.studies![0] && r.accelerator === s.accelerator && r.batch_size === b.value,
      );
      expect(rows.some((r) => !warned.has(`${r.source_file}:${r.source_line}`))).toBe(true);
    }
  });
  it("takes the 2 MP vs 224 px ratio from one setup measured at both sizes (the H200's FP16 eager runs), else the simulator's", () => {
    const ratio = summary("h200-sxm").megapixelRatio!;
    expect(ratio).toMatchObject({
      kind: "measured",
      studies: ["h200-pytorch-2026-12-sizes", "h200-pytorch-2026-12-224"],
    });
    // 426.12 img/s at 2048×1024 (batch 32) ÷ 16,708.06 at 224×224 (batch 256), both FP16 PyTorch eager.
    expect(ratio.value).toBeCloseTo(426.12 / 16708.06, 10);
    expect(ratio.detail).toBe(
      "FP16, PyTorch eager, 426 img/s at 2048×1024 (batch 32) ÷ 16,708 at 224×224 (batch 256)",
    );
    expect(summary("v100-sxm2-16gb").megapixelRatio).toMatchObject({ kind: "simulated" });
  });
  it("says where a value rests on an assumed specification (MN-Core 2's 500 W board power)", () => {
    const eff = summary("mn-core-2").efficiency!;
    expect(eff.kind).toBe("simulated");
    expect(eff.detail).toContain("board power 500 W");
    expect(eff.assumed).toBe("board power 500 W is assumed");
  });
  it("uses measured power where a study measured it (Graphcore C2)", () => {
    expect(summary("graphcore-gc2").efficiency).toMatchObject({ kind: "measured", value: 9.68 });
  });
});

describe("derived values whose assumption fails", () => {
  it("are the course report's latencies at batches larger than its 1,000-image runs", () => {
    const broken = brokenDerivations(atlas.rows, atlas.audit);
    // The atlas carries them, worked out once, for the figures and the site's row tables.
    expect(new Map(atlas.brokenDerivations)).toEqual(broken);
    const rows = atlas.rows.filter(
      (r) =>
        r.kind === "measured" && broken.has(`${r.source_file.split(";")[0]}:${r.source_line.split(";")[0]}`),
    );
    expect(rows).toHaveLength(9);
    for (const r of rows) {
      expect(r.study).toBe("v100-p100-resnet50-course");
      expect(r.batch_size).toBeGreaterThanOrEqual(1024);
      expect(r.derived).toContain("latency_ms=batch_size × 1000 / throughput_img_s");
    }
  });
  it("are left out of the latency figures with a note, never plotted as measured", () => {
    const f = atlas.figures.find((x) => x.id === "fig-latency-p100-pcie-12gb-resnet50-unversioned")!;
    expect(f.caption).toContain("Left out: 7 latencies derived as batch ÷ throughput");
    expect(f.rows.filter((r) => r.kind === "measured" && (r.batch as number) >= 1024)).toEqual([]);
  });
});

describe("cost per 1,000 images", () => {
  const priced = atlas.rows.filter((r) => r.kind === "measured" && r.study === "v100-p100-resnet50-course");
  it("is the atlas's own definition in cost_usd_per_1000_img on every priced row, derived", () => {
    const withCost = priced.filter((r) => r.cost_usd_per_1000_img !== null);
    expect(withCost.length).toBeGreaterThan(30);
    for (const r of withCost) expect(r.derived).toContain("cost_usd_per_1000_img=");
    // The V100 baseline cost row: $4.96/h at 385.81 img/s is $0.00357 per 1,000 images (study.yaml notes).
    const baseline = priced.find((r) => r.series === "sridhar-cost-v100-baseline")!;
    expect(baseline.cost_usd_per_1000_img).toBeCloseTo(0.003571, 5);
  });
  it("keeps the study's printed figure, by its own definition, in its own column", () => {
    const printed = priced.filter((r) => r.published_cost_usd_per_1000_img != null);
    expect(printed.map((r) => r.series).sort()).toEqual([
      "sridhar-cost-2xp100",
      "sridhar-cost-p100-mixed",
      "sridhar-cost-p100-mixed-tfgraph",
      "sridhar-cost-v100-baseline",
      "sridhar-cost-v100-mixed",
      "sridhar-cost-v100-mixed-tfgraph",
    ]);
    expect(
      printed.find((r) => r.series === "sridhar-cost-v100-baseline")!.published_cost_usd_per_1000_img,
    ).toBe(0.0926);
  });
});

describe("figures of the report", () => {
  it("hold at most six series per panel", () => {
    for (const f of atlas.figures.filter((x) => /^fig-(throughput|latency)-/.test(x.id))) {
      const perPanel = new Map<string, Set<unknown>>();
      for (const r of f.rows) {
        const key = String(r.panel ?? "");
        perPanel.set(key, new Set([...(perPanel.get(key) ?? []), r.series]));
      }
      for (const [panel, series] of perPanel)
        expect(series.size, `${f.id} ${panel}`).toBeLessThanOrEqual(MAX_SERIES);
    }
    // The A100's eight lines (four series and their twins) are split.
    const a100 = atlas.figures.find((x) => x.id === "fig-throughput-a100-sxm4-40gb-resnet50")!;
    expect(new Set(a100.rows.map((r) => r.panel)).size).toBe(2);
  });
  it("lay out wide and narrow with the same data", () => {
    for (const f of atlas.figures)
      expect((plotOptions(f, WIDE).marks ?? []).length, f.id).toBe(
        (plotOptions(f, NARROW).marks ?? []).length,
      );
  });
  it("say on the simulated figure which assumed specifications its predictions rest on", () => {
    const x1 = atlas.figures.find((f) => f.id === "fig-simulated-inferx-x1")!;
    expect(x1.caption).toContain("rest on assumed specifications: ");
    expect(x1.caption).toContain("clock 1 GHz (assumed");
    // Power feeds only img/s/W, not the throughput this figure shows.
    expect(atlas.figures.find((f) => f.id === "fig-simulated-mn-core-2")!.caption).not.toContain("500 W");
  });
});

describe("Markdown", () => {
  it("gives headings GitHub's anchors, so a document's contents links resolve", () => {
    const html = markdownToHtml(
      "1. [Stacks](#stacks-datasimulatorstacksyaml)\n\n## Stacks (`data/simulator/stacks.yaml`)\n\n## Stacks\n",
    );
    expect(html).toContain('<h2 id="stacks-datasimulatorstacksyaml">');
    expect(html).toContain('<h2 id="stacks">');
  });
  it("puts tables in a box that scrolls on its own", () => {
    expect(markdownToHtml("| a | b |\n|---|---|\n| 1 | 2 |")).toMatch(
      /^<div class="table-wrap" tabindex="0"><table>/,
    );
  });
  it("shows code spans in data prose as code and everything else as the characters written", () => {
    expect(proseHtml("run `main.py` with *2* <b>GPUs</b>")).toBe(
      "run <code>main.py</code> with *2* &#60;b&#62;GPUs&#60;/b&#62;",
    );
  });
});

describe("the megapixel-memory finding's comparison with on-chip memory", () => {
  it("holds in its own figure: a 2 MP image with its weights outgrows the T4, P100, V100, A100 and InferX X1, not the H100, MN-Core 2 or GC2", () => {
    const f = atlas.figures.find((x) => x.id === "fig-sram-batch-resnet50")!;
    const need = f.rows.find((r) => r.batch === 1 && String(r.series).startsWith("2048×1024"))!.mb as number;
    const sram = new Map(
      f.rows.filter((r) => r.batch === null).map((r) => [String(r.series), r.mb as number]),
    );
    const below = [...sram].filter(([, mb]) => mb < need).map(([s]) => s);
    const above = [...sram].filter(([, mb]) => mb >= need).map(([s]) => s);
    for (const name of ["T4", "P100", "V100", "A100", "InferX X1"])
      expect(
        below.some((s) => s.includes(name)),
        name,
      ).toBe(true);
    for (const name of ["H100", "MN-Core 2", "GC2"])
      expect(
        above.some((s) => s.includes(name)),
        name,
      ).toBe(true);
    expect(below.length + above.length).toBe(sram.size);
  });
});
