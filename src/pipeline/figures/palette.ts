/**
 * The report's one palette. A precision always has the same hue, an accelerator the same colour on
 * every page of a build, and every colour is a CSS variable with its light value as fallback: pages
 * switch to the dark values (paletteCss), downloads keep the light ones (render.ts, lightSvg).
 *
 * Ten hues, three shades each. Light shades get darker and dark-mode shades lighter, so every one
 * keeps at least 3:1 contrast against its background (test/pipeline/figures/design.test.ts).
 */
import type { Precision } from "../schema.ts";

interface Hue {
  name: string;
  light: [string, string, string];
  dark: [string, string, string];
}

export const HUES: readonly Hue[] = [
  { name: "blue", light: ["#0072B2", "#004B75", "#002E48"], dark: ["#56B4E9", "#A5D7F5", "#D6EDFB"] },
  {
    name: "vermillion",
    light: ["#D55E00", "#A04500", "#6E2F00"],
    dark: ["#FF8A3D", "#FFB27F", "#FFD4B5"],
  },
  { name: "green", light: ["#008A64", "#006E50", "#00452F"], dark: ["#2FD1A0", "#7FE6C6", "#C2F5E5"] },
  { name: "purple", light: ["#AA4499", "#7E2F70", "#52204A"], dark: ["#E08AD6", "#EDB4E7", "#F7DAF3"] },
  { name: "amber", light: ["#A87200", "#845A00", "#573C00"], dark: ["#F0B429", "#F7CF73", "#FBE6B5"] },
  { name: "teal", light: ["#00798F", "#005F70", "#003E49"], dark: ["#5FD3E6", "#9EE4EF", "#D0F2F7"] },
  { name: "olive", light: ["#8C6D31", "#66501F", "#423312"], dark: ["#D4B06A", "#E3CC9C", "#F0E4CB"] },
  { name: "rose", light: ["#B8405E", "#8C2F47", "#5C1F2F"], dark: ["#F4A3B1", "#F8C4CD", "#FBE1E6"] },
  { name: "indigo", light: ["#4B4BC8", "#36369A", "#222266"], dark: ["#A3A3FF", "#C4C4FF", "#E1E1FF"] },
  { name: "grey", light: ["#6E7781", "#4B5259", "#2C3136"], dark: ["#A8B1BB", "#C9D0D7", "#E6EAEE"] },
];
const SHADES = 3;

/** Backgrounds the shades are checked against (the site's --bg in light and dark mode). */
export const BACKGROUNDS = { light: "#ffffff", dark: "#0d1117" } as const;

/** The colour of hue `hue` (wrapping), shade `shade`: a CSS variable with the light value as fallback. */
export function color(hue: number, shade = 0): string {
  const h = ((hue % HUES.length) + HUES.length) % HUES.length;
  const s = ((shade % SHADES) + SHADES) % SHADES;
  return `var(--atlas-${HUES[h]!.name}-${s}, ${HUES[h]!.light[s]})`;
}

/** Neutral colours for rules, reference lines and muted text: they follow the page's text colour. */
export const NEUTRAL = "currentColor";

const PRECISION_HUE: Record<Precision, number> = {
  fp32: 0,
  "mixed-fp16": 1,
  int8: 2,
  fp16: 3,
  bf16: 4,
  tf32: 5,
  unknown: 9,
};
/** A precision's hue on every page; `shade` tells apart two series of one precision in one figure. */
export const precisionColor = (p: string, shade = 0): string =>
  color(PRECISION_HUE[p as Precision] ?? 6, shade);

/**
 * Every accelerator's colour: one hue per family (the id's first part: "v100", "a100", "t4"), in turn
 * over the families sorted by name, and one shade per member, so related chips look related and each
 * keeps its colour on every page of a build.
 */
export function acceleratorColors(ids: readonly string[]): Map<string, string> {
  const family = (id: string) => id.split("-")[0]!;
  const families = [...new Set(ids.map(family))].sort();
  const members = new Map<string, string[]>();
  for (const id of [...new Set(ids)].sort())
    members.set(family(id), [...(members.get(family(id)) ?? []), id]);
  return new Map(
    [...new Set(ids)].map((id) => [
      id,
      color(families.indexOf(family(id)), members.get(family(id))!.indexOf(id)),
    ]),
  );
}

/** The `i`-th colour for categories without a fixed hue (memory quantities, audit checks, studies). */
export const categorical = (i: number): string => color(i % HUES.length, Math.floor(i / HUES.length));

/**
 * Colours for entries that each want a base colour, unique within one figure where the palette allows:
 * an entry whose colour is taken gets the next free shade of its hue; `n` counts the entries before it
 * that wanted the same base colour (it picks a different marker, see SYMBOLS).
 */
export function distinctColors<T>(
  entries: T[],
  base: (e: T) => string,
): { entry: T; color: string; n: number }[] {
  const taken = new Set<string>();
  const wanted = new Map<string, number>();
  return entries.map((entry) => {
    const b = base(entry);
    const n = wanted.get(b) ?? 0;
    wanted.set(b, n + 1);
    const free = [0, 1, 2].map((k) => shadeOf(b, k)).find((c) => !taken.has(c)) ?? shadeOf(b, n);
    taken.add(free);
    return { entry, color: free, n };
  });
}

/** The same hue, `n` shades on (a colour from `color`). */
function shadeOf(c: string, n: number): string {
  const m = /^var\(--atlas-([a-z]+)-(\d), /.exec(c);
  if (!m) return c;
  return color(
    HUES.findIndex((h) => h.name === m[1]),
    Number(m[2]) + n,
  );
}

/** Marker symbols in the order entries of one colour family get them, so coinciding lines stay visible. */
export const SYMBOLS = ["circle", "square", "triangle", "diamond", "star", "cross"] as const;
export type SymbolName = (typeof SYMBOLS)[number];

/** The dark-mode values of every colour variable, and the chart background and text colours, as CSS. */
export function paletteCss(): string {
  const vars = (mode: "light" | "dark") =>
    HUES.flatMap((h) => h[mode].map((c, s) => `--atlas-${h.name}-${s}:${c};`)).join("");
  const light = `:root{${vars("light")}--chart-bg:${BACKGROUNDS.light};--chart-fg:#1b1f24}`;
  // Print is always light, whatever the screen's scheme.
  return `${light}@media (prefers-color-scheme: dark){:root{${vars("dark")}--chart-bg:${BACKGROUNDS.dark};--chart-fg:#e6edf3}}@media print{${light}}`;
}
