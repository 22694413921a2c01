/**
 * Outputs that must scale: the dataset written in pieces (byte-identical to one string), atomic writes
 * of pieces, the site's atlas without simulated rows, and PNGs drawn once per distinct SVG.
 */
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { CANONICAL_COLUMNS, type CanonicalRow } from "../../../src/pipeline/schema.ts";
import { measurementsCsvChunks, measurementsJsonChunks } from "../../../src/pipeline/output/measurements.ts";
import { writeFileAtomic } from "../../../src/pipeline/output/files.ts";
import { siteAtlas, siteAtlasJsonChunks } from "../../../src/pipeline/output/site-atlas.ts";
import { dataHash } from "../../../src/pipeline/cite/version.ts";
import {
  FIGURE_FONT_FILES,
  FIGURE_SUBSET_FONT_FILES,
  fontFilesFor,
  pngOptions,
  SUBSET_RANGES,
  svgToPng,
} from "../../../src/pipeline/figures/png.ts";
import { Resvg } from "@resvg/resvg-js";
import { publishFigure, renderFigure } from "../../../src/pipeline/figures/render.ts";
import { groupBy } from "../../../src/pipeline/group.ts";
import { drawFigurePngs, FigurePngDrawer, rendererKey } from "../../../scripts/lib/figure-pngs.ts";
import { csvLine } from "../../../src/pipeline/output/csv.ts";
import fc from "fast-check";
import { realAtlas } from "../../helpers/real-atlas.ts";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), "atlas-output-"));
  made.push(d);
  return d;
};

/** `n` rows with a quoted comma, a newline, an empty value and a derived formula, so CSV quoting is exercised. */
function rows(n: number): CanonicalRow[] {
  return Array.from({ length: n }, (_, i) => ({
    study: "s",
    series: `s-${i % 7}`,
    accelerator: "a",
    devices: 1,
    model: "resnet50_v1.5",
    input_width: 224,
    input_height: 224,
    precision: "fp32",
    framework: "Flow, v1",
    execution: "graph",
    batch_size: i + 1,
    latency_ms: i + 0.5,
    latency_p90_ms: null,
    latency_p95_ms: null,
    latency_p99_ms: null,
    utilization_pct: null,
    memory_used_mb: null,
    throughput_img_s: 1000 / (i + 1),
    power_w: null,
    img_s_per_w: null,
    cost_usd_per_1000_img: null,
    fraction_of_peak: null,
    kind: i % 3 === 0 ? "simulated" : "measured",
    note: i % 5 === 0 ? 'a "quoted"\nnote' : "",
    derived: "throughput_img_s=batch_size/latency_ms",
    source_file: "data/x.csv",
    source_line: String(i + 2),
  }));
}

describe("the dataset written in pieces", () => {
  const many = rows(25_003); // across two chunk boundaries, with a short last chunk

  it("CSV pieces join to one file that parses back to every row", () => {
    const pieces = [...measurementsCsvChunks(many)];
    expect(pieces.length).toBeGreaterThan(3);
    const csv = pieces.join("");
    const parsed = Papa.parse<string[]>(csv.trimEnd(), { skipEmptyLines: false });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[0]).toEqual(CANONICAL_COLUMNS);
    expect(parsed.data).toHaveLength(many.length + 1);
    expect(parsed.data[1]![CANONICAL_COLUMNS.indexOf("note")]).toBe('a "quoted"\nnote');
    expect(parsed.data.at(-1)![CANONICAL_COLUMNS.indexOf("batch_size")]).toBe("25003");
    expect(dataHash(measurementsCsvChunks(many))).toBe(dataHash(csv));
  });

  it("JSON pieces join to exactly JSON.stringify of the whole table", () => {
    const json = [...measurementsJsonChunks(many)].join("");
    expect(json).toBe(
      `${JSON.stringify({ columns: CANONICAL_COLUMNS, rows: many.map((r) => CANONICAL_COLUMNS.map((c) => r[c])) })}\n`,
    );
    expect([...measurementsJsonChunks([])].join("")).toBe(
      `{"columns":${JSON.stringify(CANONICAL_COLUMNS)},"rows":[]}\n`,
    );
  });

  it("a failure while writing pieces leaves the previous file and no temporary file", () => {
    const dir = temp();
    const path = join(dir, "measurements.csv");
    writeFileSync(path, "previous\n");
    function* failing() {
      yield "half a ";
      throw new Error("generator failed");
    }
    expect(() => writeFileAtomic(path, failing())).toThrow("generator failed");
    expect(readFileSync(path, "utf8")).toBe("previous\n");
    expect(readdirSync(dir)).toEqual(["measurements.csv"]);
    writeFileAtomic(path, ["new ", "file\n"]);
    expect(readFileSync(path, "utf8")).toBe("new file\n");
  });
});

