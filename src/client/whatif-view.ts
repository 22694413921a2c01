/**
 * A what-if result as markup: the answer in words, three charts (throughput, latency, memory against
 * SRAM), the results table and the measured comparison. Pure strings: the build renders the default
 * view with it and the browser re-renders with it on every change.
 */
import type { MathPrecision } from "../pipeline/simulate/accounting.ts";
import { precisionClassOf } from "../pipeline/simulate/gpu-model.ts";
import type { StackModel } from "../pipeline/simulate/simulate.ts";
import { modelName } from "../site/format.ts";
import { count } from "../pipeline/labels.ts";
import type { ErrorStats } from "../pipeline/simulate/error-stats.ts";
import type { ExploreParams, SimulatorAccuracy } from "./explore-params.ts";
import { esc, fmt, mb, numCell } from "./html.ts";
import { legendHtml, PALETTE, SHAPES, svgChart, type ChartSeries } from "./svg-chart.ts";
import type { WhatIfOutcome, WhatIfResult } from "./whatif-run.ts";
import { CUSTOM, type WhatIfState } from "./whatif-state.ts";

const MIB = 2 ** 20;
const P = (p: string) => p.toUpperCase();
const PEAK_UNIT = (p: string) => (p === "int8" ? "TOPS" : "TFLOPS");

function deviceName(s: WhatIfState, params: ExploreParams): string {
  return s.accelerator === CUSTOM
    ? "a custom accelerator"
    : (params.accelerators.find((a) => a.id === s.accelerator)?.name ?? s.accelerator);
}

/** The state in one sentence: shown with the results, in print, and without JavaScript. */
export function describeState(s: WhatIfState, params: ExploreParams): string {
  const c = s.custom;
  const hw =
    s.accelerator === CUSTOM
      ? `a custom accelerator (${fmt(c.peakT)} ${PEAK_UNIT(s.precision)} ${P(s.precision)}, ${fmt(c.bandwidthGBs)} GB/s, ${fmt(c.sramMiB)} MiB SRAM${c.memoryGB !== null ? `, ${fmt(c.memoryGB)} GB device memory` : ""}, weights ${c.weights === "resident" ? "kept on chip" : "streamed"}; η ${fmt(c.efficiency)}, overhead ${fmt(c.overheadMs)} ms, layer floor ${fmt(c.layerFloorMs)} ms)`
      : `${deviceName(s, params)} (stack ${s.stack ?? params.accelerators.find((a) => a.id === s.accelerator)?.defaultStack ?? "?"})`;
  return `${modelName(s.model)}, input ${s.width}×${s.height}, ${P(s.precision)}, on ${hw}, batches ${s.batchMin}–${s.batchMax}${s.devices > 1 ? ` split over ${s.devices} devices` : ""}, activations counted under the ${s.policy} fusion policy.`;
}

/** A stack model's parameters in one sentence, with where they came from. */
export function describeStack(stack: StackModel, precision: MathPrecision): string {
  if (stack.engine === "roofline") {
    const p = stack.params;
    return `Layer roofline: η ${fmt(p.efficiency)}, overhead ${fmt(p.overheadMs)} ms, layer floor ${fmt(p.layerFloorMs)} ms (${stack.source}).`;
  }
  const c = stack.costs;
  const k = stack.kernel;
  return (
    `GPU kernel model: ${stack.fusion} kernels, ${c.launch === "eager" ? `launched one by one (host ${fmt(c.perKernelUs)} µs per kernel)` : "replayed as one graph"}, ` +
    `${fmt(c.perBatchMs)} ms host time per batch, ${fmt(c.kernelGapUs)} µs between kernels, stack speed ${fmt(c.deviceSpeed)}; ` +
    `${P(precision)} tile efficiency ${fmt(k.efficiency[precisionClassOf(precision)])}, memory efficiency ${fmt(k.memoryEfficiency)} (${stack.source}).`
  );
}

