/**
 * The ledger's verdict rules, each pinned on a constructed case and on the report's own cases:
 * supported only when every comparable series agrees, mixed when k of n do, contradicted when none
 * does, same source when the claim's own study is the only evidence, holds under a definition when
 * the result depends on a definition the atlas chose.
 */
import { describe, expect, it } from "vitest";
import type { CanonicalRow, Claim, Study } from "../../../src/pipeline/schema.ts";
import { evaluateClaims } from "../../../src/pipeline/report/claims.ts";
import { realAtlas } from "../../helpers/real-atlas.ts";

const row = (study: string, series: string, batch: number, throughput: number): CanonicalRow => ({
  study,
  series,
  accelerator: "acc",
  devices: 1,
  model: "m",
  input_width: 224,
  input_height: 224,
  precision: "fp32",
  framework: "F",
  execution: "graph",
  batch_size: batch,
  latency_ms: null,
  latency_p90_ms: null,
  latency_p95_ms: null,
  latency_p99_ms: null,
  utilization_pct: null,
  memory_used_mb: null,
  throughput_img_s: throughput,
  power_w: null,
  img_s_per_w: null,
  cost_usd_per_1000_img: null,
  fraction_of_peak: null,
  kind: "measured",
  note: "",
  derived: "",
  source_file: "x.csv",
  source_line: String(batch),
});
/** A series whose throughput grows `gain`× from batch 1 to batch 32. */
const series = (study: string, id: string, gain: number) => [
  row(study, id, 1, 100),
  row(study, id, 32, 100 * gain),
];
const fourTimes: Claim = {
  id: "4x",
  text: "4x the throughput at batch 32",
  where: "p",
  test: {
    kind: "throughput-ratio",
    accelerator: "acc",
    model: "m",
    batch: 32,
    reference_batch: 1,
    expected: 4,
    tolerance: 0.1,
  },
};
const judge = (rows: CanonicalRow[], claim: Claim = fourTimes, study = "claimant") =>
  evaluateClaims([{ id: study, title: "T", authors: ["A"], claims: [claim] } as Study], rows, () => null)[0]!;

