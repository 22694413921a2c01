/** Finding prose and the claims ledger: numbers come from the data, unknown references fail with a location. */
import { describe, expect, it } from "vitest";
import { renderMarkdownDoc } from "../../../src/pipeline/report/markdown.ts";
import { formatNumber, makeTokenResolver, TokenError } from "../../../src/pipeline/report/tokens.ts";
import { simulatorTokens } from "../../../src/pipeline/report/sim-tokens.ts";
import { mlperfTokens } from "../../../src/pipeline/report/mlperf-tokens.ts";
import { analyseMlperf } from "../../../src/pipeline/mlperf/analysis.ts";
import { evaluateClaims } from "../../../src/pipeline/report/claims.ts";
import { runPipeline } from "../../../src/pipeline/run.ts";
import { SourceError } from "../../../src/pipeline/errors.ts";
import { MINIMAL } from "../../helpers/fixtures.ts";
import type { Study } from "../../../src/pipeline/schema.ts";
import { realAtlas } from "../../helpers/real-atlas.ts";

const atlas = runPipeline(MINIMAL);
const resolve = makeTokenResolver({ rows: atlas.rows, audit: atlas.audit });
const known = { figures: new Set(["fig-a"]), tables: new Set(["audit"]) };
const doc = (body: string) => `---\ntitle: T\n---\n${body}\n`;

describe("data tokens in prose", () => {
  it("blames the finding for a token that names missing data, and lets a resolver's bug through", () => {
    const r = makeTokenResolver({
      rows: atlas.rows,
      audit: atlas.audit,
      extra: {
        missing: () => {
          throw new TokenError("no such series");
        },
        buggy: () => {
          throw new TypeError("x is undefined");
        },
      },
    });
    expect(r("missing", [])).toEqual({ ok: false, error: "no such series" });
    expect(() => r("buggy", [])).toThrow(TypeError);
    // What a finding can ask wrongly of the simulator's and MLPerf's tokens is a TokenError too.
    const sim = simulatorTokens(realAtlas());
    expect(() => sim.sim!(["weightBytes", "resnet50", "0x0", "int8"])).toThrow(TokenError);
    const mlperf = mlperfTokens({
      mlperf: [],
      accelerators: [],
      mlperfAnalysis: analyseMlperf([], [], () => false),
    });
    expect(() => mlperf.mlperfretina!(["median"])).toThrow(TokenError);
  });
  it("quotes a claim's verdict with what it rests on, from the ledger", () => {
    const r = makeTokenResolver({
      rows: atlas.rows,
      audit: atlas.audit,
      ledger: [
        {
          study: "s",
          claim: "c",
          verdict: "mixed",
          reason:
            "1 of 7 comparable series agree (all from NVIDIA Corporation); 2 of the 14 rows it rests on …",
        },
      ],
    });
    // The verdict and what it rests on, without the detail the ledger's card gives.
    expect(r("claim", ["s", "c"])).toEqual({ ok: true, text: "mixed: 1 of 7 comparable series agree" });
    expect(r("claim", ["s", "other"])).toEqual({ ok: false, error: 'no claim "other" in study "s"' });
  });
  it("resolves ratios, percentages and values from the rows", () => {
    const d = renderMarkdownDoc(
      "f.md",
      doc(
        "Batch 16 is {{ratio:study-a-fp32:16:1}} batch 1; batch 2 is {{pct:study-a-fp32:2:16}} of batch 16; latency {{value:study-a-fp32:latency_ms:8}} ms; 90 % at batch {{firstbatch:study-a-fp32:0.9}}.",
      ),
      resolve,
      known,
    );
    expect(d.tokens.map((t) => t.text)).toEqual(["4×", "45.5 %", "10", "8"]);
    expect((d.blocks[0] as { html: string }).html).toContain(
      "Batch 16 is 4× batch 1; batch 2 is 45.5 % of batch 16; latency 10 ms; 90 % at batch 8.",
    );
  });

  it("prints numbers below 1 to significant digits, so two small costs that differ stay apart", () => {
    expect(formatNumber(0.00174)).toBe("0.00174");
    expect(formatNumber(0.0021)).toBe("0.0021");
    expect(formatNumber(0.00113)).toBe("0.00113");
    expect(formatNumber(0.8028, 4)).toBe("0.8028");
    expect(formatNumber(0.5)).toBe("0.5");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(4.56789)).toBe("4.57");
    expect(formatNumber(1234.5)).toBe("1,235");
    // Asked for 4 digits, 100.66 MB must not print as "101" (the margin over a ">100 MB" claim).
    expect(formatNumber(100.66, 4)).toBe("100.7");
    expect(formatNumber(176.44, 4)).toBe("176.4");
    expect(formatNumber(33.554, 4)).toBe("33.55");
    expect(formatNumber(12345.6, 4)).toBe("12,346");
  });

  it("fails with file:line:column for a series or batch that does not exist", () => {
    try {
      renderMarkdownDoc(
        "data/findings/x.md",
        doc("ok line\nthe ratio {{ratio:no-such-series:16:1}} here"),
        resolve,
        known,
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SourceError);
      expect((e as Error).message).toContain(
        "data/findings/x.md:5:11: data token {{ratio:no-such-series:16:1}} cannot be resolved",
      );
      expect((e as Error).message).toContain('found:    no series "no-such-series"');
    }
  });

  it("splits figure and table references into blocks and rejects unknown ones", () => {
    const d = renderMarkdownDoc(
      "f.md",
      doc("Intro.\n\n{{figure:fig-a}}\n\n{{table:audit}}\n\nOutro."),
      resolve,
      known,
    );
    expect(d.blocks.map((b) => b.kind)).toEqual(["html", "figure", "table", "html"]);
    expect(() => renderMarkdownDoc("f.md", doc("{{figure:fig-missing}}"), resolve, known)).toThrow(
      /unknown figure "fig-missing"/,
    );
  });

  it("sanitizes HTML in prose: scripts and javascript: links never survive", () => {
    const d = renderMarkdownDoc(
      "f.md",
      doc(
        '<script>window.__x=1</script>\n\n[click](javascript:alert(1)) <img src=x onerror="alert(1)"> **bold**',
      ),
      resolve,
      known,
    );
    const html = d.blocks.map((b) => (b.kind === "html" ? b.html : "")).join("");
    expect(html).not.toMatch(/<script|javascript:|onerror/i);
    expect(html).toContain("<strong>bold</strong>");
  });
});

