/** Latency against throughput, one labelled point per batch size, and efficiency per batch: the trade-off of one series. */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";
import {
  batchBand,
  margins,
  num,
  sourceRef,
  tableRows,
  tickNumber,
  tip,
  valueAxis,
  type Frame,
} from "./common.ts";
import { categorical } from "./palette.ts";

interface TradeoffOptions {
  id: string;
  series: string;
  title: string;
  caption: string;
  sources: string[];
  /** The series' colour (its accelerator's, palette.ts); the first categorical colour when absent. */
  color?: string;
}

export function latencyThroughputFigure(rows: CanonicalRow[], o: TradeoffOptions): FigureSpec {
  const data = rows
    .filter(
      (r) =>
        r.series === o.series &&
        r.kind === "measured" &&
        r.batch_size !== null &&
        r.latency_ms !== null &&
        r.throughput_img_s !== null,
    )
    .sort((a, b) => a.batch_size! - b.batch_size!)
    .map((r) => ({
      batch: r.batch_size!,
      latency_ms: r.latency_ms!,
      throughput_img_s: r.throughput_img_s!,
      img_s_per_w: r.img_s_per_w,
      source: sourceRef(r),
      tip: tip(
        `batch ${r.batch_size}`,
        `${num(r.latency_ms!)} ms per batch`,
        `${num(r.throughput_img_s!)} img/s`,
      ),
    }));
  if (data.length === 0) throw new MissingDataError(o.id, `no rows in ${o.series}`);
  const first = data[0]!;
  const last = data[data.length - 1]!;
  const color = o.color ?? categorical(0);
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
    rows: tableRows(data),
    plot: (frame: Frame) => ({
      ...margins(frame, { right: frame.narrow ? 16 : 30 }),
      height: frame.narrow ? 300 : 360,
      // Room on the left of the first point for its label.
      x: {
        label: "Throughput (images/s) →",
        grid: true,
        tickFormat: tickNumber,
        domain: xDomain(data.map((d) => d.throughput_img_s)),
      },
      y: valueAxis(
        data.map((d) => d.latency_ms),
        "↑ Latency per batch (ms)",
        { frame },
      ),
      marks: [
        Plot.line(data, { x: "throughput_img_s", y: "latency_ms", stroke: color, strokeWidth: 1.5 }),
        Plot.dot(data, { x: "throughput_img_s", y: "latency_ms", fill: color, r: 4, title: "tip" }),
        Plot.text(data, {
          x: "throughput_img_s",
          y: "latency_ms",
          text: (d: { batch: number }) => `batch ${d.batch}`,
          dx: -8,
          textAnchor: "end",
          stroke: "var(--chart-bg, white)",
          strokeWidth: 4,
          fill: "currentColor",
        }),
      ],
    }),
  };
}

function xDomain(xs: number[]): [number, number] {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const span = hi - lo || hi;
  return [lo - span * 0.3, hi + span * 0.05];
}

export function efficiencyFigure(rows: CanonicalRow[], o: TradeoffOptions): FigureSpec {
  const data = rows
    .filter(
      (r) =>
        r.series === o.series && r.kind === "measured" && r.batch_size !== null && r.img_s_per_w !== null,
    )
    .sort((a, b) => a.batch_size! - b.batch_size!)
    .map((r) => ({
      batch: r.batch_size!,
      img_s_per_w: r.img_s_per_w!,
      power_w: r.power_w,
      derived_power: r.derived.includes("power_w=") ? "derived" : "reported",
      source: sourceRef(r),
      tip: tip(
        `batch ${r.batch_size}`,
        `${num(r.img_s_per_w!)} img/s/W`,
        r.power_w !== null && `power ${num(r.power_w)} W`,
      ),
    }));
  if (data.length === 0) throw new MissingDataError(o.id, `no efficiency rows in ${o.series}`);
  const best = data.reduce((a, b) => (b.img_s_per_w > a.img_s_per_w ? b : a));
  const color = o.color ?? categorical(2);
  const label = (d: { batch: number }) => String(d.batch);
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Bar chart of images per second per watt for each batch size, in batch order. The highest is ${best.img_s_per_w} img/s/W at batch ${best.batch}.`,
    sources: o.sources,
    columns: [
      { key: "batch", label: "batch size" },
      { key: "img_s_per_w", label: "img/s/W" },
      { key: "power_w", label: "power (W)" },
      { key: "derived_power", label: "power is" },
      { key: "source", label: "source rows" },
    ],
    rows: tableRows(data),
    plot: (frame: Frame) => ({
      ...margins(frame, { left: 44 }),
      height: frame.narrow ? 260 : 300,
      x: {
        label: "Batch size (images) →",
        type: "band",
        domain: batchBand(data.map((d) => d.batch)),
        padding: 0.25,
      },
      y: { label: "↑ Efficiency (images/s per watt)", grid: true, zero: true, tickFormat: tickNumber },
      marks: [
        Plot.barY(data, { x: label, y: "img_s_per_w", fill: color, title: "tip" }),
        Plot.text(data, {
          x: label,
          y: "img_s_per_w",
          text: (d: { img_s_per_w: number }) => num(d.img_s_per_w),
          dy: -8,
          fill: "currentColor",
        }),
        Plot.ruleY([0]),
      ],
    }),
  };
}