describe("verdict rules", () => {
  it("supported: every comparable series agrees", () => {
    const e = judge([...series("a", "a1", 4), ...series("b", "b1", 4.2)]);
    expect(e).toMatchObject({ verdict: "supported", agree: { k: 2, n: 2 } });
  });
  it("mixed: k of n comparable series agree", () => {
    const e = judge([...series("a", "a1", 4), ...series("b", "b1", 14.3), ...series("b", "b2", 3)]);
    expect(e).toMatchObject({
      verdict: "mixed",
      agree: { k: 1, n: 3 },
      reason: "1 of 3 comparable series agree (2 from b; 1 from a)",
    });
  });
  it("contradicted: no comparable series agrees", () => {
    expect(judge([...series("a", "a1", 2), ...series("b", "b1", 9)]).verdict).toBe("contradicted");
  });
  it("a verdict from one series says so", () => {
    expect(judge(series("a", "a1", 4))).toMatchObject({
      verdict: "supported",
      reason: "the one comparable series agrees",
      agree: { k: 1, n: 1 },
    });
    expect(judge(series("a", "a1", 9)).reason).toBe("the one comparable series disagrees");
  });
  it("a verdict resting on rows whose throughput an audit warning doubts names them, and keeps its verdict", () => {
    const rows = [...series("a", "a1", 4), ...series("b", "b1", 4.2)];
    const doubted = rows.find((r) => r.series === "b1" && r.batch_size === 32)!;
    const e = evaluateClaims(
      [{ id: "claimant", title: "T", authors: ["A"], claims: [fourTimes] } as Study],
      rows,
      () => null,
      (r) => r === doubted,
    )[0]!;
    expect(e).toMatchObject({
      verdict: "supported",
      reason:
        "2 of 2 comparable series agree (1 from a; 1 from b); 1 of the 4 rows it rests on (b1 at batch 32) is one whose throughput an audit warning puts in doubt",
    });
    // Without a doubted row, nothing is added.
    expect(judge(rows).reason).toBe("2 of 2 comparable series agree (1 from a; 1 from b)");
  });
  it("a peak-fraction claim over several candidate tables counts each, and names one that lacks the batch", () => {
    const rowsOf = (id: string, b4: number) =>
      [row("a", id, 1, 10), row("a", id, 4, b4), row("a", id, 32, 100)].map((r) => ({
        ...r,
        fraction_of_peak: (r.throughput_img_s ?? 0) / 100,
      }));
    const claim: Claim = {
      id: "pf",
      text: "batch 4 stays below 90 % of peak",
      where: "p",
      test: {
        kind: "peak-fraction",
        series: ["t1", "t2", "t3"],
        batch: 4,
        expected: 0.9,
        comparison: "at-most",
      },
    };
    const e = judge([...rowsOf("t1", 50), ...rowsOf("t2", 95), ...series("a", "t3", 4)], claim);
    expect(e).toMatchObject({ verdict: "mixed", agree: { k: 1, n: 2 }, data: ["t1", "t2"] });
    expect(e.evidence).toBe(
      "at batch 4, of the series maximum: t1: 50.0 %; t2: 95.0 %; series t3 has no batch 4",
    );
    // Within the source's batch range only: t2's best up to batch 4 is its batch 4 itself.
    const ranged = judge([...rowsOf("t1", 50), ...rowsOf("t2", 95), ...series("a", "t3", 4)], {
      ...claim,
      test: { ...claim.test, up_to_batch: 4 } as Claim["test"],
    });
    expect(ranged.evidence).toBe(
      "at batch 4, of the series maximum up to batch 4: t1: 100.0 %; t2: 100.0 %; series t3 has no batch 4",
    );
    expect(ranged.verdict).toBe("contradicted");
  });
  it("a peak-fraction claim may select every measured series of its accelerators and models, so new ones take part", () => {
    const at = (id: string, acc: string, model: string, b4: number) =>
      [row("a", id, 1, 10), row("a", id, 4, b4), row("a", id, 16, 100)].map((r) => ({
        ...r,
        accelerator: acc,
        model,
      }));
    const claim: Claim = {
      id: "sel",
      text: "batch 4 stays below 90 % of peak",
      where: "p",
      test: {
        kind: "peak-fraction",
        accelerator: ["acc", "acc2"],
        model: ["m", "m1"],
        batch: 4,
        up_to_batch: 16,
        expected: 0.9,
        comparison: "at-most",
      },
    };
    const e = judge(
      [
        ...at("s1", "acc", "m", 50),
        ...at("s2", "acc2", "m1", 95),
        ...at("s3", "other", "m", 10),
        ...series("a", "s4", 4),
      ],
      claim,
    );
    // s3 is another accelerator's; s4 has no batch 4 and, being selected rather than named, goes unmentioned.
    expect(e).toMatchObject({ verdict: "mixed", agree: { k: 1, n: 2 }, data: ["s1", "s2"] });
    expect(e.test).toContain("in every measured series of m or m1 on acc or acc2");
    expect(e.evidence).toBe("at batch 4, of the series maximum up to batch 16: s1: 50.0 %; s2: 95.0 %");
  });
  it("same source: tables the claim's study cites (references_studies) are its own evidence, and do not count", () => {
    const cites = (rows: CanonicalRow[]) =>
      evaluateClaims(
        [
          {
            id: "claimant",
            title: "T",
            authors: ["A"],
            references_studies: ["cited"],
            claims: [fourTimes],
          } as Study,
        ],
        rows,
        () => null,
      )[0]!;
    expect(cites(series("cited", "c1", 4))).toMatchObject({
      verdict: "same source",
      reason: "agrees with the table the study cites (1 of 1 series)",
    });
    // With another source beside it, only that one counts.
    expect(cites([...series("cited", "c1", 4), ...series("b", "b1", 9)])).toMatchObject({
      verdict: "contradicted",
      agree: { k: 0, n: 1 },
      reason:
        "the one comparable series disagrees; the one series of the study it cites (cited) is not counted",
    });
  });
  it("same source: the only evidence is the claim's own study, whatever it shows", () => {
    const agrees = judge(series("claimant", "own", 4));
    expect(agrees).toMatchObject({
      verdict: "same source",
      reason: "agrees with the study's own table (1 of 1 series)",
    });
    expect(judge(series("claimant", "own", 9)).reason).toBe(
      "disagrees with the study's own table (1 series)",
    );
    // One independent series makes it an independent test again, and only that series counts.
    expect(judge([...series("claimant", "own", 9), ...series("b", "b1", 4)])).toMatchObject({
      verdict: "supported",
      agree: { k: 1, n: 1 },
      reason: "the one comparable series agrees; the one series of its own study is not counted",
    });
  });
  it("holds under a definition: the atlas's reading and the source's give different results, and both are named", () => {
    const claim: Claim = {
      id: "def",
      text: "over 100 MB at 2 MP",
      where: "p",
      test: {
        kind: "simulated",
        quantity: "peakActivationBytes",
        model: "yolov3",
        input: { width: 2048, height: 1024 },
        precision: "int8",
        expected: 100e6,
        tolerance: 0.02,
        comparison: "greater-than",
      },
      definition: {
        chosen: "2 MP as 2048×1024",
        source: "2 MP as 1440×1440",
        source_test: {
          kind: "simulated",
          quantity: "peakActivationBytes",
          model: "yolov3",
          input: { width: 1440, height: 1440 },
          precision: "int8",
          expected: 100e6,
          tolerance: 0.02,
          comparison: "greater-than",
        },
      },
    };
    const bytes = (w: number) => (w === 2048 ? 100.66e6 : 99.53e6);
    const [e] = evaluateClaims([{ id: "s", title: "S", authors: ["A"], claims: [claim] } as Study], [], (t) =>
      bytes(t.input.width),
    );
    expect(e).toMatchObject({
      verdict: "holds under a definition",
      reason: "holds with 2 MP as 2048×1024; fails with 2 MP as 1440×1440",
    });
    expect(e!.evidence).toContain("100,660,000 B");
    expect(e!.evidence).toContain("99.53 MB");
    // Where both readings agree, the definition does not matter and the plain verdict stands.
    const [same] = evaluateClaims(
      [{ id: "s", title: "S", authors: ["A"], claims: [claim] } as Study],
      [],
      () => 120e6,
    );
    expect(same!.verdict).toBe("supported");
  });
  it("a ratio of two series is one comparison, and a definition decides the verdict also when the only evidence is the study's own", () => {
    const test = {
      kind: "ratio",
      series: "v",
      batch: 32,
      reference_series: "p",
      reference_batch: 32,
      field: "throughput_img_s",
      expected: 2,
      tolerance: 0.1,
    } as const;
    const ratio: Claim = { id: "ratio", text: "twice as fast when used optimally", where: "p", test };
    const rows = [row("claimant", "v", 32, 200), row("claimant", "p", 32, 100), row("claimant", "p", 8, 50)];
    expect(judge(rows, ratio)).toMatchObject({
      verdict: "same source",
      reason: "agrees with the study's own tables (1 of 1 comparison)",
    });
    const atBest: Claim = {
      ...ratio,
      definition: {
        chosen: "each at its best batch",
        source: "both at batch 8",
        source_test: { ...test, reference_batch: 8 },
      },
    };
    // 200 ÷ 50 = 4: the other reading fails, so the verdict says the result needs the atlas's reading.
    expect(judge(rows, atBest)).toMatchObject({
      verdict: "holds under a definition",
      reason:
        "holds with each at its best batch; fails with both at batch 8; same source: agrees with the study's own tables (1 of 1 comparison)",
    });
  });
  it("not testable: no test, or no data the test can use", () => {
    expect(judge([], { ...fourTimes, test: { kind: "none", reason: "private" } }).verdict).toBe(
      "not testable",
    );
    expect(judge([row("b", "b1", 1, 100)]).verdict).toBe("not testable");
  });
});

