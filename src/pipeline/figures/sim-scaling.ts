/** Simulated throughput against batch for one accelerator at small and megapixel inputs: the simulator's answer where no measurements exist. */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import type { FigureSpec } from "./spec.ts";
import { MissingDataError } from "./spec.ts";
import { batchAxis, margins, num, tableRows, tip, valueAxis, type Frame } from "./common.ts";
import { categorical, SYMBOLS } from "./palette.ts";
import { modelName, precisionName } from "../labels.ts";
import { smallestBatchAtFraction } from "../simulate/simulate.ts";
import { isSimulatedTwin } from "../simulate/sweep.ts";

interface SimCurve {
  model: string;
  width: number;
  height: number;
}

const ENGINES = {
  kernels:
    "the GPU kernel model: each layer as the kernels a software stack launches, timed by tiles and waves on the GPU's SMs, with parameters fitted on published tables",
  roofline: "per-layer roofline with on-chip memory spills",
} as const;

export function simulatedScalingFigure(
  rows: CanonicalRow[],
  o: {
    accelerator: { id: string; name: string };
    curves: SimCurve[];
    /** In order of preference: the figure shows the first the simulator could model. */
    precisions: readonly string[];
    /** Assumed specifications the simulation of this accelerator rests on, in words ("board power 500 W"). */
    assumed?: string[];
    /** Which model simulated it: the GPU kernel model, or the layer roofline. */
    engine: "kernels" | "roofline";
    /** How far the simulator was off against measurements of this accelerator it never saw, in words. */
    checked?: string;
  },
): FigureSpec {
  const sweep = rows.filter(
    (r) =>
      r.kind === "simulated" &&
      r.accelerator === o.accelerator.id &&
      r.study === "atlas-simulator" &&
      !isSimulatedTwin(r) &&
      r.batch_size !== null &&
      r.throughput_img_s !== null,
  );
  // The first precision in preference order that the simulator could model on this accelerator.
  const precision = o.precisions.find((p) => sweep.some((r) => r.precision === p));
  if (!precision) throw new MissingDataError(`fig-simulated-${o.accelerator.id}`, "no simulated rows");
  const of = (c: SimCurve) =>
    sweep.filter(
      (r) =>
        r.model === c.model &&
        r.input_width === c.width &&
        r.input_height === c.height &&
        r.precision === precision,
    );
  const curves = o.curves
    .map((c, i) => ({
      c,
      label: `${modelName(c.model)} ${c.width}×${c.height}`,
      color: categorical(i),
      symbol: SYMBOLS[i % SYMBOLS.length]!,
    }))
    .filter(({ c }) => of(c).length > 0);
  const data = curves.flatMap(({ c, label, color, symbol }) =>
    of(c).map((r) => ({
      curve: label,
      batch: r.batch_size!,
      throughput_img_s: r.throughput_img_s!,
      latency_ms: r.latency_ms,
      fraction_of_peak: r.fraction_of_peak,
      color,
      symbol,
      tip: tip(
        `simulated: ${label}`,
        `batch ${r.batch_size}: ${num(r.throughput_img_s!)} img/s`,
        r.latency_ms !== null && `${num(r.latency_ms)} ms per batch`,
      ),
    })),
  );
  const id = `fig-simulated-${o.accelerator.id}`;
  // The stack the sweep ran (its framework text: "atlas-simulator (stack: pytorch-eager)").
  const stacks = [
    ...new Set(
      sweep.filter((r) => r.precision === precision).map((r) => /\(stack: ([^)]+)\)/.exec(r.framework)?.[1]),
    ),
  ].filter((s): s is string => s !== undefined);
  const first90 = (label: string) =>
    smallestBatchAtFraction(
      data
        .filter((d) => d.curve === label)
        .map((d) => ({ batch: d.batch, throughputImgS: d.throughput_img_s })),
    );
  // A curve whose best is at the largest batch simulated has no peak within the sweep: say so, rather
  // than call the sweep's end its peak.
  const reachesText = (label: string) => {
    const points = data.filter((d) => d.curve === label);
    const last = points.reduce((a, b) => (b.batch > a.batch ? b : a));
    const best = points.reduce((a, b) => (b.throughput_img_s > a.throughput_img_s ? b : a));
    const at = first90(label) ?? "beyond the sweep";
    return best === last
      ? `${label} is still rising at batch ${last.batch}, the largest simulated (90 % of that at batch ${at})`
      : `${label} reaches 90 % of its simulated peak at batch ${at}`;
  };
  const assumed = o.assumed?.length
    ? ` These predictions rest on assumed specifications: ${o.assumed.join("; ")}.`
    : "";
  return {
    id,
    title: `Simulated throughput vs batch size on ${o.accelerator.name} (${precisionName(precision)}), small and megapixel inputs`,
    caption:
      `Predictions of the atlas simulator (${ENGINES[o.engine]}; parameters in data/simulator/), not measurements${stacks.length ? `, for the software stack ${stacks.join(", ")}` : ""}. ` +
      `The accelerator's specifications come from its data file and data/simulator/accelerators.yaml; the accelerator page lists each with its source.${assumed}${o.checked ? ` ${o.checked}` : ""} See the simulator validation finding for how far these predictions can be trusted.`,
    alt:
      `Log-scale chart of simulated throughput against batch size on ${o.accelerator.name} at ${precisionName(precision)} for ${curves.map((c) => c.label).join(", ")}. ` +
      curves.map((c) => reachesText(c.label)).join("; ") +
      ".",
    sources: [],
    accelerator: o.accelerator.id,
    columns: [
      { key: "curve", label: "model and input" },
      { key: "batch", label: "batch size" },
      { key: "throughput_img_s", label: "simulated img/s" },
      { key: "latency_ms", label: "simulated latency (ms)" },
      { key: "fraction_of_peak", label: "fraction of simulated peak" },
    ],
    rows: tableRows(data),
    legend: curves.map((c) => ({
      label: `simulated: ${c.label}`,
      color: c.color,
      line: "dashed" as const,
      symbol: c.symbol,
      hollow: true,
    })),
    plot: (frame: Frame) => ({
      ...margins(frame),
      height: frame.narrow ? 300 : 360,
      x: batchAxis(
        data.map((d) => d.batch),
        frame,
      ),
      y: valueAxis(
        data.map((d) => d.throughput_img_s),
        "↑ Simulated throughput (images/s)",
        { frame },
      ),
      marks: [
        Plot.line(data, {
          x: "batch",
          y: "throughput_img_s",
          z: "curve",
          stroke: "color",
          strokeWidth: 1.5,
          strokeDasharray: "5,3",
        }),
        Plot.dot(data, {
          x: "batch",
          y: "throughput_img_s",
          stroke: "color",
          fill: "var(--chart-bg, white)",
          symbol: "symbol",
          r: 3.5,
          title: "tip",
        }),
      ],
    }),
  };
}