/** Text as an SVG element's content: the three characters XML escapes there. */
const xmlText = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

describe("the site's atlas", () => {
  const atlas = realAtlas();
  const site = siteAtlas(
    atlas,
    atlas.figures.map(publishFigure),
    { version: "0.0.0", dataHash: "00000000", sourceHash: null, release: null },
    [],
  );

  it("keeps every measured and claim row and no simulated row", () => {
    expect(atlas.rows.some((r) => r.kind === "simulated")).toBe(true);
    expect(site.rows.some((r) => r.kind === "simulated")).toBe(false);
    expect(site.rows).toEqual(atlas.rows.filter((r) => r.kind !== "simulated"));
  });

  it("leaves out the MLPerf comparisons, which pages show only through figures and finding numbers", () => {
    expect(atlas.mlperfAnalysis.efficiency.length).toBeGreaterThan(0);
    expect(site).not.toHaveProperty("mlperfAnalysis");
    expect(Object.keys(site)).toContain("mlperf");
  });

  it("carries every figure once, rendered, without Plot options", () => {
    expect(site.figures.map((f) => f.id)).toEqual(atlas.figures.map((f) => f.id));
    const spec = atlas.figures.find((f) => f.id === "fig-batch-scaling-architectures")!;
    const published = site.figures.find((f) => f.id === spec.id)!;
    // Rendered: this figure's SVG, labelled by its own title and description, with Plot's
    // process-global ids renumbered per figure.
    expect(published.svg).toMatch(/^<svg [^>]*role="img"/);
    expect(published.svg).toContain(`aria-labelledby="${spec.id}-title ${spec.id}-desc"`);
    expect(published.svg).toContain(`<title id="${spec.id}-title">${xmlText(spec.title)}</title>`);
    expect(published.svg).toContain(`<desc id="${spec.id}-desc">${xmlText(spec.alt)}</desc>`);
    expect(published.svg).not.toMatch(/plot-(?:clip|filter|pattern|marker)-\d/);
    expect(published).not.toHaveProperty("plot");
    expect(published.rows).toEqual(spec.rows);
    // Simulated curves stay in the figures even though the rows are gone.
    expect(site.figures.find((f) => f.id.startsWith("fig-simulated-"))!.rows.length).toBeGreaterThan(0);
  });

  it("is written in pieces whose concatenation is exactly JSON.stringify of it", () => {
    const chunks = [...siteAtlasJsonChunks(site)];
    expect(chunks.length).toBeGreaterThan(site.figures.length);
    expect(chunks.join("")).toBe(JSON.stringify(site));
    // Keys whose value is undefined are left out, as JSON.stringify leaves them out.
    const sparse = { ...site, validation: undefined } as unknown as typeof site;
    expect([...siteAtlasJsonChunks(sparse)].join("")).toBe(JSON.stringify(sparse));
  });
});