describe("the report's own cases", () => {
  const atlas = realAtlas();
  const entry = (study: string, claim: string) =>
    atlas.ledger.find((e) => e.study === study && e.claim === claim)!;
  it("T4 '4× at batch 32' is mixed: 1 of 7 series agree (TF1 FP32 4.29×), the others give 3.0× to 14.3×", () => {
    const e = entry("flex-logix-batching", "t4-4x-throughput-batch32");
    expect(e).toMatchObject({ verdict: "mixed", agree: { k: 1, n: 7 } });
    expect(e.evidence).toContain("dle-pyt-rn50-t4-fp32: 4.29×");
    expect(e.evidence).toContain("14.3×");
    expect(e.evidence).toContain("3.04×");
  });
  it("YOLOv3 '>100 MB at 2 MP' holds under a definition: 2048×1024 yes, the post's own 1440×1440 no", () => {
    const e = entry("flex-logix-megapixel", "yolov3-over-100mb-2mp");
    expect(e.verdict).toBe("holds under a definition");
    expect(e.reason).toContain("1440×1440");
    expect(e.evidence).toMatch(/99\.5\d MB/);
  });
  it("Flex Logix's counts that need a narrower count than the plain one hold under a definition, with both numbers", () => {
    for (const [study, claim, narrow, plain] of [
      ["flex-logix-batching", "rn50-weights-22-7mb", "22.73 MB", "25.53 MB"],
      ["flex-logix-batching", "rn50-10mb-written-10mb-read", "9.609 MB", "16.99 MB"],
      ["flex-logix-megapixel", "rn50-buffer-1-5-to-2mb", "1.204 MB", "1.806 MB"],
    ] as const) {
      const e = entry(study, claim);
      expect(e.verdict, claim).toBe("holds under a definition");
      expect(e.evidence, claim).toContain(narrow);
      expect(e.evidence, claim).toContain(plain);
    }
  });
  it("the V100 'substantial gains' claim counts only series other than the NGC tables the poster cites, within its batch range; a simulator verdict says it is the simulator's count", () => {
    const e = entry("mn-core-2-poster", "v100-substantial-gains");
    expect(e).toMatchObject({
      verdict: "supported",
      reason:
        "6 of 6 comparable series agree (4 from NVIDIA Corporation; 2 from Prayag Sridhar, Venkatesh Arumugam); the 12 series of the studies it cites (nvidia-dle-tf1-resnet50, nvidia-dle-tf1-resnet50-2019) are not counted; 2 of the 12 rows it rests on (sridhar-v100-fp32-eager at batch 4, sridhar-v100-fp32-eager at batch 16) are ones whose throughput an audit warning puts in doubt",
      agree: { k: 6, n: 6 },
    });
    // The poster's own criterion, batch 4 against the best up to batch 16 (1003.1 img/s at batch 16).
    expect(e.evidence).toContain("dle-tf1-rn50-v100-16gb-fp32: 56.1 %");
    expect(e.evidence).toContain("sridhar-v100-fp32-eager: 26.1 %");
    expect(entry("flex-logix-batching", "rn50-largest-activation-0-8mb")).toMatchObject({
      verdict: "supported",
      reason: "the simulator's count agrees",
    });
  });
  it("the course report's Tensor Cores 'doubling or tripling' holds only at each GPU's best run (793.95 / 359.48), not at the best runs the audit does not doubt (328.96 / 177.52)", () => {
    const e = entry("v100-p100-resnet50-course", "tensor-cores-double-or-triple");
    expect(e.verdict).toBe("holds under a definition");
    expect(e.reason).toContain("same source: agrees with the study's own tables (1 of 1 comparison)");
    expect(e.evidence).toContain("793.95 ÷ 359.48 = 2.21");
    expect(e.evidence).toContain("328.96 ÷ 177.52 = 1.85");
  });
  it("the course report's '~350 img/s' rests on a batch-2048 run of 1,000 images, and says so", () => {
    expect(entry("v100-p100-resnet50-course", "single-gpu-saturates-350").reason).toBe(
      "agrees with the study's own table (1 of 1 series); the one row it rests on (sridhar-p100-mixed-tfgraph at batch 2048) is one whose throughput an audit warning puts in doubt",
    );
  });
  it("a study's prose checked against its own tables is same source, never supported", () => {
    const own = atlas.ledger.filter((e) => e.verdict === "same source");
    expect(own.length).toBeGreaterThanOrEqual(10);
    for (const e of own)
      for (const s of e.data)
        expect(atlas.rows.find((r) => r.series === s)?.study, `${e.claim}: ${s}`).toBe(e.study);
  });
});
