/**
 * The footer stamped on a figure's SVG and PNG downloads, so a file pasted into a paper can be traced:
 * title, source studies, report version and permalink. The figure shown inline on a page stays clean.
 */
import type { Study } from "../schema.ts";
import { originalRecord, pinnedUrl, shortAuthors, type ReportMeta } from "./record.ts";
import { versionLabel, type ReportVersion } from "./version.ts";

interface StampLine {
  text: string;
  bold?: boolean;
}

const FONT_SIZE = 10;
const TITLE_SIZE = 11;
const LINE_GAP = 1.35;
const PAD_X = 8;
const PAD_TOP = 12;
const PAD_BOTTOM = 8;

/**
 * Advance widths (thousandths of an em) of printable ASCII, U+0020 to U+007E, in the DejaVu Sans
 * Regular and Bold shipped in assets/fonts (their hmtx tables). Other characters count as a full em,
 * more than any of them takes, so wrapped lines never run past the figure's width.
 */
const ASCII_WIDTHS = {
  regular: [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
    295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
    500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
    392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
  ],
  bold: [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
    372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838,
    500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
    478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
  ],
};

/** Width of `text` in pixels at `size`, in DejaVu Sans (an upper bound outside ASCII). */
export function textWidth(text: string, size: number, bold = false): number {
  const table = bold ? ASCII_WIDTHS.bold : ASCII_WIDTHS.regular;
  let units = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    units += cp >= 32 && cp < 127 ? table[cp - 32]! : 1000;
  }
  return (units * size) / 1000;
}

/** Greedy word wrap to `max` pixels; a word longer than a line (a URL) is split where it must be. */
export function wrapText(text: string, max: number, size: number, bold = false): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, size, bold) <= max) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = "";
    let rest = word;
    while (textWidth(rest, size, bold) > max) {
      let cut = 1;
      const chars = [...rest];
      while (cut < chars.length && textWidth(chars.slice(0, cut + 1).join(""), size, bold) <= max) cut++;
      lines.push(chars.slice(0, cut).join(""));
      rest = chars.slice(cut).join("");
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines;
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

function numberAttr(tag: string, name: string): number {
  const m = new RegExp(`\\s${name}="([0-9.]+)"`).exec(tag);
  if (!m) throw new Error(`stamp: the figure's <svg> has no numeric ${name} attribute`);
  return Number(m[1]);
}

/**
 * The SVG with a footer below the figure: the root's height and viewBox grow by the footer's height
 * and the footer is drawn after the figure's own marks. Everything else stays byte for byte.
 */
export function stampSvg(svg: string, stamp: StampLine[]): string {
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open || !svg.endsWith("</svg>")) throw new Error("stamp: a figure must be one <svg> element");
  const tag = open[0];
  const width = numberAttr(tag, "width");
  const height = numberAttr(tag, "height");
  const max = width - 2 * PAD_X;
  const rows = stamp.flatMap((l) => {
    const size = l.bold ? TITLE_SIZE : FONT_SIZE;
    return wrapText(l.text, max, size, l.bold).map((text) => ({ text, size, bold: l.bold === true }));
  });
  let y = height + PAD_TOP;
  const texts = rows.map((r) => {
    y += r.size * LINE_GAP;
    const weight = r.bold ? ' font-weight="bold"' : "";
    return `<text x="${PAD_X}" y="${round(y - r.size * (LINE_GAP - 1))}" font-size="${r.size}"${weight}>${escapeXml(r.text)}</text>`;
  });
  const total = round(y + PAD_BOTTOM);
  const footer =
    `<g class="atlas-stamp" text-anchor="start" fill="#1b1f24" stroke="none">` +
    `<rect x="0" y="${height}" width="${width}" height="${round(total - height)}" fill="white"/>` +
    `<line x1="${PAD_X}" x2="${width - PAD_X}" y1="${height + 4}" y2="${height + 4}" stroke="#8c959f" stroke-width="0.5"/>` +
    `${texts.join("")}</g>`;
  const newTag = tag
    .replace(/\sheight="[0-9.]+"/, ` height="${total}"`)
    .replace(/\sviewBox="[^"]*"/, ` viewBox="0 0 ${width} ${total}"`);
  return `${newTag}${svg.slice(tag.length, -"</svg>".length)}${footer}</svg>`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The footer of a figure's downloads: its title, the studies it shows, the report version and its permalink. */
export function figureStamp(
  meta: ReportMeta,
  v: ReportVersion,
  figure: { id: string; title: string; sources: string[] },
  studies: Map<string, Study>,
): StampLine[] {
  const sources = figure.sources.map((id) => {
    const s = studies.get(id);
    if (!s) return id;
    return `${shortAuthors(originalRecord(s))} (${s.year}), ${s.title}`;
  });
  return [
    { text: figure.title, bold: true },
    {
      text: sources.length
        ? `Source ${sources.length === 1 ? "study" : "studies"}: ${sources.join("; ")}.`
        : "Source studies: none; computed by the atlas.",
    },
    { text: `${meta.title}, ${versionLabel(v)}.` },
    { text: `Permalink: ${pinnedUrl(meta, v, `/figures/${figure.id}/`)}` },
  ];
}

/** A figure's SVG download: its SVG with the footer. */
export function stampedFigureSvg(
  meta: ReportMeta,
  v: ReportVersion,
  figure: { id: string; title: string; sources: string[]; svg: string },
  studies: Map<string, Study>,
): string {
  return stampSvg(figure.svg, figureStamp(meta, v, figure, studies));
}
