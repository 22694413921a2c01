/**
 * Small line charts as SVG markup strings: log or linear axes, lines, markers and reference rules,
 * with a title and description for screen readers. Pure (no DOM), so the build renders a page's
 * default chart with the same code the browser uses; about 3 KB where Plot + d3 would be 84 KB gzip.
 */
import { esc } from "./html.ts";
import { categorical } from "../pipeline/figures/palette.ts";

/**
 * The report's palette (src/pipeline/figures/palette.ts): CSS variables with light fallbacks, so the
 * charts follow the page's colour scheme like the report's figures.
 */
export const PALETTE = Array.from({ length: 8 }, (_, i) => categorical(i));
/** Page background and text colours, as the report's figures use them. */
const BG = "var(--chart-bg, #fff)";
const FG = "var(--chart-fg, #1b1f24)";

interface Axis {
  label: string;
  scale: "log2" | "log10" | "linear";
}

export interface ChartSeries {
  label: string;
  color: string;
  points: readonly (readonly [number, number])[];
  line?: "solid" | "dashed" | "none";
  /** `ring`: hollow marker (measured points), `dot`: filled. */
  marker?: "dot" | "ring" | "none";
  /** The marker's shape (circle by default): series of one colour family stay apart without colour. */
  shape?: MarkerShape;
}

export type MarkerShape =
  | "circle"
  | "square"
  | "triangle"
  | "diamond"
  | "triangle-down"
  | "triangle-right"
  | "triangle-left";
/** Shapes in the order series get them: as many as the palette has colours but one (the simulated line's). */
export const SHAPES: readonly MarkerShape[] = [
  "circle",
  "square",
  "triangle",
  "diamond",
  "triangle-down",
  "triangle-right",
  "triangle-left",
];

/** One marker of `shape`, centred on (cx, cy), about as large as a circle of radius r. */
function markerSvg(shape: MarkerShape, cx: number, cy: number, r: number): string {
  const p = (pts: [number, number][]) =>
    `<path d="M${pts.map(([x, y]) => `${f(cx + x * r)},${f(cy + y * r)}`).join("L")}Z"/>`;
  switch (shape) {
    case "square":
      return p([
        [-0.9, -0.9],
        [0.9, -0.9],
        [0.9, 0.9],
        [-0.9, 0.9],
      ]);
    case "triangle":
      return p([
        [0, -1.2],
        [1.05, 0.7],
        [-1.05, 0.7],
      ]);
    case "triangle-down":
      return p([
        [0, 1.2],
        [1.05, -0.7],
        [-1.05, -0.7],
      ]);
    case "triangle-right":
      return p([
        [1.2, 0],
        [-0.7, 1.05],
        [-0.7, -1.05],
      ]);
    case "triangle-left":
      return p([
        [-1.2, 0],
        [0.7, 1.05],
        [0.7, -1.05],
      ]);
    case "diamond":
      return p([
        [0, -1.25],
        [1.25, 0],
        [0, 1.25],
        [-1.25, 0],
      ]);
    default:
      return `<circle cx="${f(cx)}" cy="${f(cy)}" r="${r}"/>`;
  }
}

interface ChartRule {
  axis: "x" | "y";
  value: number;
  label: string;
  color?: string;
  /** Where a horizontal rule's label sits (default right). */
  labelAt?: "left" | "right";
}

interface ChartSpec {
  id: string;
  title: string;
  desc: string;
  x: Axis;
  y: Axis;
  series: ChartSeries[];
  rules?: ChartRule[];
}

/** The two drawings: for laptops, and for a 390 px phone (as the report's figures, CSS shows one). */
const SIZES = [
  { W: 640, H: 320, suffix: "", cls: "chart-wide" },
  { W: 360, H: 300, suffix: "-narrow", cls: "chart-narrow" },
] as const;
/** Width of a label in DejaVu Sans at 12 px, a little generous (about 0.6 em a character). */
const labelWidth = (text: string) => text.length * 7.2;

const M = { top: 24, right: 24, bottom: 40, left: 60 };
/** Points are kept this far from the frame so markers at the ends are not cut. */
const INSET = 10;

type Domain = [number, number];

function domainOf(axis: Axis, values: number[]): Domain {
  const v =
    axis.scale === "linear"
      ? values.filter(Number.isFinite)
      : values.filter((x) => x > 0 && Number.isFinite(x));
  if (v.length === 0) return axis.scale === "linear" ? [0, 1] : [1, 10];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (axis.scale === "linear") {
    lo = Math.min(0, lo);
    hi = hi === lo ? lo + 1 : hi * 1.05;
  } else if (hi / lo < 1.5) {
    // A nearly flat series on a log axis: widen around it so the ticks mean something.
    const mid = Math.sqrt(lo * hi);
    lo = mid / 1.5;
    hi = mid * 1.5;
  }
  return [lo, hi];
}

