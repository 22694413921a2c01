/** Latency against throughput, one labelled point per batch size, and efficiency per batch: the trade-off of one series. */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";
import { PALETTE, sourceRef } from "./common.ts";

export function latencyThroughputFigure(
  rows: CanonicalRow[],
  o: { id: string; series: string; title: string; caption: string; sources: string[] },
): FigureSpec {
  const data = rows
    .filter(
      (r) =>
        r.series === o.series &&
        r.kind === "measured" &&
        r.latency_ms !== null &&
        r.throughput_img_s !== null,
    )
    .map((r) => ({
      batch: r.batch_size!,
      latency_ms: r.latency_ms!,
      throughput_img_s: r.throughput_img_s!,
      img_s_per_w: r.img_s_per_w,
      source: sourceRef(r),
    }));
  if (data.length === 0) throw new MissingDataError(o.id, `no rows in ${o.series}`);
  const first = data[0]!;
  const last = data[data.length - 1]!;
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Scatter of latency per batch against throughput, one point per batch size, joined in batch order. From batch ${first.batch} (${first.latency_ms} ms, ${first.throughput_img_s} img/s) to batch ${last.batch} (${last.latency_ms} ms, ${last.throughput_img_s} img/s).`,
    sources: o.sources,
    columns: [
      { key: "batch", label: "batch size" },
      { key: "latency_ms", label: "latency per batch (ms)" },
      { key: "throughput_img_s", label: "throughput (img/s)" },
      { key: "img_s_per_w", label: "img/s/W" },
      { key: "source", label: "source rows" },
    ],
    rows: data,
    plot: {
      width: 720,
      height: 400,
      marginLeft: 60,
      marginRight: 70,
      marginBottom: 40,
      x: { label: "Throughput (images/s) →", grid: true },
      y: { label: "↑ Latency per batch (ms)", grid: true, zero: true },
      marks: [
        Plot.line(data, { x: "throughput_img_s", y: "latency_ms", stroke: PALETTE[0], strokeWidth: 1.5 }),
        Plot.dot(data, { x: "throughput_img_s", y: "latency_ms", fill: PALETTE[0], r: 4 }),
        Plot.text(data, {
          x: "throughput_img_s",
          y: "latency_ms",
          text: (d: { batch: number }) => `batch ${d.batch}`,
          dx: 8,
          dy: 12,
          textAnchor: "start",
        }),
      ],
    },
  };
}

export function efficiencyFigure(
  rows: CanonicalRow[],
  o: { id: string; series: string; title: string; caption: string; sources: string[] },
): FigureSpec {
  const data = rows
    .filter((r) => r.series === o.series && r.kind === "measured" && r.img_s_per_w !== null)
    .map((r) => ({
      batch: r.batch_size!,
      img_s_per_w: r.img_s_per_w!,
      power_w: r.power_w,
      derived_power: r.derived.includes("power_w=") ? "derived" : "reported",
      source: sourceRef(r),
    }));
  if (data.length === 0) throw new MissingDataError(o.id, `no efficiency rows in ${o.series}`);
  const best = data.reduce((a, b) => (b.img_s_per_w > a.img_s_per_w ? b : a));
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Bar chart of images per second per watt for each batch size. The highest is ${best.img_s_per_w} img/s/W at batch ${best.batch}.`,
    sources: o.sources,
    columns: [
      { key: "batch", label: "batch size" },
      { key: "img_s_per_w", label: "img/s/W" },
      { key: "power_w", label: "power (W)" },
      { key: "derived_power", label: "power is" },
      { key: "source", label: "source rows" },
    ],
    rows: data,
    plot: {
      width: 720,
      height: 320,
      marginLeft: 60,
      marginBottom: 40,
      x: { label: "Batch size (images)", type: "band" },
      y: { label: "↑ Images per second per watt", grid: true, zero: true },
      marks: [
        Plot.barY(data, { x: (d: { batch: number }) => String(d.batch), y: "img_s_per_w", fill: PALETTE[2] }),
        Plot.text(data, {
          x: (d: { batch: number }) => String(d.batch),
          y: "img_s_per_w",
          text: (d: { img_s_per_w: number }) => String(d.img_s_per_w),
          dy: -8,
        }),
        Plot.ruleY([0]),
      ],
    },
  };
}