function answerHtml(r: WhatIfResult, params: ExploreParams): string {
  const s = r.state;
  const at90 = r.points.find((p) => p.batch === r.batchAt90)?.perf;
  const lines: string[] = [];
  if (!r.best) {
    lines.push(
      `<p class="answer"><strong>No batch from ${s.batchMin} to ${s.batchMax} fits:</strong> ${esc(r.points[0]?.infeasible ?? "")}.</p>`,
    );
  } else {
    lines.push(
      `<p class="answer">Throughput reaches 90 % of its best in this range at <strong>batch <span data-testid="batch-at-90">${r.batchAt90}</span></strong>` +
        (at90 ? ` (${esc(fmt(at90.throughputImgS))} img/s, ${esc(fmt(at90.latencyMs))} ms per batch)` : "") +
        `; the best is ${esc(fmt(r.best.throughputImgS))} img/s at batch ${r.best.batch} (${esc(fmt(r.best.latencyMs))} ms).</p>`,
    );
  }
  const sram = r.device.sramBytes;
  const perImage = r.memory.peakActivationBytes;
  const onChip =
    sram === 0
      ? "No on-chip SRAM is given, so every activation goes through DRAM."
      : r.largestOnChip === null
        ? `Even the smallest batch spills activations to DRAM: one image's working set (${mb(perImage)}) is larger than the ${mb(r.activationSramBytes)} of SRAM for activations, so the largest layers' tensors go through DRAM.`
        : `Activations stay on chip up to <strong>batch ${r.largestOnChip}</strong>${s.devices > 1 ? " (per device: ⌈batch/devices⌉ images)" : ""}; one image's working set is ${mb(perImage)} against ${mb(r.activationSramBytes)} of SRAM for activations${r.largestOnChip < s.batchMax ? "; larger batches spill tensors to DRAM" : ""}.`;
  const weights = r.residentWeights
    ? `The weights (${mb(r.memory.weightBytes)}) stay in SRAM.`
    : `The weights (${mb(r.memory.weightBytes)}) are read from DRAM once per batch.`;
  lines.push(`<p>${onChip} ${weights}</p>`);
  if (r.input.letterboxed)
    lines.push(
      `<p class="muted">YOLOv3 needs multiples of 32: the input is letterboxed to ${r.input.usedWidth}×${r.input.usedHeight}.</p>`,
    );
  lines.push(
    `<p class="muted">Simulated, not measured: ${esc(describeState(s, params))} ${esc(describeStack(r.stack, s.precision))}</p>`,
  );
  lines.push(`<p class="muted" id="whatif-accuracy">${esc(accuracyText(r, params))}</p>`);
  return lines.join("");
}

/** "off by 32.5 % on average over 817 points (5.6 % above the measurements on balance)"; null without an error. */
function errorWords(e: ErrorStats | undefined, unit: string): string | null {
  if (!e || e.mape_pct === null || e.points === 0) return null;
  const bias =
    e.bias_pct === null || Math.abs(e.bias_pct) < 0.05
      ? ""
      : ` (${Math.abs(e.bias_pct).toFixed(1)} % ${e.bias_pct > 0 ? "above" : "below"} the measurements on balance)`;
  // Few points make a mean that the next measurement can move a lot: say so.
  const few = e.points < 10 ? "only " : "";
  return `off by ${e.mape_pct.toFixed(1)} % on average over ${few}${count(e.points, unit)}${bias}`;
}

/** MLPerf ResNet-50 results of one accelerator against the engine that simulates it, as sentences. */
function mlperfWords(a: SimulatorAccuracy, accelerator: string, engine: string, name: string): string[] {
  return (["Offline", "SingleStream"] as const).flatMap((scenario) => {
    const m = a.mlperf.find(
      (x) => x.accelerator === accelerator && x.engine === engine && x.scenario === scenario,
    );
    const words = errorWords(m?.stats, "result");
    if (!words) return [];
    const how =
      scenario === "Offline"
        ? "throughput per accelerator against the simulator at its best batch"
        : "batch-1 throughput from the 90th-percentile latency";
    return [
      `Against MLPerf ResNet-50 ${scenario} results of the ${name} (TensorRT, INT8; ${how}): ${words}.`,
    ];
  });
}

/**
 * How far to trust this view's throughput: the cross-validated errors that bear on its engine, stack and
 * accelerator, and where none does, that none does (never another view's number).
 */