describe("claims ledger", () => {
  const study = (claims: Study["claims"]) => ({ id: "s", title: "S", authors: ["A"], claims }) as Study;
  it("supports a peak-fraction claim that the data meets and contradicts one it does not", () => {
    const ledger = evaluateClaims(
      [
        study([
          {
            id: "ok",
            text: "batch 8 reaches 90 %",
            where: "p1",
            test: { kind: "peak-fraction", series: "study-a-fp32", batch: 8, expected: 0.9 },
          },
          {
            id: "no",
            text: "batch 2 reaches 90 %",
            where: "p1",
            test: { kind: "peak-fraction", series: "study-a-fp32", batch: 2, expected: 0.9 },
          },
          {
            id: "nt",
            text: "something private",
            where: "p2",
            test: { kind: "none", reason: "no public data" },
          },
        ]),
      ],
      atlas.rows,
      () => null,
    );
    expect(ledger.map((e) => [e.claim, e.verdict])).toEqual([
      ["ok", "supported"],
      ["no", "contradicted"],
      ["nt", "not testable"],
    ]);
    expect(ledger[1]!.evidence).toBe("at batch 2, of the series maximum: study-a-fp32: 45.5 %");
  });
  it("tests a throughput ratio against every matching series and lists them all", () => {
    const [e] = evaluateClaims(
      [
        study([
          {
            id: "r",
            text: "4x",
            where: "p",
            test: {
              kind: "throughput-ratio",
              accelerator: "acc-a",
              model: "resnet50_v1.5",
              batch: 16,
              reference_batch: 1,
              expected: 4,
              tolerance: 0.05,
            },
          },
        ]),
      ],
      atlas.rows,
      () => null,
    );
    expect(e).toMatchObject({
      verdict: "supported",
      evidence: "1 of 1 series within tolerance. study-a-fp32: 4×",
    });
  });
  it("compares two series with a ratio test", () => {
    const [e] = evaluateClaims(
      [
        study([
          {
            id: "c",
            text: "comparable",
            where: "p",
            test: {
              kind: "ratio",
              series: "study-a-fp32",
              batch: 2,
              reference_series: "study-a-fp32",
              reference_batch: 16,
              field: "throughput_img_s",
              expected: 1,
              tolerance: 0.2,
            },
          },
        ]),
      ],
      atlas.rows,
      () => null,
    );
    expect(e).toMatchObject({ verdict: "contradicted", evidence: "363.6 ÷ 800 = 0.455" });
  });
  it("uses the simulator for memory claims and reports the bytes", () => {
    const [e] = evaluateClaims(
      [
        study([
          {
            id: "m",
            text: "22.7MB",
            where: "p",
            test: {
              kind: "simulated",
              quantity: "weightBytes",
              model: "resnet50_v1.5",
              input: { width: 224, height: 224 },
              precision: "int8",
              expected: 22.7e6,
              tolerance: 0.02,
            },
          },
        ]),
      ],
      atlas.rows,
      () => 25.53e6,
    );
    expect(e).toMatchObject({ verdict: "contradicted", evidence: "simulator: 25.53 MB (25,530,000 B)" });
  });
});

describe("the real report", () => {
  const real = realAtlas();
  it("resolves every finding and quotes the published V100 batch-4 shares, smallest and largest of four tables (577.50 / 1055.64 and 534.4 / 906.5 img/s)", () => {
    const f = real.findings.find((x) => x.id === "batch-scaling-by-architecture")!;
    expect(f.headlineHtml).toContain(
      `${((577.5 / 1055.64) * 100).toFixed(1)} % to ${((534.4 / 906.5) * 100).toFixed(1)} %`,
    );
    expect(real.findings.length).toBeGreaterThanOrEqual(8);
  });
  it("reproduces the Flex Logix memory claims in the ledger", () => {
    const flex = real.ledger.filter((e) => e.study.startsWith("flex-logix") && e.data.includes("simulator"));
    expect(flex.length).toBeGreaterThanOrEqual(10);
    // Every one holds; those that hold only with the atlas's reading of "2 MP", with a count narrower
    // than the plain one, or with the post's layer-by-layer SRAM reasoning instead of the liveness peak
    // say so (claims.test.ts).
    expect(
      flex
        .filter((e) => e.verdict !== "supported")
        .map((e) => [e.claim, e.verdict])
        .sort(),
    ).toEqual(
      [
        "rn50-10mb-written-10mb-read",
        "rn50-12mb-sram-batch10",
        "rn50-2mp-500mb-batch10",
        "rn50-2mp-50mb-batch1",
        "rn50-buffer-1-5-to-2mb",
        "rn50-next-largest-0-4mb-224",
        "rn50-sram-1-2mb-batch1",
        "rn50-weights-22-7mb",
        "rn50-weights-22-7mb-int8",
        "yolov3-over-100mb-2mp",
      ].map((c) => [c, "holds under a definition"]),
    );
  });
});
