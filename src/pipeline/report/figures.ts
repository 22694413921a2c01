/**
 * Every figure in the report, with its stable id. Figure families are generic; the choices of which
 * series a finding compares are made here, in one place, so pages only look figures up by id.
 */
import { num } from "../figures/common.ts";
import { acceleratorShortName } from "../labels.ts";
import type { AtlasData } from "../atlas.ts";
import { SourceError } from "../errors.ts";
import { groupBy } from "../group.ts";
import { collectFigures, type FigureSpec } from "../figures/spec.ts";
import { batchScalingFigure } from "../figures/batch-scaling.ts";
import { peakFractionFigure } from "../figures/peak-fraction.ts";
import { speedupFigure } from "../figures/speedup.ts";
import { efficiencyFigure, latencyThroughputFigure } from "../figures/tradeoff.ts";
import { costFigure, costRows } from "../figures/cost.ts";
import { THROUGHPUT_IN_DOUBT, warningsAmong } from "./assumptions.ts";
import { auditSummaryFigure } from "../figures/audit-summary.ts";
import { acceleratorColors } from "../figures/palette.ts";
import { mlperfFigures } from "./mlperf-figures.ts";

/** Extra figures from later stages (the simulator's), appended after the measured ones. */
export type FigureSource = (atlas: AtlasData) => FigureSpec[];

export function reportFigures(atlas: AtlasData, extra: FigureSource[] = []): FigureSpec[] {
  const titles = Object.fromEntries(atlas.studies.map((s) => [s.study.id, s.study.title]));
  const figures: FigureSpec[] = [];
  // Accelerator pages: throughput and latency against batch for each model measured on each accelerator.
  // Grouped once: filtering every row per accelerator grew with accelerators × rows (scripts/bench.ts).
  const byAccelerator = groupBy(atlas.rows, (r) => r.accelerator);
  const broken = new Map(atlas.brokenDerivations);
  const assumedInput = new Set(
    atlas.studies.flatMap((s) => s.tables.filter((t) => !t.meta.input.stated).map((t) => t.meta.series)),
  );
  for (const acc of atlas.accelerators) {
    const rows = byAccelerator.get(acc.id) ?? [];
    const models = [
      ...new Set(rows.filter((r) => r.kind === "measured" && r.batch_size !== null).map((r) => r.model)),
    ].sort();
    for (const model of models) {
      for (const metric of ["throughput", "latency"] as const) {
        const f = batchScalingFigure(rows, {
          accelerator: acc,
          model,
          metric,
          studyTitles: titles,
          broken,
          assumedInput,
        });
        if (f) figures.push(f);
      }
    }
  }
  figures.push(...findingFigures(atlas));
  figures.push(...mlperfFigures(atlas));
  for (const source of extra) figures.push(...source(atlas));
  // Ingest refuses the data that would collide (crossCheck); should another family collide, the data
  // it came from is named, not a stack trace.
  const ids = new Set<string>();
  for (const f of figures) {
    if (ids.has(f.id)) {
      const study = atlas.studies.find((s) => f.sources.includes(s.study.id));
      throw new SourceError([
        {
          file: f.accelerator ? `data/accelerators/${f.accelerator}.yaml` : (study?.metaFile ?? "data"),
          line: 0,
          column: 0,
          message: `two figures get the id ${f.id}`,
          expected: "data whose figure ids differ",
          found: `${f.id} twice`,
          hint: "two model or accelerator ids differ only in punctuation; rename one",
        },
      ]);
    }
    ids.add(f.id);
  }
  return figures;
}

const DLE_TF1 = "nvidia-dle-tf1-resnet50";