export function accuracyText(r: WhatIfResult, params: ExploreParams): string {
  const s = r.state;
  const lead = "How far to trust these throughputs:";
  if (s.accelerator === CUSTOM)
    return `${lead} your chip runs the layer roofline with the efficiency and overheads you entered; the atlas has no measurement of it, so no error can be stated.`;
  const a = params.accuracy;
  if (!a) return `${lead} the simulator's accuracy was not measured in this build.`;
  const name = params.accelerators.find((x) => x.id === s.accelerator)?.name ?? s.accelerator;
  const outOfScope = (match: (x: SimulatorAccuracy["outOfScope"][number]) => boolean) =>
    a.outOfScope.some(match)
      ? " (its measured series are in studies the validation declares out of the model's scope; the simulator-validation finding gives the reasons)"
      : "";
  const parts: string[] = [];
  if (r.stack.engine === "roofline") {
    const own = errorWords(
      a.rooflineByAccelerator.find((e) => e.key === s.accelerator),
      "point",
    );
    parts.push(
      own
        ? `${lead} the layer roofline is fitted on the ${name}'s published points; on the points its fit left out it was ${own}.`
        : `${lead} the layer roofline's parameters for the ${name} were not fitted on measurements of it (${r.stack.source}), so its error here is not known from them.`,
    );
    parts.push(...mlperfWords(a, s.accelerator, "roofline", name));
    return parts.join(" ");
  }
  const overall = errorWords(a.gpu, "measured point");
  parts.push(
    overall
      ? `${lead} on GPUs a fit never saw (leave-one-accelerator-out), the kernel model was ${overall}; the forecast above uses the full fit.`
      : `${lead} no measured GPU series was in scope to test the kernel model.`,
  );
  const b = a.batchAt90;
  if (b.series > 0)
    parts.push(
      `Its batch at 90 % of the best (the answer above) matched the measured one in ${b.same} of ${count(b.series, "measured series", "measured series")} and was off by 2× or more in ${b.offBy2}.`,
    );
  const regimes = a.gpuByRegime
    .map((e) => [e.key, errorWords(e, "point")] as const)
    .filter(([, w]) => w)
    .map(([k, w]) => `${k}: ${w}`);
  if (regimes.length) parts.push(`By batch, ${regimes.join("; ")}.`);
  const precision = errorWords(
    a.gpuByPrecision.find((e) => e.key === s.precision),
    "point",
  );
  parts.push(
    precision
      ? `At ${s.precision.toUpperCase()}${s.precision === "fp16" ? " (mixed precision included)" : ""}: ${precision}.`
      : `No measured series the validation counts ran at ${s.precision.toUpperCase()}, so its error cannot be stated.`,
  );
  const stackName = params.stacks.find((x) => x.id === r.stackId)?.name ?? r.stackId;
  const stack = errorWords(
    a.gpuByStack.find((e) => e.key === r.stackId),
    "point",
  );
  parts.push(
    stack
      ? `With ${stackName}: ${stack}.`
      : `No measured series the validation counts ran ${stackName}, so its error cannot be stated${outOfScope((x) => x.stack === r.stackId)}.`,
  );
  const own = errorWords(
    a.gpuByAccelerator.find((e) => e.key === s.accelerator),
    "point",
  );
  if (own) parts.push(`On the ${name}: ${own}.`);
  const mlperf = mlperfWords(a, s.accelerator, "kernels", name);
  parts.push(...mlperf);
  if (!own && mlperf.length === 0)
    parts.push(
      `The atlas has no measurement of the ${name} that the validation counts${outOfScope((x) => x.accelerator === s.accelerator)}.`,
    );
  return parts.join(" ");
}

function figure(id: string, title: string, chart: string, series: ChartSeries[], caption: string): string {
  return `<figure class="explore-figure" id="${id}"><div class="chart-box" tabindex="0">${chart}</div>${legendHtml(series)}<figcaption><strong>${esc(title)}.</strong> ${esc(caption)}</figcaption></figure>`;
}

