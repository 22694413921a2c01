/**
 * Every page type in Debian's chromium at phone (390 px) and laptop (1280 px) widths, light and dark:
 * no page scrolls sideways, chart text is at least 11 CSS px on the phone, figures follow the colour
 * scheme, legends never cover plotted marks, and axe-core finds no violation. The cheap checks run in
 * all four combinations; axe (about a second a page) runs once per page type, in turn at phone width
 * and dark and at laptop width and light, so both widths and both schemes are covered and the file
 * stays near half a minute. ATLAS_AXE_ALL=1 runs axe in every combination (about four times longer).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { closeSiteInChromium, openSiteInChromium, type StaticServer } from "../helpers/browser.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** One page of each type (and the pages that showed a problem before issue 17). */
const PAGES = [
  "/",
  "/findings/",
  "/findings/claims-ledger/",
  "/findings/megapixel-memory/",
  "/findings/data-quality-audit/",
  "/accelerators/",
  "/accelerators/t4/",
  "/accelerators/graphcore-gc2/",
  "/accelerators/mn-core-2/",
  "/studies/",
  "/studies/v100-p100-resnet50-course/",
  "/studies/graphcore-c2-resnext101/",
  "/methodology/",
  "/data/",
  "/figures/",
  "/figures/fig-cost-per-1000-images/",
  "/docs/simulator/",
  "/explore/",
  "/explore/what-if/",
  "/explore/compare/",
  "/search/",
  "/cite/",
  "/versions/",
];
const COMBOS = [
  { width: 390, scheme: "light", axe: null },
  { width: 390, scheme: "dark", axe: 0 },
  { width: 1280, scheme: "light", axe: 1 },
  { width: 1280, scheme: "dark", axe: null },
] as const;
const AXE_ALL = process.env.ATLAS_AXE_ALL === "1";
/** Whether axe checks page `i` in a combination: every other page type, by turns, unless all are asked for. */
const axeHere = (combo: (typeof COMBOS)[number], i: number) =>
  AXE_ALL || (combo.axe !== null && i % 2 === combo.axe);
/** Figures whose legend sat over the data before issue 17, on the pages that show them. */
const LEGEND_FIGURES = [
  ["/accelerators/t4/", "fig-throughput-t4-resnet50"],
  ["/accelerators/graphcore-gc2/", "fig-latency-graphcore-gc2-resnext101"],
  ["/findings/megapixel-memory/", "fig-memory-yolov3"],
  ["/figures/fig-cost-per-1000-images/", "fig-cost-per-1000-images"],
] as const;

let server: StaticServer;
let browser: Browser;
beforeAll(async () => ({ server, browser } = await openSiteInChromium()), 120_000);
afterAll(() => closeSiteInChromium({ server, browser }));

interface PageReport {
  overflow: number;
  smallestChartText: number | null;
  chartBackgrounds: string[];
}

/** Measures the open page: sideways scroll, the smallest chart text as drawn, and figure backgrounds. */
const measure = (page: Page): Promise<PageReport> =>
  page.evaluate(() => {
    const root = document.documentElement;
    let smallest: number | null = null;
    const backgrounds: string[] = [];
    for (const svg of document.querySelectorAll<SVGSVGElement>("figure svg[role=img]")) {
      if (svg.getClientRects().length === 0) continue; // the rendering for the other width
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      for (const t of svg.querySelectorAll("text")) {
        if (!t.textContent?.trim()) continue;
        const px = Number.parseFloat(getComputedStyle(t).fontSize) * scale;
        smallest = smallest === null ? px : Math.min(smallest, px);
      }
      const bg = getComputedStyle(svg).backgroundColor;
      backgrounds.push(
        bg === "rgba(0, 0, 0, 0)" ? getComputedStyle(svg.querySelector("rect") ?? svg).fill : bg,
      );
    }
    return {
      overflow: root.scrollWidth - root.clientWidth,
      smallestChartText: smallest,
      chartBackgrounds: backgrounds,
    };
  });