function scaleOf(axis: Axis, [d0, d1]: Domain, [r0, r1]: Domain): (v: number) => number {
  if (axis.scale === "linear") return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
  const l0 = Math.log(d0);
  const span = Math.log(d1) - l0 || 1;
  return (v) => r0 + ((Math.log(v) - l0) / span) * (r1 - r0);
}

/** Evenly spaced round values in [lo, hi] (1, 2 or 5 × a power of ten), at most about `count`. */
function linearTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => (hi - lo) / s <= count) ?? 10 * pow;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push(Number(t.toPrecision(12)));
  return out;
}

/** Ticks for an axis `length` px long: powers of two at least about 45 px apart on a narrow axis. */
function ticksOf(axis: Axis, [lo, hi]: Domain, length: number): number[] {
  if (axis.scale === "linear") return linearTicks(lo, hi);
  if (axis.scale === "log2") {
    const all: number[] = [];
    for (let k = Math.ceil(Math.log2(lo) - 1e-9); 2 ** k <= hi * (1 + 1e-9); k++) all.push(2 ** k);
    const every = Math.ceil(all.length / Math.min(9, Math.floor(length / 45)));
    return all.filter((_, i) => i % every === 0);
  }
  const decades: number[] = [];
  for (let k = Math.ceil(Math.log10(lo) - 1e-9); 10 ** k <= hi * (1 + 1e-9); k++) decades.push(10 ** k);
  if (decades.length >= 3) return decades;
  const fine: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); 10 ** k <= hi; k++)
    for (const m of [1, 2, 5]) if (m * 10 ** k >= lo && m * 10 ** k <= hi) fine.push(m * 10 ** k);
  return fine.length >= 3 ? fine : linearTicks(lo, hi, 4).filter((t) => t > 0);
}

/** 1,500 → "1.5k", 2,000,000 → "2M", 0.25 → "0.25". */
export function tickLabel(v: number): string {
  const short = (x: number) => String(Number(x.toPrecision(3)));
  if (Math.abs(v) >= 1e6) return `${short(v / 1e6)}M`;
  if (Math.abs(v) >= 1e4) return `${short(v / 1e3)}k`;
  return short(v);
}

const f = (x: number): string => x.toFixed(1);

/** The chart as two `<svg>` drawings, wide then narrow (site.css shows the one for the screen). */
export function svgChart(c: ChartSpec): string {
  return SIZES.map(({ W, H, suffix, cls }) => drawChart({ ...c, id: c.id + suffix }, W, H, cls)).join("");
}