function chartsHtml(r: WhatIfResult): string {
  const feasible = r.points.filter((p) => p.perf);
  const sim = (key: "throughputImgS" | "latencyMs"): ChartSeries => ({
    label: "simulated",
    color: PALETTE[0]!,
    points: feasible.map((p) => [p.batch, p.perf![key]] as const),
    line: "dashed",
  });
  // Readers see the framework and execution; the study's title only where two series would read alike.
  const plain = r.measured.map(
    (m) =>
      `measured: ${m.series.framework}, ${m.series.execution}${m.series.devices > 1 ? `, ${m.series.devices} devices` : ""}`,
  );
  const labels = plain.map((l, i) =>
    plain.indexOf(l) === plain.lastIndexOf(l) ? l : `${l} (${r.measured[i]!.series.studyTitle})`,
  );
  const measuredSeries = (key: "throughput" | "latency"): ChartSeries[] =>
    r.measured.map((m, i) => ({
      label: labels[i]!,
      color: PALETTE[(i + 1) % PALETTE.length]!,
      points: m.series.points.flatMap((p) => (p[key] !== null ? [[p.batch, p[key]!] as const] : [])),
      line: "none",
      marker: "ring",
      shape: SHAPES[i % SHAPES.length]!,
    }));
  const name = `${modelName(r.state.model)} ${r.state.width}×${r.state.height} ${P(r.state.precision)}`;
  const measuredWords = r.measured.length
    ? ` Hollow markers, one shape a series: ${r.measured.length} measured series of the same accelerator, model, input and precision.`
    : " The atlas has no measurement of this configuration.";
  const first = feasible[0]?.perf;
  const best = r.best;
  const tSeries = [sim("throughputImgS"), ...measuredSeries("throughput")];
  const throughput = svgChart({
    id: "whatif-throughput-chart",
    title: `Simulated throughput vs batch size: ${name}`,
    desc:
      first && best
        ? `Log-scale line chart. Simulated throughput rises from ${fmt(first.throughputImgS)} images/s at batch ${first.batch} to ${fmt(best.throughputImgS)} at batch ${best.batch}; 90 % of the best is reached at batch ${r.batchAt90}.${measuredWords}`
        : "No feasible batch.",
    x: { label: "Batch size (images)", scale: "log2" },
    y: { label: "Throughput (images/s)", scale: "log10" },
    series: tSeries,
    rules:
      r.batchAt90 !== null
        ? [{ axis: "x", value: r.batchAt90, label: `90 % of best: batch ${r.batchAt90}` }]
        : [],
  });
  const lSeries = [sim("latencyMs"), ...measuredSeries("latency")];
  const latency = svgChart({
    id: "whatif-latency-chart",
    title: `Simulated latency per batch vs batch size: ${name}`,
    desc:
      first && feasible.length
        ? `Log-log line chart. Simulated latency of one batch grows from ${fmt(first.latencyMs)} ms at batch ${first.batch} to ${fmt(feasible[feasible.length - 1]!.perf!.latencyMs)} ms at batch ${feasible[feasible.length - 1]!.batch}.${measuredWords}`
        : "No feasible batch.",
    x: { label: "Batch size (images)", scale: "log2" },
    y: { label: "Latency per batch (ms)", scale: "log10" },
    series: lSeries,
  });
  const mSeries: ChartSeries[] = [
    {
      label: "weights + working set (all on chip, no DRAM)",
      color: PALETTE[0]!,
      points: r.points.map((p) => [p.batch, p.onChipBytes / 1e6] as const),
    },
    {
      label: "working set (peak live activations)",
      color: PALETTE[1]!,
      points: r.points.map((p) => [p.batch, p.workingSetBytes / 1e6] as const),
    },
    {
      label: "weights (deployed)",
      color: PALETTE[2]!,
      points: r.points.map((p) => [p.batch, r.memory.weightBytes / 1e6] as const),
      marker: "none",
    },
  ];
  const sramMB = r.device.sramBytes / 1e6;
  const memory = svgChart({
    id: "whatif-memory-chart",
    title: `On-chip memory needed vs batch size: ${name}`,
    desc: `Log-log chart of memory per device in MB against batch size: weights ${mb(r.memory.weightBytes)} (constant), working set ${mb(r.memory.peakActivationBytes)} per image, and their sum${sramMB > 0 ? `; a dashed line marks the ${fmt(r.device.sramBytes / MIB)} MiB (${fmt(sramMB)} MB) of on-chip SRAM` : ""}.`,
    x: { label: "Batch size (images)", scale: "log2" },
    y: { label: "Memory per device (MB)", scale: "log10" },
    series: mSeries,
    rules:
      sramMB > 0
        ? [
            {
              axis: "y",
              value: sramMB,
              label: `SRAM ${fmt(r.device.sramBytes / MIB)} MiB = ${fmt(sramMB)} MB`,
              color: "#cf222e",
            },
          ]
        : [],
  });
  return (
    `<div class="explore-charts">` +
    figure(
      "whatif-throughput",
      "Throughput",
      throughput,
      tSeries,
      `Images per second for each batch size; the dashed vertical line is the smallest batch reaching 90 % of the best throughput in the range.`,
    ) +
    figure(
      "whatif-latency",
      "Latency",
      latency,
      lSeries,
      "Time to finish one batch: every image of the batch finishes at its end.",
    ) +
    figure(
      "whatif-memory",
      "Memory against SRAM",
      memory,
      mSeries,
      "Weights are read once per batch; the working set (peak of live activations under the fusion policy, skip tensors included) grows with the batch. Where a layer's tensors do not fit in SRAM they spill to DRAM.",
    ) +
    `</div>`
  );
}