/** Relative luminance of a CSS rgb() colour. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe("every page type at 390 and 1280 px, light and dark", () => {
  for (const combo of COMBOS) {
    it(`${combo.width} px, ${combo.scheme}: no sideways scroll, legible charts in the page's colours${combo.axe !== null || AXE_ALL ? ", no axe violations" : ""}`, async () => {
      const context = await browser.newContext({
        viewport: { width: combo.width, height: 900 },
        colorScheme: combo.scheme,
      });
      const page = await context.newPage();
      const problems: string[] = [];
      for (const [i, path] of PAGES.entries()) {
        await page.goto(server.url + path);
        const r = await measure(page);
        if (r.overflow > 0) problems.push(`${path}: scrolls sideways by ${r.overflow} px`);
        if (combo.width === 390 && r.smallestChartText !== null && r.smallestChartText < 11)
          problems.push(`${path}: chart text ${r.smallestChartText.toFixed(1)} px`);
        for (const bg of r.chartBackgrounds) {
          const dark = luminance(bg) < 0.2;
          if (dark !== (combo.scheme === "dark"))
            problems.push(`${path}: chart background ${bg} in ${combo.scheme} mode`);
        }
        if (axeHere(combo, i)) {
          await page.addScriptTag({ path: AXE });
          const violations = await page.evaluate(async () => {
            const axe = (
              window as unknown as {
                axe: {
                  run: (
                    c: Document,
                    o: object,
                  ) => Promise<{ violations: { id: string; nodes: unknown[] }[] }>;
                };
              }
            ).axe;
            const result = await axe.run(document, { resultTypes: ["violations"] });
            return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
          });
          for (const v of violations) problems.push(`${path}: axe ${v}`);
        }
      }
      await context.close();
      expect(problems).toEqual([]);
    }, 300_000);
  }
});

describe("legends", () => {
  it("never overlap the plotted marks or axis labels of the figures where they used to", async () => {
    const overlaps: string[] = [];
    for (const width of [390, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      for (const [path, id] of LEGEND_FIGURES) {
        await page.goto(server.url + path);
        const found = await page.evaluate((figureId) => {
          const svg = [...document.querySelectorAll<SVGSVGElement>(`#${figureId} svg[role=img]`)].find(
            (s) => s.getClientRects().length > 0,
          );
          if (!svg) return ["figure not shown"];
          const legend = svg.querySelector(".atlas-legend");
          if (!legend) return ["no legend"];
          const box = legend.getBoundingClientRect();
          const marks = svg.querySelectorAll(
            '[data-mark="line"] path, [data-mark="dot"] circle, [data-mark="dot"] path, [data-mark="bar"] rect, [data-mark="link"] path, [data-mark$="tick label"] text, [data-mark="text"] text',
          );
          if (marks.length === 0) return ["no marks found"];
          const hit: string[] = [];
          for (const m of marks) {
            const b = m.getBoundingClientRect();
            if (b.left < box.right && b.right > box.left && b.top < box.bottom && b.bottom > box.top)
              hit.push(
                `${m.parentElement?.getAttribute("data-mark")} at ${Math.round(b.left)},${Math.round(b.top)}`,
              );
          }
          return hit;
        }, id);
        for (const f of found) overlaps.push(`${width} px ${id}: ${f}`);
      }
      await page.close();
    }
    expect(overlaps).toEqual([]);
  }, 120_000);
});

describe("print", () => {
  it("shows what closed <details> hold (data tables, per-series errors), which a printout cannot open", async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 1000 } });
    const hidden = (path: string) =>
      page.goto(server.url + path).then(() =>
        page.evaluate(() =>
          [...document.querySelectorAll("details:not([open])")]
            .map((d) => d.querySelector(":scope > :not(summary)"))
            .filter((c): c is Element => c !== null && !c.checkVisibility())
            .map((c) => c.textContent?.slice(0, 40) ?? ""),
        ),
      );
    const path = "/findings/simulator-validation/";
    // On screen the tables are folded away; in print every one of them is there.
    expect((await hidden(path)).length).toBeGreaterThan(2);
    await page.emulateMedia({ media: "print" });
    expect(await hidden(path)).toEqual([]);
    await page.close();
  });
});

describe("wide tables on a phone", () => {
  it("keep their captions on screen and, scrolled sideways, their row names in view", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const clipped: string[] = [];
    for (const path of ["/accelerators/", "/findings/simulator-validation/", "/explore/what-if/"]) {
      await page.goto(server.url + path);
      // Captions inside folded sections too: open them, or their boxes have no size to check.
      await page.evaluate(() => {
        for (const d of document.querySelectorAll("details")) d.open = true;
      });
      clipped.push(
        ...(await page.evaluate(() =>
          [...document.querySelectorAll(".table-wrap caption")]
            .filter((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map((c) => `${location.pathname}: ${c.textContent?.slice(0, 40)}`),
        )),
      );
    }
    expect(clipped).toEqual([]);
    await page.goto(`${server.url}/accelerators/`);
    const left = await page.evaluate(() => {
      const wrap = document.querySelector(".table-wrap")!;
      wrap.scrollLeft = 300;
      const name = wrap.querySelector("tbody th[scope=row]")!;
      return [name.getBoundingClientRect().left, wrap.getBoundingClientRect().left];
    });
    expect(left[0]).toBeCloseTo(left[1]!, 0);
    await page.close();
  });
});
