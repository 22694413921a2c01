/**
 * Throughput or latency against batch size for one accelerator and model: every measured series, and
 * its simulated twin dashed in the same colour. More than MAX_SERIES lines split into panels by
 * framework, then by execution, then by precision (series metadata, not series ids).
 */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import type { FigureSpec } from "./spec.ts";
import {
  batchAxis,
  gridHeight,
  margins,
  num,
  panelGrid,
  sourceRef,
  splitPanels,
  tableRows,
  tip,
  valueAxis,
  type Frame,
  type LegendEntry,
} from "./common.ts";
import { distinctColors, precisionColor, SYMBOLS } from "./palette.ts";
import {
  count,
  executionHead,
  frameworkHead,
  inputSize,
  precisionName,
  modelName,
  seriesFigureId,
  uniqueSeriesLabels,
  type SeriesMeta,
} from "../labels.ts";
import { rowKey, type BrokenDerivation } from "../report/assumptions.ts";

type BatchMetric = "throughput" | "latency";

const METRIC = {
  throughput: {
    field: "throughput_img_s",
    axis: "Throughput (images/s)",
    word: "throughput",
    values: ["throughput value", "throughput values"],
    unit: "img/s",
  },
  latency: {
    field: "latency_ms",
    axis: "Latency per batch (ms)",
    word: "latency per batch",
    values: ["latency", "latencies"],
    unit: "ms",
  },
} as const;

interface BatchScalingOptions {
  accelerator: { id: string; name: string };
  model: string;
  metric: BatchMetric;
  /** Study titles by id, for the caption. */
  studyTitles: Record<string, string>;
  /** Derived values whose assumption fails (report/assumptions.ts): left out of the chart, named in the caption. */
  broken?: Map<string, BrokenDerivation[]>;
  /** Series whose source does not state the input size (the atlas assumed it): the caption says so. */
  assumedInput?: ReadonlySet<string>;
}