/** Memory of one image (batch 1) by definition (docs/simulator.md, "Memory definitions"); activations scale with the batch. */
function memoryTableHtml(r: WhatIfResult): string {
  const m = r.memory;
  const rows: [string, number, string][] = [
    [
      "Weights (deployed, batch norm folded)",
      m.weightBytes,
      r.residentWeights ? "kept in SRAM" : "read from DRAM once per batch",
    ],
    ["Largest single activation", m.largestActivationBytes, "× images per device"],
    ["Largest layer input + output", m.layerIoPeakBytes, "× images per device"],
    [
      `Peak working set (${r.state.policy} policy)`,
      m.peakActivationBytes,
      "× images per device: what must fit on chip to avoid spills",
    ],
    ["All activations", m.totalActivationBytes, "× images: DRAM traffic if nothing stayed on chip"],
  ];
  return (
    `<div class="table-wrap" tabindex="0"><table id="whatif-memory-table"><caption>Memory of one image at ${esc(r.state.precision.toUpperCase())} (${r.input.usedWidth}×${r.input.usedHeight}); on-chip SRAM ${esc(fmt(r.device.sramBytes / MIB))} MiB = ${mb(r.device.sramBytes)}</caption>` +
    `<thead><tr><th scope="col">Quantity</th><th scope="col">MB</th><th scope="col">With the batch</th></tr></thead><tbody>` +
    rows
      .map(
        ([q, bytes, note]) =>
          `<tr><th scope="row">${esc(q)}</th>${numCell(bytes / 1e6)}<td>${esc(note)}</td></tr>`,
      )
      .join("") +
    `</tbody></table></div>`
  );
}

function resultsTableHtml(r: WhatIfResult): string {
  const head = [
    "Batch",
    "Latency per batch (ms)",
    "Throughput (img/s)",
    "Share of best",
    "Working set per device (MB)",
    "Weights + working set (MB)",
    ...(r.stack.engine === "kernels"
      ? ["Host time to issue (ms)", "Device busy (ms)", "Kernels waiting for the host"]
      : ["Activations spilled to DRAM (tensors)", "DRAM traffic per batch (MB)", "Memory-bound layers"]),
  ];
  const rows = r.points.map((p) => {
    if (!p.perf)
      return `<tr data-batch="${p.batch}"><td class="num">${p.batch}</td><td colspan="${head.length - 1}">does not fit: ${esc(p.infeasible ?? "")}</td></tr>`;
    const x = p.perf;
    return (
      `<tr data-batch="${p.batch}"${p.batch === r.batchAt90 ? ' class="at-90"' : ""}><td class="num">${p.batch}${p.batch === r.batchAt90 ? " ★" : ""}</td>` +
      `${numCell(x.latencyMs)}${numCell(x.throughputImgS)}${numCell(r.best ? x.throughputImgS / r.best.throughputImgS : null, 3)}` +
      `${numCell(p.workingSetBytes / 1e6)}${numCell(p.onChipBytes / 1e6)}` +
      (x.engine === "kernels"
        ? `${numCell(x.hostMs)}${numCell(x.deviceMs)}<td class="num">${x.bound.host}</td></tr>`
        : `<td class="num">${x.spilledTensors}</td>${numCell(((x.weightDramBytes ?? 0) + (x.activationDramBytes ?? 0)) / 1e6)}<td class="num">${x.bound.memory}</td></tr>`)
    );
  });
  return (
    `<div class="table-wrap" tabindex="0"><table id="whatif-table"><caption>Simulated results per batch size (★ smallest batch reaching 90 % of the best throughput)</caption>` +
    `<thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`
  );
}

