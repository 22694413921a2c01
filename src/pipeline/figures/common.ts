/**
 * The chart design system every figure family builds on: two frames (wide for laptops, narrow for
 * phones), axes that say their unit and go logarithmic when a quantity spans more than 10×, batch
 * sizes in numeric order, small multiples when a panel would hold more than MAX_SERIES series, and a
 * legend that render.ts draws below the chart (never over data). Colours come from palette.ts,
 * names from ../labels.ts.
 */
import type * as Plot from "@observablehq/plot";
import { type CanonicalRow, rowRefs } from "../schema.ts";
import type { SymbolName } from "./palette.ts";

/** The width a figure is laid out for; families choose margins, facets and ticks from it. */
export interface Frame {
  width: number;
  narrow: boolean;
}
/** Laptops and print (and the downloads); main column up to 72rem. */
export const WIDE: Frame = { width: 720, narrow: false };
/** Phones: shown below 760 px, drawn at the width of a 390 px screen's column so text stays ≥ 11 px. */
export const NARROW: Frame = { width: 360, narrow: true };
/** Every text in every figure: 12 px at the frame's width. */
export const FONT_SIZE = 12;
/** Most series one panel may hold before a figure splits into small multiples. */
export const MAX_SERIES = 6;

/** Margins that fit 12 px tick labels; the left one grows for long tick labels (e.g. "10,000"). */
export function margins(
  frame: Frame,
  o: { left?: number; right?: number; top?: number; bottom?: number } = {},
) {
  return {
    marginLeft: o.left ?? (frame.narrow ? 50 : 64),
    marginRight: o.right ?? (frame.narrow ? 14 : 24),
    marginTop: o.top ?? 28,
    marginBottom: o.bottom ?? 40,
  };
}

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });
/** Tick labels with thousands grouped ("1,000", "0.05"), never SI prefixes. */
export const tickNumber = (d: number): string => GROUPED.format(Number(d.toPrecision(6)));

/** True when positive values span more than 10×: such a quantity gets a log axis. */
export function spansDecade(values: (number | null | undefined)[]): boolean {
  const xs = values.filter((v): v is number => typeof v === "number" && v > 0 && Number.isFinite(v));
  return xs.length > 1 && Math.max(...xs) / Math.min(...xs) > 10;
}

/**
 * Ticks 1, 2, 5 × 10ⁿ inside [lo, hi], so every decade and the smallest values are labelled; when that
 * is more than `max` labels, powers of ten only (or 1 and 3 × 10ⁿ where the range spans under two decades).
 */
export function logTicks(lo: number, hi: number, max = 12): number[] {
  const out: { v: number; m: number }[] = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of [1, 2, 3, 5]) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push({ v, m });
    }
  const pick = (ms: number[]) => out.filter((t) => ms.includes(t.m)).map((t) => t.v);
  for (const ms of [[1, 2, 5], [1, 3], [1]]) {
    const ticks = pick(ms);
    if (ticks.length >= 2 && ticks.length <= max) return ticks;
  }
  return pick([1]).length >= 2 ? pick([1]) : pick([1, 2, 3, 5]);
}

/** How many tick labels an axis of the frame has room for. */
export const tickRoom = (frame: Frame | undefined): number => (frame?.narrow ? 6 : 10);

/** A value axis: linear from zero, or logarithmic with readable ticks when the values span more than 10×. */
export function valueAxis(
  values: (number | null | undefined)[],
  label: string,
  o: { zero?: boolean; frame?: Frame } = {},
): Plot.ScaleOptions {
  if (!spansDecade(values)) return { label, grid: true, zero: o.zero ?? true, tickFormat: tickNumber };
  const xs = values.filter((v): v is number => typeof v === "number" && v > 0);
  const lo = Math.min(...xs) / 1.15;
  const hi = Math.max(...xs) * 1.15;
  return {
    type: "log",
    label,
    grid: true,
    domain: [lo, hi],
    ticks: logTicks(lo, hi, tickRoom(o.frame)),
    tickFormat: tickNumber,
  };
}

/** Batch sizes are powers of two in almost every study: a log-2 axis spaces them evenly, in numeric order. */
export function batchAxis(batches: number[], frame: Frame, label = "Batch size (images)"): Plot.ScaleOptions {
  const lo = Math.min(...batches);
  const hi = Math.max(...batches);
  const ticks: number[] = [];
  for (let b = 2 ** Math.floor(Math.log2(lo)); b <= hi; b *= 2) if (b >= lo) ticks.push(b);
  // About 42 px per label (the frame's width less the margins): every other power of two on a crowded axis.
  const room = Math.max(2, Math.floor((frame.width - 70) / 42));
  const step = Math.ceil(ticks.length / Math.max(1, room));
  return {
    type: "log",
    base: 2,
    label,
    domain: [lo / 1.15, hi * 1.15],
    ticks: ticks.filter((_, i) => i % step === 0),
    tickFormat: tickNumber,
    grid: true,
  };
}