describe("figure PNGs", () => {
  const atlas = realAtlas();
  const figures = atlas.figures.slice(0, 3).map((f) => ({ id: f.id, svg: renderFigure(f) }));

  it("are the bytes svgToPng draws, reused from the cache on the next build, and pruned when a figure goes", async () => {
    const cache = join(temp(), "cache");
    const first = await drawFigurePngs(figures, cache);
    expect([first.drawn, first.cached]).toEqual([3, 0]);
    for (const f of figures) expect(readFileSync(first.files.get(f.id)!).equals(svgToPng(f.svg))).toBe(true);
    const again = await drawFigurePngs(figures, cache);
    expect([again.drawn, again.cached]).toEqual([0, 3]);
    expect(again.files).toEqual(first.files);
    // A changed SVG is drawn again; a figure no longer in the report loses its cache entry.
    const changed = [
      { ...figures[0]!, svg: figures[0]!.svg.replace("</svg>", '<rect width="1" height="1"/></svg>') },
      figures[1]!,
    ];
    const third = await drawFigurePngs(changed, cache);
    expect([third.drawn, third.cached]).toEqual([1, 1]);
    expect(third.files.get(figures[0]!.id)).not.toBe(first.files.get(figures[0]!.id));
    expect(readFileSync(third.files.get(figures[0]!.id)!).equals(svgToPng(changed[0]!.svg))).toBe(true);
    expect(readdirSync(cache).sort()).toEqual(
      [...third.files.values()].map((p) => p.slice(cache.length + 1)).sort(),
    );
    expect(existsSync(first.files.get(figures[2]!.id)!)).toBe(false);
  });

  it("use the subset fonts only where they give the same pixels as the full fonts", () => {
    const svg = (text: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="24" font-family="DejaVu Sans">${text}</text></svg>`;
    expect(fontFilesFor(svg("η ≥ 90 % → ■ 2²¹ px, µs, “quotes”"))).toEqual(FIGURE_SUBSET_FONT_FILES);
    expect(fontFilesFor(svg("MN-Core 2 の測定"))).toEqual(FIGURE_FONT_FILES);
    expect(fontFilesFor(svg("&#x65E5;"))).toEqual(FIGURE_FONT_FILES);
    expect(fontFilesFor(svg("&#12354;"))).toEqual(FIGURE_FONT_FILES);
    // The subsets against the full fonts, drawn as the build draws (2×), in both weights: every character
    // of the subset ranges (glyphs and advances), every ordered pair of printable ASCII characters
    // (kerning), and every run of text in the report's figures that goes beyond ASCII (the pairs they
    // really set). Text alone: drawing each covered figure twice took 40 s of the suite.
    const draw = (s: string, fontFiles: string[]) =>
      new Resvg(s, {
        fitTo: { mode: "zoom", value: 2 },
        background: "white",
        font: { loadSystemFonts: false, fontFiles, defaultFontFamily: "DejaVu Sans" },
      }).render();
    const figures = atlas.figures.map((f) => renderFigure(f));
    const covered = figures.filter((s) => fontFilesFor(s) === FIGURE_SUBSET_FONT_FILES);
    expect(covered.length).toBeGreaterThan(figures.length / 2);
    const { lines, runs } = textSheetLines(covered);
    expect(runs).toBeGreaterThan(20);
    // The figures set text at 10 to 12 px, titles in bold. Every size scales the same outlines, advances
    // and kerning, so one size per weight shows the font tables equal.
    for (const [size, weight] of [
      [10, "normal"],
      [12, "bold"],
    ] as const) {
      const s = textSheet(lines, size, weight);
      expect(fontFilesFor(s)).toEqual(FIGURE_SUBSET_FONT_FILES);
      // No line runs off the sheet: a pair drawn outside it would not be compared.
      const sheet = new Resvg(s, { font: { loadSystemFonts: false, fontFiles: FIGURE_FONT_FILES } });
      const box = sheet.getBBox()!;
      expect(box.x + box.width, `${size} ${weight}`).toBeLessThan(sheet.width);
      // The pixels themselves: encoding a sheet as PNG takes longer than drawing it.
      const pixels = (files: string[]) => draw(s, files).pixels;
      expect(pixels(FIGURE_SUBSET_FONT_FILES).equals(pixels(FIGURE_FONT_FILES)), `${size} ${weight}`).toBe(
        true,
      );
    }
    // And one whole figure with marks, as a figure is drawn.
    expect(svgToPng(covered[0]!).equals(draw(covered[0]!, FIGURE_FONT_FILES).asPng())).toBe(true);
  });

  it("are all drawn, once each, when more workers join after the last figure (as the build does)", async () => {
    const many = atlas.figures.slice(0, 8).map((f) => ({ id: f.id, svg: renderFigure(f) }));
    const drawer = new FigurePngDrawer(join(temp(), "cache"));
    for (const f of many) drawer.add(f);
    const done = drawer.finish();
    drawer.addWorkers(3);
    const result = await done;
    expect([result.drawn, result.cached]).toEqual([8, 0]);
    for (const f of many)
      expect(readFileSync(result.files.get(f.id)!).equals(svgToPng(f.svg)), f.id).toBe(true);
    expect(readdirSync(join(result.files.get(many[0]!.id)!, "..")).filter((n) => n.endsWith(".tmp"))).toEqual(
      [],
    );
  });

  it("give each drawing's memory back before the next (thousands of figures must not pile up)", async () => {
    // resvg's pixels (~5 MB a figure here) live outside V8's heap: before the worker collected after
    // each figure, these 120 drawings raised the process by ~600 MB; now by ~30 MB.
    const svg = renderFigure(atlas.figures.find((f) => f.id.startsWith("fig-throughput-"))!);
    const drawer = new FigurePngDrawer(join(temp(), "cache"));
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      for (let i = 0; i < 120; i++)
        drawer.add({ id: `copy-${i}`, svg: svg.replace("</svg>", `<!-- ${i} --></svg>`) });
      expect((await drawer.finish()).drawn).toBe(120);
    } finally {
      clearInterval(sampler);
    }
    expect((peak - before) / 2 ** 20).toBeLessThan(300);
  });

  it("are cached under every option resvg draws with, fonts by their contents", () => {
    const key = rendererKey();
    const svg = renderFigure(atlas.figures[0]!);
    const options = pngOptions(svg);
    expect(key(pngOptions(svg))).toBe(key(options));
    // A change to any option must draw the PNGs again, not serve the cached ones.
    expect(key({ ...options, background: "black" })).not.toBe(key(options));
    expect(key({ ...options, fitTo: { mode: "zoom", value: 3 } })).not.toBe(key(options));
    expect(key({ ...options, font: { ...options.font, defaultFontFamily: "Other" } })).not.toBe(key(options));
    // The same font file under another path is the same font.
    const copy = join(temp(), "font-copy.ttf");
    writeFileSync(copy, readFileSync(options.font!.fontFiles![0]!));
    const moved = {
      ...options,
      font: { ...options.font, fontFiles: [copy, ...options.font!.fontFiles!.slice(1)] },
    };
    expect(key(moved)).toBe(key(options));
  });

  it("fail loudly when a worker cannot draw", async () => {
    await expect(
      drawFigurePngs([{ id: "broken", svg: "<not an svg" }], join(temp(), "cache")),
    ).rejects.toThrow();
  });
});

describe("csvLine", () => {
  it("quotes exactly as papaparse's unparse does, formula cells escaped as its escapeFormulae does (numbers excepted)", () => {
    const tricky = fc.constantFrom(
      ",",
      '"',
      "\n",
      "\r",
      "\uFEFF",
      " ",
      "a",
      "é",
      "=",
      ";",
      "\t",
      "+",
      "-",
      "@",
      "1",
      ".",
      "e",
    );
    const field = fc.oneof(
      fc.string(),
      fc.array(tricky).map((cs) => cs.join("")),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    );
    // OWASP's list (= + - @ tab CR) at the start of a cell, unless the whole cell is a plain number.
    const escapeFormulae = /^(?![-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$)[=+\-@\t\r]/;
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), (fields) => {
        expect(csvLine(fields)).toBe(
          `${Papa.unparse([fields], { newline: "\n", quotes: false, escapeFormulae })}\n`,
        );
      }),
      { numRuns: 2000 },
    );
    expect(csvLine(["a b", " lead", "trail ", 'say "hi"', "x,y"])).toBe(
      'a b," lead","trail ","say ""hi""","x,y"\n',
    );
  });
});

describe("groupBy", () => {
  it("keeps first-seen order of groups and items", () => {
    const g = groupBy(["b1", "a1", "b2", "c1", "a2"], (s) => s[0]!);
    expect([...g.entries()]).toEqual([
      ["b", ["b1", "b2"]],
      ["a", ["a1", "a2"]],
      ["c", ["c1"]],
    ]);
  });
});

/** Lines of text for comparing the subset fonts with the full ones (see the test above), and how many are the figures' runs. */
function textSheetLines(figureSvgs: string[]): { lines: string[]; runs: number } {
  // Every assigned character of the ranges but controls and line or paragraph separators.
  const chars: string[] = [];
  for (const [lo, hi] of SUBSET_RANGES)
    for (let cp = lo; cp <= hi; cp++) {
      const ch = String.fromCodePoint(cp);
      if (!/[\p{C}\p{Zl}\p{Zp}]/u.test(ch)) chars.push(ch);
    }
  const lines: string[] = [];
  for (let i = 0; i < chars.length; i += 64) lines.push(chars.slice(i, i + 64).join(""));
  const ascii = chars.filter((c) => c >= "!" && c <= "~");
  for (const a of ascii) lines.push(ascii.map((b) => a + b).join(""));
  const runs = new Set<string>();
  for (const svg of figureSvgs)
    for (const [, inner] of svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)) {
      const text = inner!.replace(/<[^>]*>/g, "");
      if (/[^\x20-\x7e]|&#/.test(text)) runs.add(text);
    }
  return { lines: [...lines.map(escapeXml), ...[...runs].sort()], runs: runs.size };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function textSheet(lines: string[], size: number, weight: string): string {
  const step = Math.ceil(size * 1.5);
  const texts = lines.map((l, i) => `<text x="4" y="${(i + 1) * step}" xml:space="preserve">${l}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size * 190}" height="${(lines.length + 1) * step}"><g font-family="DejaVu Sans" font-size="${size}" font-weight="${weight}">${texts.join("")}</g></svg>`;
}
