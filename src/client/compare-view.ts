/** Compared series as markup: the overlay chart, its legend, the series list and the data table. Pure. */
import { smallestBatchAtFraction } from "../pipeline/simulate/simulate.ts";
import { url } from "../site/urls.ts";
import type { ComparedSeries } from "./compare-run.ts";
import { MIN_SERIES, refKey, type CompareState } from "./compare-state.ts";
import { esc, fmt, numCell } from "./html.ts";
import { legendHtml, PALETTE, SHAPES, svgChart, type ChartSeries } from "./svg-chart.ts";

const NORM_WORDS = {
  none: {
    axis: "Throughput (images/s)",
    title: "Throughput vs batch size",
    caption: "Throughput as published or simulated, log scale.",
  },
  batch1: {
    axis: "Throughput ÷ batch-1 throughput",
    title: "Speed-up over batch 1 vs batch size",
    caption:
      "Each series divided by its throughput at batch 1 (or at its smallest published batch, as the table says): how much batching buys.",
  },
  peak: {
    axis: "Throughput ÷ the series' best",
    title: "Share of each series' best throughput vs batch size",
    caption:
      "Each series divided by its own best throughput: where each saturates, whatever its absolute speed.",
  },
} as const;

const chartSeries = (series: ComparedSeries[]): ChartSeries[] =>
  series.map((s, i) => ({
    label: s.label,
    color: PALETTE[i % PALETTE.length]!,
    points: s.points.map((p) => [p.batch, p.value] as const),
    line: s.kind === "simulated" ? "dashed" : "solid",
    marker: s.kind === "measured" ? "ring" : "dot",
    shape: SHAPES[i % SHAPES.length]!,
  }));

/** A sentence per series for the chart description: its range and where it reaches 90 % of its best. */
function describe(s: ComparedSeries): string {
  if (s.raw.length === 0) return `${s.label}: no data (${s.problem ?? "none"})`;
  const best = Math.max(...s.raw.map((p) => p.throughput));
  const at90 = smallestBatchAtFraction(s.raw.map((p) => ({ batch: p.batch, throughputImgS: p.throughput })));
  return `${s.label}: ${s.raw.length} batch sizes from ${s.raw[0]!.batch} to ${s.raw[s.raw.length - 1]!.batch}, best ${fmt(best)} images/s, 90 % of it from batch ${at90}`;
}

export function compareView(state: CompareState, series: ComparedSeries[]): string {
  const words = NORM_WORDS[state.norm];
  const cs = chartSeries(series);
  const chart = svgChart({
    id: "compare-chart",
    title: words.title,
    desc: `${state.norm === "none" ? "Log-log" : "Log-x"} line chart of ${series.length} series against batch size. Solid lines with hollow circles are measured, dashed lines simulated. ${series.map(describe).join(". ")}.`,
    x: { label: "Batch size (images)", scale: "log2" },
    y: { label: words.axis, scale: state.norm === "none" ? "log10" : "linear" },
    series: cs,
    // Normalized curves start low on the left: the rule labels go there.
    rules:
      state.norm === "peak"
        ? [{ axis: "y", value: 0.9, label: "90 % of best", labelAt: "left" }]
        : state.norm === "batch1"
          ? [{ axis: "y", value: 1, label: "batch 1", labelAt: "left" }]
          : [],
  });
  const few =
    series.length < MIN_SERIES ? `<p class="warning">Pick at least ${MIN_SERIES} series to compare.</p>` : "";
  const batches = [...new Set(series.flatMap((s) => s.points.map((p) => p.batch)))].sort((a, b) => a - b);
  const table =
    `<div class="table-wrap" tabindex="0"><table id="compare-table"><caption>${esc(words.title)}: the plotted values${state.norm === "none" ? "" : " (times the divisor in the series list gives images/s)"}</caption>` +
    `<thead><tr><th scope="col">Batch</th>${series.map((s, i) => `<th scope="col" data-series="${esc(refKey(s.ref))}">${i + 1}. ${esc(s.label)}</th>`).join("")}</tr></thead><tbody>` +
    batches
      .map(
        (b) =>
          `<tr><td class="num">${b}</td>${series.map((s) => numCell(s.points.find((p) => p.batch === b)?.value ?? null, 4)).join("")}</tr>`,
      )
      .join("") +
    `</tbody></table></div>`;
  const list =
    `<ol class="compare-series">` +
    series
      .map((s, i) => {
        const base = s.base
          ? ` Divided by ${fmt(s.base.throughput)} img/s at batch ${s.base.batch}${state.norm === "batch1" && s.base.batch !== 1 ? " (no batch-1 point published)" : ""}.`
          : "";
        const study = s.study ? ` <a href="${url(`/studies/${s.study}/`)}">Study page</a>.` : "";
        return `<li data-series="${esc(refKey(s.ref))}"><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span> <strong>${esc(s.label)}</strong><br><span class="muted">${esc(s.detail.replace(/\.$/, ""))}.${base}${s.problem ? ` ${esc(s.problem)}.` : ""}</span>${study}</li>`;
      })
      .join("") +
    `</ol>`;
  return (
    few +
    `<figure class="explore-figure" id="compare-figure"><div class="chart-box" tabindex="0">${chart}</div>${legendHtml(cs)}<figcaption><strong>${esc(words.title)}.</strong> ${esc(words.caption)} Measured points are as the studies published them; simulated ones are the atlas simulator's predictions with the accelerator's sweep stack.</figcaption></figure>` +
    `<h2>Series</h2>${list}<h2>Data table</h2>${table}`
  );
}