/** Band domain of batch sizes in numeric order (a band scale would sort "10" before "2"). */
export const batchBand = (batches: number[]): string[] =>
  [...new Set(batches)].sort((a, b) => a - b).map(String);

/** A legend entry: how render.ts draws its swatch and what it says. */
export interface LegendEntry {
  label: string;
  color: string;
  /** Line sample through the swatch; none for markers and bars. */
  line?: "solid" | "dashed" | "none";
  /** Dash pattern of a dashed line sample, as its series draws it (default "5,3"). */
  dash?: string;
  /** Marker at the swatch's centre, as the dots of its series. */
  symbol?: SymbolName;
  /** Hollow marker (a claim, or points drawn differently). */
  hollow?: boolean;
  /** A filled square: bars. */
  square?: boolean;
}

/** Panels of a small-multiples figure in a grid: two columns wide, one column narrow. */
interface Panel {
  key: string;
  title: string;
  fx: number;
  fy: number;
}
export function panelGrid(panels: { key: string; title: string }[], frame: Frame): Panel[] {
  const cols = frame.narrow || panels.length < 2 ? 1 : 2;
  return panels.map((p, i) => ({ ...p, fx: i % cols, fy: Math.floor(i / cols) }));
}
/** Height of a panel grid: rows × panel height, plus the space titles and axes take. */
export function gridHeight(panels: Panel[], panelHeight: number): number {
  const rows = Math.max(1, ...panels.map((p) => p.fy + 1));
  return rows * (panelHeight + 34) + 40;
}

/**
 * Splits series into panels of at most MAX_SERIES: by the first key, and a group that is still too
 * large by the next key, and so on. Each panel's title joins the keys that made it.
 */
export function splitPanels<T>(
  items: T[],
  keys: ((item: T) => string)[],
  size: (group: T[]) => number,
  max = MAX_SERIES,
): { title: string; items: T[] }[] {
  const go = (group: T[], depth: number, title: string[]): { title: string; items: T[] }[] => {
    if (depth >= keys.length || size(group) <= max) return [{ title: title.join(" · "), items: group }];
    const byKey = new Map<string, T[]>();
    for (const item of group) {
      const k = keys[depth]!(item);
      byKey.set(k, [...(byKey.get(k) ?? []), item]);
    }
    // A key every item shares tells no panel apart: it stays out of the titles (the caption says it).
    if (byKey.size === 1) return go(group, depth + 1, title);
    return [...byKey].flatMap(([k, g]) => go(g, depth + 1, [...title, k]));
  };
  return go(items, 0, []);
}

/** Hover text of a point: lines joined as SVG <title> shows them. */
export const tip = (...lines: (string | false | null | undefined)[]): string =>
  lines.filter(Boolean).join("\n");

export const round = (x: number | null, digits = 4) => (x === null ? null : Number(x.toPrecision(digits)));
/** A number for hover text and captions: grouped, up to 4 significant digits. */
export const num = (x: number, digits = 4): string => GROUPED.format(Number(x.toPrecision(digits)));

/** Source cell for a figure's data table: `file:line` of the published row, or "simulator". */
export function sourceRef(r: CanonicalRow): string {
  return r.kind === "simulated" ? "simulator" : rowRefs(r).join("; ");
}

/** Table rows of a figure: the plotted points without their drawing channels (colour, marker, hover text). */
export function tableRows(points: object[]): Record<string, string | number | null>[] {
  return points.map((p) => {
    const { color: _c, symbol: _s, tip: _t, ...rest } = p as Record<string, unknown>;
    return rest as Record<string, string | number | null>;
  });
}

/**
 * Positions (px, top to bottom) moved apart to at least `gap` each, as little as possible: labels at
 * line ends that would overlap are spread around their lines. Returns positions in the input order.
 */
export function dodge(positions: number[], gap: number): number[] {
  const order = positions.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  // Clusters of labels closer than `gap` are centred on their mean, then pushed down where they still touch.
  const placed = order.map((o) => o.p);
  for (let pass = 0; pass < 200; pass++) {
    let moved = false;
    for (let k = 1; k < placed.length; k++) {
      const overlap = gap - (placed[k]! - placed[k - 1]!);
      if (overlap > 0.01) {
        placed[k - 1]! -= overlap / 2;
        placed[k]! += overlap / 2;
        moved = true;
      }
    }
    if (!moved) break;
  }
  const out = new Array<number>(positions.length);
  order.forEach((o, k) => {
    out[o.i] = placed[k]!;
  });
  return out;
}

/** Width of text in DejaVu Sans, from per-class advance widths (em); errs wide so items never touch. */
export function textWidth(text: string, size = FONT_SIZE): number {
  let em = 0;
  for (const ch of text) {
    if (/[il.,:;'|!I()[\] ]/.test(ch)) em += 0.34;
    else if (/[mwMW@%]/.test(ch)) em += 0.92;
    else if (/[A-Z0-9]/.test(ch)) em += 0.7;
    else em += 0.62;
  }
  return em * size;
}