function findingFigures(atlas: AtlasData): FigureSpec[] {
  const rows = atlas.rows;
  // A finding figure needs its series; with other data (a fixture, a fork) it is simply not made, and a
  // finding that still references it fails with "unknown figure" (collectFigures skips MissingDataError).
  const makers: (() => FigureSpec)[] = [];
  const when = (make: () => FigureSpec) => makers.push(make);
  const accName = (id: string | undefined) => {
    const acc = atlas.accelerators.find((a) => a.id === id);
    return acc ? acceleratorShortName(acc) : (id ?? "");
  };
  // Claims that state a fraction of batch-16 throughput (study.yaml `stated`), drawn as claims.
  const batch16Claims = atlas.studies.flatMap(({ study }) =>
    (study.claims ?? []).flatMap((c) =>
      c.stated?.reference_batch === 16
        ? [
            {
              study: study.id,
              label: `${accName(c.subject?.accelerator)} (claim: ${c.stated.approximate ? "about " : ""}${num(c.stated.fraction * 100, 3)} % of batch 16)`,
              batch: c.stated.batch,
              fraction: c.stated.fraction,
              source: `${study.id} (claim, no published numbers)`,
            },
          ]
        : [],
    ),
  );
  // One colour per accelerator on every page (palette.ts).
  const colors = acceleratorColors(atlas.accelerators.map((a) => a.id));

  when(() =>
    peakFractionFigure(rows, {
      id: "fig-batch-scaling-architectures",
      title: "How close to batch-16 throughput each accelerator gets at small batches (ResNet-50)",
      referenceBatch: 16,
      threshold: 0.9,
      series: [
        { id: "dle-tf1-rn50-v100-16gb-fp32", label: "V100 16 GB, FP32 (TF1)" },
        { id: "dle-tf1-rn50-v100-32gb-fp32", label: "V100 32 GB, FP32 (TF1)" },
        { id: "dle-tf1-rn50-t4-fp32", label: "T4, FP32 (TF1)" },
        { id: "dle-tf1-rn50-a100-40gb-tf32", label: "A100 40 GB, TF32 (TF1)" },
        { id: "dle-tf1-rn50-v100-16gb-amp", label: "V100 16 GB, mixed FP16 (TF1)" },
        { id: "dle-pyt-rn50-v100-16gb-fp32", label: "V100 16 GB, FP32 (PyTorch)" },
      ],
      claims: batch16Claims.map(({ study, ...marker }) => marker),
      caption:
        "Throughput at batch 1–16 divided by the same series' throughput at batch 16, the normalisation the MN-Core 2 poster uses. " +
        "GPU lines: NVIDIA DeepLearningExamples ResNet-50 v1.5 inference tables (TensorFlow 1, NGC 20.06; PyTorch, NGC 21.03). " +
        "The MN-Core 2 marker is the poster's claim, drawn as a claim: its per-batch numbers are only in the poster's figures and were not published. The poster words it two ways, “approximately 90%” (Overview) and “already exceeds 90%” (Results). " +
        "Precision and framework differ between the MN-Core 2 run (FP16 via MLSDK) and the GPU tables, so only the shape of the curves is comparable.",
      sources: [DLE_TF1, "nvidia-dle-pytorch-resnet50", ...new Set(batch16Claims.map((c) => c.study))],
      colors,
    }),
  );
  when(() =>
    speedupFigure(rows, {
      id: "fig-mixed-precision-speedup",
      title: "Throughput gained from mixed precision and XLA over FP32/TF32 (ResNet-50, TF1)",
      pairs: [
        {
          label: "V100 16 GB: mixed FP16 ÷ FP32",
          series: "dle-tf1-rn50-v100-16gb-amp",
          baseline: "dle-tf1-rn50-v100-16gb-fp32",
        },
        {
          label: "V100 16 GB: mixed FP16 + XLA ÷ FP32",
          series: "dle-tf1-rn50-v100-16gb-amp-xla",
          baseline: "dle-tf1-rn50-v100-16gb-fp32",
        },
        { label: "T4: mixed FP16 ÷ FP32", series: "dle-tf1-rn50-t4-amp", baseline: "dle-tf1-rn50-t4-fp32" },
        {
          label: "T4: mixed FP16 + XLA ÷ FP32",
          series: "dle-tf1-rn50-t4-amp-xla",
          baseline: "dle-tf1-rn50-t4-fp32",
        },
        {
          label: "A100 40 GB: mixed FP16 ÷ TF32",
          series: "dle-tf1-rn50-a100-40gb-amp",
          baseline: "dle-tf1-rn50-a100-40gb-tf32",
        },
      ],
      caption:
        "Ratio of throughputs at equal batch size within NVIDIA's DeepLearningExamples TF1 ResNet-50 v1.5 tables (same container, same script, same GPU). " +
        "The README notes that performance without XLA is low because of a BN + ReLU fusion bug, which favours the XLA lines.",
      sources: [DLE_TF1],
      colors,
    }),
  );
  when(() =>
    speedupFigure(rows, {
      id: "fig-course-graph-speedup",
      title: "Mixed precision and TensorFlow graph execution in the V100/P100 course report",
      pairs: [
        {
          label: "V100: mixed ÷ naive FP32",
          series: "sridhar-v100-mixed",
          baseline: "sridhar-v100-fp32-eager",
        },
        {
          label: "V100: mixed + TF graph ÷ mixed",
          series: "sridhar-v100-mixed-tfgraph",
          baseline: "sridhar-v100-mixed",
        },
        {
          label: "P100: mixed + TF graph ÷ mixed",
          series: "sridhar-p100-mixed-tfgraph",
          baseline: "sridhar-p100-mixed",
        },
      ],
      caption:
        "Ratios of throughputs at equal batch size in Sridhar and Arumugam's V100/P100 ResNet-50 report. " +
        "Caveats: the naive FP32 runs imply about 10,000 images per run and the other runs 1,000 (see the data-quality audit); P100 has no Tensor Cores, and the report itself says its mixed precision falls back to FP32.",
      sources: ["v100-p100-resnet50-course"],
      colors,
    }),
  );
  when(() =>
    latencyThroughputFigure(rows, {
      id: "fig-graphcore-latency-throughput",
      series: "graphcore-c2-rnx101",
      title: "Latency against throughput on a Graphcore C2 card (ResNeXt101, batch 2–12)",
      caption:
        "Each point is one card batch size from Kacher et al. (2020), Tables 1 and 2: one C2 card (two GC2 IPUs, one inference session each), PopART mixed precision. " +
        "Latency is per card batch and includes pre-processing and the copy back from the device. Input size is not stated in the paper.",
      sources: ["graphcore-c2-resnext101"],
      color: colors.get("graphcore-gc2"),
    }),
  );
  when(() =>
    efficiencyFigure(rows, {
      id: "fig-graphcore-efficiency",
      series: "graphcore-c2-rnx101",
      title: "Energy efficiency of a Graphcore C2 card by batch size (ResNeXt101)",
      caption:
        "Images per second per watt from Kacher et al. (2020), Table 3 (power from gc-monitor, averaged over a few minutes of inference). " +
        "The power column is derived here as throughput ÷ efficiency; it is not published.",
      sources: ["graphcore-c2-resnext101"],
      color: colors.get("graphcore-gc2"),
    }),
  );
  const course = atlas.studies.find((s) => s.study.id === "v100-p100-resnet50-course");
  if (course) {
    const prices = new Map(
      course.tables
        .filter((t) => t.meta.price_usd_per_hour !== undefined)
        .map((t) => [t.meta.series, t.meta.price_usd_per_hour!]),
    );
    when(() =>
      costFigure(costRows(rows, prices, course.study.id, warningsAmong(atlas.audit, THROUGHPUT_IN_DOUBT)), {
        id: "fig-cost-per-1000-images",
        title: "Cost per 1,000 ResNet-50 images: as published and as implied by price and throughput",
        caption:
          "Configurations and hourly prices (Google Cloud, as quoted) from the cost table of Sridhar and Arumugam's V100/P100 report. " +
          "“As published” is the report's $Cost/1000 Images column; “price ÷ throughput” is price per hour ÷ 3600 ÷ throughput × 1000, computed here. " +
          "The two disagree because the published column divides the total cost of one run by the throughput (see the data-quality audit).",
        sources: [course.study.id],
      }),
    );
  }
  when(() =>
    auditSummaryFigure(atlas.audit, {
      id: "fig-audit-summary",
      title: "Consistency findings raised by the ingest audit, per study",
      caption:
        "Each finding compares redundant published numbers (throughput vs batch ÷ latency, run time × throughput vs images per run, costs vs stated prices, percentile order) or records a source typo or a repeated run. " +
        "Findings are shown, never fixed; the study pages list each one with its rows.",
    }),
  );
  return collectFigures(makers);
}
