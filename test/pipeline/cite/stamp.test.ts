/**
 * The footer on figure downloads: the figure's own markup is kept byte for byte, the footer names the
 * title, every source study, the version and the permalink, and its text fits the figure's width when
 * drawn with the shipped fonts (measured by resvg, for every figure of the repository's data).
 */
import { describe, expect, it } from "vitest";
import { Resvg } from "@resvg/resvg-js";
import { publishFigure } from "../../../src/pipeline/figures/render.ts";
import { pngOptions } from "../../../src/pipeline/figures/png.ts";
import {
  figureStamp,
  stampedFigureSvg,
  stampSvg,
  textWidth,
  wrapText,
} from "../../../src/pipeline/cite/stamp.ts";
import { reportVersion } from "../../../src/pipeline/cite/version.ts";
import type { ReportMeta } from "../../../src/pipeline/cite/record.ts";
import { realAtlas } from "../../helpers/real-atlas.ts";

const meta: ReportMeta = {
  title: "Inference Scaling Atlas",
  siteUrl: "https://a-rather-long-owner-name.github.io/inference-scaling-atlas-fork/",
  authors: [{ name: "Inference Scaling Atlas contributors" }],
};
const release = {
  version: "10.20.30",
  date: "2026-12-01",
  dataHash: "abcd1234",
  sourceHash: "s",
  changes: [],
};
const version = reportVersion("10.20.30", "abcd1234", "s", [release]);
const atlas = realAtlas();
const studies = new Map(atlas.studies.map((s) => [s.study.id, s.study]));
const figures = atlas.figures.map(publishFigure);

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100" text-anchor="middle"><g><text>x</text></g></svg>';

describe("stampSvg", () => {
  it("keeps the figure's markup and grows only the height and viewBox by the footer", () => {
    const out = stampSvg(SVG, [
      { text: "Title <&> “x”", bold: true },
      { text: "Permalink: https://example.org/a/" },
    ]);
    const height = Number(/ height="([0-9.]+)"/.exec(out)![1]);
    expect(height).toBeGreaterThan(100);
    expect(out).toContain(` width="300" height="${height}" viewBox="0 0 300 ${height}"`);
    expect(out).toContain('<g><text>x</text></g><g class="atlas-stamp"');
    expect(
      out
        .replace(/<g class="atlas-stamp".*<\/g><\/svg>$/, "</svg>")
        .replace(/ height="[0-9.]+"/, ' height="100"')
        .replace(/viewBox="[^"]*"/, 'viewBox="0 0 300 100"'),
    ).toBe(SVG);
    expect(out).toContain(">Title &lt;&amp;&gt; “x”</text>");
    expect(out).toContain('text-anchor="start"');
  });

  it("refuses anything but one <svg> element", () => {
    expect(() => stampSvg("<figure><svg></svg></figure>", [])).toThrow(/one <svg>/);
    expect(() => stampSvg('<svg height="1"></svg>', [])).toThrow(/width/);
  });
});

describe("wrapping", () => {
  it("keeps every line within the width and every character, splitting a word longer than a line", () => {
    const text = `Permalink: https://example.org/${"very-long-path-segment/".repeat(12)} and some words after it`;
    const lines = wrapText(text, 200, 10);
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(textWidth(l, 10)).toBeLessThanOrEqual(200);
    expect(lines.join("").replace(/ /g, "")).toBe(text.replace(/ /g, ""));
  });

  it("measures DejaVu Sans: wide letters wider than narrow ones, bold wider than regular, anything else a full em", () => {
    expect(textWidth("W", 10)).toBeGreaterThan(textWidth("i", 10));
    expect(textWidth("abc", 10, true)).toBeGreaterThan(textWidth("abc", 10));
    expect(textWidth("×", 10)).toBe(10);
  });
});

describe("the footer of every figure", () => {
  it("names the title, each source study, the version and the permalink", () => {
    for (const f of figures) {
      const lines = figureStamp(meta, version, f, studies).map((l) => l.text);
      expect(lines[0]).toBe(f.title);
      for (const id of f.sources) expect(lines[1], f.id).toContain(studies.get(id)!.title);
      if (f.sources.length === 0) expect(lines[1]).toBe("Source studies: none; computed by the atlas.");
      expect(lines[2]).toBe("Inference Scaling Atlas, release 10.20.30 (2026-12-01, data abcd1234).");
      expect(lines[3]).toBe(`Permalink: ${meta.siteUrl}v/10.20.30/figures/${f.id}/`);
    }
  });

  it("fits inside the figure's width when drawn with the shipped fonts (resvg)", () => {
    for (const f of figures) {
      const svg = stampedFigureSvg(meta, version, f, studies);
      const width = Number(/ width="([0-9.]+)"/.exec(svg)![1]);
      const height = Number(/ height="([0-9.]+)"/.exec(svg)![1]);
      // The footer's text alone (its rule and background span the width by design).
      const texts = /<g class="atlas-stamp"[^>]*>.*?(<text[\s\S]*)<\/g><\/svg>$/.exec(svg)![1];
      const footer = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif"><g text-anchor="start">${texts}</g></svg>`;
      const box = new Resvg(footer, pngOptions(footer)).getBBox();
      expect(box, f.id).toBeDefined();
      expect(box!.x, f.id).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, f.id).toBeLessThanOrEqual(width - 4);
      expect(box!.y + box!.height, f.id).toBeLessThanOrEqual(height);
    }
  });
});
