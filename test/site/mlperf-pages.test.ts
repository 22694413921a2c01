/** The MLPerf pages of the real site: the accelerator index, accelerator pages, round studies and findings. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";

const site = inject("siteDir");
const page = (path: string) => readFileSync(join(site, path, "index.html"), "utf8");
const figures = (html: string) => [...html.matchAll(/<figure id="(fig-[a-z0-9-]+)"/g)].map((m) => m[1]);

describe("MLPerf on the site", () => {
  it("the accelerator index groups by kind and vendor and has a summary row per accelerator", () => {
    const html = page("accelerators");
    for (const kind of [
      "GPUs",
      "Dedicated inference accelerators",
      "FPGAs",
      "Processors without an accelerator (CPUs)",
    ])
      expect(html).toContain(kind);
    const rows = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>")).match(/<tr>/g) ?? [];
    expect(rows.length).toBeGreaterThanOrEqual(60);
    expect(html).toMatch(/href="[^"]*\/accelerators\/h200-sxm\/"/);
  });

  it.each(["h100-sxm", "h200-sxm", "l4", "l40s", "a10", "a30", "jetson-agx-orin"])(
    "the %s page shows its MLPerf rounds, scenarios and at least three MLPerf charts",
    (id) => {
      const html = page(`accelerators/${id}`);
      const mlperf = figures(html).filter((f) => f!.startsWith("fig-mlperf-"));
      expect(mlperf.length).toBeGreaterThanOrEqual(3);
      expect(mlperf).toContain(`fig-mlperf-rounds-${id}`);
      expect(mlperf).toContain(`fig-mlperf-scenarios-${id}`);
      expect(html).toContain('id="mlperf"');
    },
  );

  it("an accelerator with MLPerf results only says its simulated curves were checked against them, and how far off", () => {
    const l4 = page("accelerators/l4");
    // (An apostrophe is escaped in the page: the checks stop short of it.)
    expect(l4).toContain("its MLPerf results were compared with the same simulator in MLPerf");
    expect(l4).not.toContain("these curves are untested");
    // The L4 is drawn with the layer roofline of its stack, and compared in that stack at INT8.
    expect(l4).toMatch(
      /The same simulator and stack at INT8 \(MLPerf(&#39;|')s precision, not the one drawn here\) was checked against MLPerf Inference ResNet-50 results on this accelerator[^.]*Offline throughput: off by \d+(\.\d+)? %/,
    );
    // The H100 is drawn as PyTorch eager at FP16 by the kernel model, and compared as TensorRT at INT8.
    const h100 = page("accelerators/h100-sxm");
    expect(h100).toContain("for the software stack pytorch-eager");
    expect(h100).toContain(
      "The same simulator run as TensorRT at INT8, not the stack and precision drawn here,",
    );
    // Without measurements of any kind the curves stay untested.
    expect(page("accelerators/mn-core-2")).toContain("these curves are untested");
  });

  it("a round's study page lists its results, audit and skipped folders", () => {
    const html = page("studies/mlperf-inference-v3-0-resnet50");
    expect(html).toContain("mlcommons/inference_results_v3.0@1948f9b5b93c5b4dcafe15de0faa08cdf1439fca");
    expect(html).toContain("Result folders not imported");
    expect(html).toContain("mlperf-unmapped");
    expect(html).toContain("DGX-H100_H100-SXM-80GBx1_TRT");
  });

  it.each(["mlperf-batching-gain", "mlperf-efficiency", "mlperf-retinanet-megapixel"])(
    "the %s finding shows its figure and its numbers",
    (id) => {
      const html = page(`findings/${id}`);
      expect(figures(html).length).toBeGreaterThanOrEqual(1);
      expect(html).not.toContain("{{");
      expect(html).toMatch(/\d+(\.\d+)?×/);
    },
  );
});