function measuredTableHtml(r: WhatIfResult, params: ExploreParams): string {
  if (r.measured.length === 0)
    return `<p>The atlas has no measurement of ${esc(modelName(r.state.model))} at ${r.state.width}×${r.state.height} in ${P(r.state.precision)} on ${r.state.accelerator === CUSTOM ? "a custom accelerator" : "this accelerator"}.</p>`;
  const rows = r.measured.flatMap((m) =>
    m.points.map(
      (p) =>
        `<tr><td>${esc(m.series.id)}</td><td>${esc(m.series.framework)}; ${esc(m.series.execution)}${m.series.devices > 1 ? `; ${m.series.devices} devices` : ""}</td><td class="num">${p.batch}</td>${numCell(p.measured)}${numCell(p.simulated)}` +
        `${p.measured !== null && p.simulated !== null ? `<td class="num">${p.simulated >= p.measured ? "+" : ""}${((100 * (p.simulated - p.measured)) / p.measured).toFixed(1)} %</td>` : `<td class="num">–</td>`}</tr>`,
    ),
  );
  const stacks = [...new Set(r.measured.map((m) => m.series.stack))].filter((s) => s !== r.stackId);
  // Series of studies the validation declares out of the model's scope: what they measure is not what
  // it simulates, so their gaps are not its errors, and the reader is told why.
  const outside = [
    ...new Map(
      r.measured.flatMap((m) => {
        const o = params.accuracy?.outOfScope.find((x) => x.study === m.series.study);
        return o ? [[m.series.study, `${m.series.studyTitle}. ${o.reason}`] as const] : [];
      }),
    ).values(),
  ];
  return (
    `<div class="table-wrap" tabindex="0"><table id="whatif-measured"><caption>Measured throughput of the same configuration beside the simulation above</caption>` +
    `<thead><tr><th scope="col">Series</th><th scope="col">Framework</th><th scope="col">Batch</th><th scope="col">Measured (img/s)</th><th scope="col">Simulated (img/s)</th><th scope="col">Simulated vs measured</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>` +
    (stacks.length
      ? `<p class="muted">Some series ran on another software stack (${stacks.map(esc).join(", ")}): pick it under “Software stack” to simulate like with like.</p>`
      : "") +
    outside
      .map(
        (o) =>
          `<p class="muted">Out of the simulator's scope, so its differences from the simulation are not counted as the simulator's errors: ${esc(o)}</p>`,
      )
      .join("")
  );
}

/** The whole results region for an outcome. */
export function whatIfView(outcome: WhatIfOutcome, params: ExploreParams): string {
  if (!outcome.ok) return `<p class="warning" role="alert">${esc(outcome.error)}</p>`;
  const r = outcome.result;
  return (
    `<section aria-labelledby="whatif-answer-h"><h2 id="whatif-answer-h">Answer</h2><div id="whatif-answer">${answerHtml(r, params)}</div></section>` +
    `<section aria-labelledby="whatif-charts-h"><h2 id="whatif-charts-h">Charts</h2>${chartsHtml(r)}</section>` +
    `<section aria-labelledby="whatif-table-h"><h2 id="whatif-table-h">Results table</h2>${resultsTableHtml(r)}${memoryTableHtml(r)}</section>` +
    `<section aria-labelledby="whatif-measured-h"><h2 id="whatif-measured-h">Measured points for this configuration</h2>${measuredTableHtml(r, params)}</section>`
  );
}