function drawChart(c: ChartSpec, W: number, H: number, cls: string): string {
  const plotted = c.series.map((s) => ({
    ...s,
    points: s.points.filter(
      ([x, y]) => (c.x.scale === "linear" || x > 0) && (c.y.scale === "linear" || y > 0),
    ),
  }));
  const xd = domainOf(c.x, [
    ...plotted.flatMap((s) => s.points.map((p) => p[0])),
    ...(c.rules ?? []).filter((r) => r.axis === "x").map((r) => r.value),
  ]);
  const yd = domainOf(c.y, [
    ...plotted.flatMap((s) => s.points.map((p) => p[1])),
    ...(c.rules ?? []).filter((r) => r.axis === "y").map((r) => r.value),
  ]);
  const x = scaleOf(c.x, xd, [M.left + INSET, W - M.right - INSET]);
  const y = scaleOf(c.y, yd, [H - M.bottom - INSET, M.top + INSET]);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="explore-chart ${cls}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${esc(c.id)}-title ${esc(c.id)}-desc" font-family="DejaVu Sans, sans-serif" font-size="12">`,
    `<title id="${esc(c.id)}-title">${esc(c.title)}</title><desc id="${esc(c.id)}-desc">${esc(c.desc)}</desc>`,
    `<rect width="${W}" height="${H}" fill="${BG}"/>`,
  ];
  // Grid and tick labels.
  const grid: string[] = [];
  for (const t of ticksOf(c.x, xd, W - M.left - M.right)) {
    grid.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${M.top}" y2="${H - M.bottom}"/>`);
    out.push(
      `<text x="${f(x(t))}" y="${H - M.bottom + 16}" text-anchor="middle" fill="${FG}">${tickLabel(t)}</text>`,
    );
  }
  for (const t of ticksOf(c.y, yd, H - M.top - M.bottom)) {
    grid.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(t))}" y2="${f(y(t))}"/>`);
    out.push(
      `<text x="${M.left - 6}" y="${f(y(t) + 4)}" text-anchor="end" fill="${FG}">${tickLabel(t)}</text>`,
    );
  }
  out.splice(
    3,
    0,
    `<g stroke="currentColor" stroke-opacity="0.12" color="${FG}">${grid.join("")}</g>`,
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="currentColor" stroke-opacity="0.45" color="${FG}"/>`,
  );
  // Axis labels where Plot puts them: y at the top left, x at the bottom right.
  out.push(`<text x="${M.left - 50}" y="${M.top - 9}" fill="${FG}">↑ ${esc(c.y.label)}</text>`);
  out.push(`<text x="${W - M.right}" y="${H - 6}" text-anchor="end" fill="${FG}">${esc(c.x.label)} →</text>`);
  // Reference rules with their labels.
  for (const r of c.rules ?? []) {
    const color = r.color ?? FG;
    if (r.axis === "x" && r.value > 0) {
      const px = f(x(r.value));
      out.push(
        `<line x1="${px}" x2="${px}" y1="${M.top}" y2="${H - M.bottom}" stroke="${color}" stroke-dasharray="4,3"/>`,
      );
      // Label at the bottom of the frame, where rising curves (throughput, memory) leave room: right
      // of the rule, else left of it, else (a narrow frame) as far right as it fits, across the rule.
      const w = labelWidth(r.label);
      const at = x(r.value);
      const [lx, anchor] =
        at + 4 + w <= W - M.right
          ? [at + 4, "start"]
          : at - 4 - w >= M.left + 4
            ? [at - 4, "end"]
            : [Math.max(M.left + 4, W - M.right - 4 - w), "start"];
      out.push(
        `<text x="${f(lx)}" y="${H - M.bottom - 6}" text-anchor="${anchor}" fill="${color}">${esc(r.label)}</text>`,
      );
    } else if (r.axis === "y" && (c.y.scale === "linear" || r.value > 0)) {
      const py = f(y(r.value));
      out.push(
        `<line x1="${M.left}" x2="${W - M.right}" y1="${py}" y2="${py}" stroke="${color}" stroke-dasharray="4,3"/>`,
      );
      const left = r.labelAt === "left";
      out.push(
        `<text x="${left ? M.left + 4 : W - M.right - 4}" y="${f(y(r.value) - 5)}" text-anchor="${left ? "start" : "end"}" fill="${color}">${esc(r.label)}</text>`,
      );
    }
  }
  // Series: a line through the points, then the markers on top.
  for (const s of plotted) {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    if ((s.line ?? "solid") !== "none" && pts.length > 1) {
      const d = pts.map(([px, py], i) => `${i ? "L" : "M"}${f(x(px))},${f(y(py))}`).join("");
      out.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.line === "dashed" ? ' stroke-dasharray="6,4"' : ""}/>`,
      );
    }
    const marker = s.marker ?? "dot";
    if (marker !== "none") {
      const fill = marker === "ring" ? BG : s.color;
      out.push(
        `<g fill="${fill}" stroke="${s.color}" stroke-width="${marker === "ring" ? 2 : 1}">${pts.map(([px, py]) => markerSvg(s.shape ?? "circle", x(px), y(py), marker === "ring" ? 4.5 : 3.5)).join("")}</g>`,
      );
    }
  }
  out.push("</svg>");
  return out.join("");
}

/** The chart's legend as an HTML list (wraps on a phone, unlike text inside the SVG). */
export function legendHtml(series: ChartSeries[]): string {
  const swatch = (s: ChartSeries) =>
    `<svg width="28" height="12" aria-hidden="true"><line x1="2" x2="26" y1="6" y2="6" stroke="${s.line === "none" ? "none" : s.color}" stroke-width="2"${s.line === "dashed" ? ' stroke-dasharray="5,3"' : ""}/>` +
    ((s.marker ?? "dot") === "none"
      ? ""
      : `<g fill="${s.marker === "ring" ? BG : s.color}" stroke="${s.color}" stroke-width="${s.marker === "ring" ? 2 : 1}">${markerSvg(s.shape ?? "circle", 14, 6, 3.5)}</g>`) +
    `</svg>`;
  return `<ul class="chart-legend">${series.map((s) => `<li>${swatch(s)} ${esc(s.label)}</li>`).join("")}</ul>`;
}