export function batchScalingFigure(rows: CanonicalRow[], o: BatchScalingOptions): FigureSpec | null {
  const m = METRIC[o.metric];
  const usable = rows.filter(
    (r) =>
      r.accelerator === o.accelerator.id &&
      r.model === o.model &&
      r.batch_size !== null &&
      r[m.field] !== null,
  );
  const isBroken = (r: CanonicalRow) =>
    r.kind === "measured" && (o.broken?.get(rowKey(r)) ?? []).some((b) => b.field === m.field);
  const left = usable.filter(isBroken);
  const measured = usable.filter((r) => r.kind === "measured" && !isBroken(r));
  if (measured.length === 0) return null;
  // Only the simulated twins of the measured series shown (series "sim-<measured series>"), never the whole sweep.
  const metas = new Map<string, SeriesMeta>();
  for (const r of measured) if (!metas.has(r.series)) metas.set(r.series, r);
  const twins = usable.filter((r) => r.kind === "simulated" && metas.has(r.series.replace(/^sim-/, "")));
  for (const r of twins) if (!metas.has(r.series)) metas.set(r.series, r);
  const twinOf = (s: SeriesMeta) =>
    s.kind === "simulated" ? metas.get(s.series.replace(/^sim-/, "")) : undefined;
  const labels = uniqueSeriesLabels([...metas.values()], twinOf);
  const own = [...metas.values()].filter((s) => s.kind === "measured");
  const hasTwin = new Set(twins.map((r) => r.series.replace(/^sim-/, "")));

  // Panels: by framework, then input size, then execution, then precision (the legend names the
  // study where two series in one panel would otherwise read the same).
  const groups = splitPanels(
    own,
    [
      (s) => frameworkHead(s.framework),
      inputSize,
      (s) => executionHead(s.execution),
      (s) => precisionName(s.precision),
    ],
    (g) => g.reduce((n, s) => n + (hasTwin.has(s.series) ? 2 : 1), 0),
  );
  const panelOf = new Map(groups.flatMap((g, i) => g.items.map((s) => [s.series, i] as const)));
  const styled = distinctColors(
    groups.flatMap((g) => g.items),
    (s) => precisionColor(s.precision),
  );
  const style = new Map(
    styled.map(({ entry, color, n }) => [entry.series, { color, symbol: SYMBOLS[n % SYMBOLS.length]! }]),
  );
  const styleOf = (r: CanonicalRow) => style.get(r.series.replace(/^sim-/, ""))!;

  const points = [...measured, ...twins].map((r) => {
    const value = r[m.field] as number;
    const label = labels.get(r.series)!;
    return {
      panel: panelOf.get(r.series.replace(/^sim-/, ""))!,
      series: label,
      kind: r.kind,
      batch: r.batch_size!,
      value,
      source: sourceRef(r),
      note: r.note,
      color: styleOf(r).color,
      symbol: styleOf(r).symbol,
      tip: tip(
        label,
        `batch ${r.batch_size}: ${num(value)} ${m.unit}${r.note ? ` (${r.note})` : ""}`,
        r.kind === "simulated" && "simulated, not measured",
      ),
    };
  });
  const studies = [...new Set(measured.map((r) => r.study))];
  const accName = o.accelerator.name;
  const id = seriesFigureId(o.metric, o.accelerator.id, o.model);
  const peak = Math.max(...measured.map((r) => r[m.field] as number));
  const inputs = [...new Set(measured.map((r) => `${r.input_width}×${r.input_height}`))].join(", ");
  const allSeries = [...new Set(measured.map((r) => r.series))];
  // A figure "on" one accelerator whose every series ran on several (a C2 card is two IPUs) says so.
  const devices = [...new Set(measured.map((r) => r.devices))];
  const devicesText =
    devices.length === 1 && devices[0]! > 1 ? ` (${devices[0]} devices together in every series)` : "";
  const assumed = allSeries.filter((s) => o.assumedInput?.has(s)).length;
  const assumedText =
    assumed === 0
      ? ""
      : ` (${assumed === allSeries.length ? "assumed: no source states it" : `assumed for ${assumed} of ${allSeries.length} series, whose source does not state it`})`;
  const faceted = groups.length > 1;
  const leftOut = left.length
    ? ` Left out: ${count(left.length, m.values[0], m.values[1])} ${o.broken!.get(rowKey(left[0]!))!.find((b) => b.field === m.field)!.reason} (see the data-quality audit): ${[
        ...new Set(left.map((r) => r.series)),
      ]
        .map(
          (s) =>
            `“${labels.get(s) ?? s}” at batch ${left
              .filter((r) => r.series === s)
              .map((r) => r.batch_size)
              .join(", ")}`,
        )
        .join("; ")}. They stay in the series' data table, marked.`
    : "";
  const legend: LegendEntry[] = [
    ...styled.map(({ entry, color, n }) => ({
      label: labels.get(entry.series)!,
      color,
      line: "solid" as const,
      symbol: SYMBOLS[n % SYMBOLS.length]!,
    })),
    ...(twins.length
      ? [{ label: "simulated twin of each series (dashed)", color: "currentColor", line: "dashed" as const }]
      : []),
  ];
  const batches = points.map((p) => p.batch);
  const values = points.map((p) => p.value);
  return {
    id,
    title: `${modelName(o.model)} ${m.word} vs batch size on ${accName}`,
    caption:
      `${capitalize(m.word)} of ${modelName(o.model)} at ${inputs}${assumedText} on ${accName}${devicesText}, one line per published series${faceted ? ", in panels by framework and setup so that no panel holds more than six lines" : ""}. ` +
      `Sources: ${studies.map((s) => o.studyTitles[s] ?? s).join("; ")}. ` +
      `Series differ in precision, framework and execution mode, so compare shapes within a series rather than absolute values across studies.` +
      (twins.length
        ? " Dashed lines are the atlas simulator's predictions for the same setups, not measurements."
        : "") +
      leftOut,
    alt:
      `Line chart of ${m.word} (${m.unit}) against batch size (log scale) for ${count(own.length, "measured series", "measured series")} on ${accName}${faceted ? ` in ${groups.length} panels` : ""}. ` +
      `The highest measured value is ${num(peak)} ${m.unit}. The data table below the chart lists every point.`,
    sources: studies,
    accelerator: o.accelerator.id,
    columns: [
      ...(faceted ? [{ key: "panel", label: "panel" }] : []),
      { key: "series", label: "series" },
      { key: "kind", label: "kind" },
      { key: "batch", label: "batch size" },
      { key: "value", label: `${m.word} (${m.unit})` },
      { key: "note", label: "note" },
      { key: "source", label: "source row" },
    ],
    // The panel (small multiple) each point is drawn in, by its title, where there are several.
    rows: tableRows(
      points.map(({ panel, ...rest }) => (faceted ? { panel: groups[panel]!.title, ...rest } : rest)),
    ),
    legend,
    plot: (frame: Frame) => {
      const panels = panelGrid(
        groups.map((g, i) => ({ key: String(i), title: g.title })),
        frame,
      );
      const at = (p: { panel: number }) => panels[p.panel]!;
      const facet = faceted
        ? { fx: (p: { panel: number }) => at(p).fx, fy: (p: { panel: number }) => at(p).fy }
        : {};
      const measuredPts = points.filter((p) => p.kind === "measured");
      const simPts = points.filter((p) => p.kind === "simulated");
      const panelHeight = frame.narrow ? 220 : faceted ? 230 : 320;
      return {
        ...margins(frame, { top: faceted ? 46 : 28 }),
        height: faceted ? gridHeight(panels, panelHeight) + 10 : panelHeight + 70,
        ...(faceted ? { fx: { axis: null, padding: 0.1 }, fy: { axis: null, padding: 0.16 } } : {}),
        x: batchAxis(batches, faceted && !frame.narrow ? { ...frame, width: frame.width / 2 } : frame),
        y: {
          ...valueAxis(values, `↑ ${m.axis}`, { zero: o.metric === "throughput", frame }),
          ...(faceted ? { label: null } : {}),
        },
        marks: [
          Plot.frame({ stroke: "currentColor", strokeOpacity: 0.15, ...(faceted ? {} : {}) }),
          Plot.line(firstPerBatch(measuredPts), {
            x: "batch",
            y: "value",
            z: "series",
            stroke: "color",
            strokeWidth: 2,
            ...facet,
          }),
          Plot.line(simPts, {
            x: "batch",
            y: "value",
            z: "series",
            stroke: "color",
            strokeWidth: 1.5,
            strokeDasharray: "5,3",
            ...facet,
          }),
          Plot.dot(simPts, {
            x: "batch",
            y: "value",
            stroke: "color",
            fill: "var(--chart-bg, white)",
            r: 2,
            title: "tip",
            ...facet,
          }),
          Plot.dot(measuredPts, {
            x: "batch",
            y: "value",
            fill: "color",
            symbol: "symbol",
            r: 3.5,
            title: "tip",
            ...facet,
          }),
          ...(faceted
            ? [
                Plot.text(panels, {
                  fx: "fx",
                  fy: "fy",
                  text: "title",
                  frameAnchor: "top-left",
                  textAnchor: "start",
                  dy: -10,
                  fontWeight: "bold",
                  lineWidth: (frame.narrow ? frame.width : frame.width / 2) / 7.4,
                }),
                Plot.text([`↑ ${m.axis}`], {
                  facet: "super",
                  frameAnchor: "top-left",
                  textAnchor: "start",
                  dx: -margins(frame).marginLeft + 2,
                  dy: -34,
                }),
              ]
            : []),
        ],
      };
    },
  };
}

/** Repeated runs at one batch (e.g. "32 (run 2)") are shown as dots; the line follows the first run. */
function firstPerBatch<T extends { series: string; batch: number }>(points: T[]): T[] {
  const seen = new Set<string>();
  return points.filter((p) => {
    const key = `${p.series}\u0000${p.batch}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
