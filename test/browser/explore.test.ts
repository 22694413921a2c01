/**
 * The explore pages and search in Debian's chromium: inputs drive the charts and the URL, a URL
 * restores its view, search finds a study by name, the browser's numbers are the CLI's, the pages
 * work without JavaScript and on a phone, and the script each page loads stays small.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { closeSiteInChromium, openSiteInChromium, type StaticServer } from "../helpers/browser.ts";
import { simulateCli } from "../../src/pipeline/simulate/cli.ts";
import type { ExploreParams } from "../../src/client/explore-params.ts";
import { runWhatIf } from "../../src/client/whatif-run.ts";
import { parseWhatIf } from "../../src/client/whatif-state.ts";

const ROOT = join(import.meta.dirname, "..", "..");
let site: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => ({ site, server, browser } = await openSiteInChromium()), 120_000);
afterAll(() => closeSiteInChromium({ server, browser }));

/** A page that fails the test on any console error; `ready` waits for the page's script to take over. */
async function open(
  path: string,
  ready = "#whatif-form:not([hidden]), #compare-form:not([hidden])",
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url + path);
  if (ready) await page.waitForSelector(ready);
  return { page, errors };
}

const query = (page: Page) => new URL(page.url()).searchParams;
/** Exact numbers of the results table row for one batch: [latency ms, throughput img/s]. */
const rowValues = (page: Page, batch: number) =>
  page.$$eval(`#whatif-table tr[data-batch="${batch}"] td[data-value]`, (tds) =>
    tds.slice(0, 2).map((td) => Number(td.getAttribute("data-value"))),
  );

describe("what-if page", () => {
  it("recomputes the chart, the table and the URL when an input changes", async () => {
    const { page, errors } = await open("/explore/what-if/");
    expect(query(page).get("w")).toBe("224");
    const before = await page.textContent("#whatif-throughput-chart-title");
    const batch1 = await rowValues(page, 1);
    await page.getByLabel("Input size").selectOption("1920x1080");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("w") === "1920");
    expect(query(page).get("h")).toBe("1080");
    expect(await page.textContent("#whatif-throughput-chart-title")).not.toBe(before);
    expect(await page.textContent("#whatif-throughput-chart-title")).toContain("1920×1080");
    expect(await rowValues(page, 1)).not.toEqual(batch1);
    await page.getByLabel("Precision").selectOption("int8");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("p") === "int8");
    // Free entry: a width out of range is marked and leaves the last valid view (and URL) in place.
    await page.getByLabel("Width (pixels)").fill("10");
    expect(await page.getAttribute('input[name="w"]', "aria-invalid")).toBe("true");
    expect(query(page).get("w")).toBe("1920");
    await page.getByLabel("Width (pixels)").fill("1280");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("w") === "1280");
    expect(await page.inputValue('select[name="preset"]')).toBe("");
    // Switching to a custom chip starts from the current accelerator's numbers.
    await page.getByLabel("Accelerator", { exact: true }).selectOption("custom");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("acc") === "custom");
    expect(Number(query(page).get("bw"))).toBe(320);
    await page.getByLabel("On-chip SRAM (MiB)").fill("32");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("sram") === "32");
    expect(await page.textContent("#whatif-memory")).toContain("SRAM 32 MiB");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("restores the whole state from a link", async () => {
    const link =
      "?model=yolov3&w=1920&h=1080&p=int8&acc=custom&bmin=2&bmax=64&dev=2&policy=separate&peak=32&bw=25.6&sram=32&mem=8&eff=0.4&ovh=0.2&floor=0.01&wts=resident";
    const { page, errors } = await open(`/explore/what-if/${link}`);
    expect(new URL(page.url()).search).toBe(link);
    const values = await page.$$eval("#whatif-form input, #whatif-form select", (els) =>
      Object.fromEntries(els.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value])),
    );
    expect(values).toMatchObject({
      model: "yolov3",
      w: "1920",
      h: "1080",
      p: "int8",
      acc: "custom",
      bmin: "2",
      bmax: "64",
      dev: "2",
      policy: "separate",
      peak: "32",
      bw: "25.6",
      sram: "32",
      mem: "8",
      eff: "0.4",
      ovh: "0.2",
      floor: "0.01",
      wts: "resident",
    });
    expect(await page.isVisible("#whatif-custom")).toBe(true);
    expect(await page.isVisible("#whatif-stack-field")).toBe(false);
    expect(await page.textContent("#whatif-answer")).toContain("letterboxed to 1920×1088");
    expect(
      await page.$$eval("#whatif-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-batch"))),
    ).toEqual(["2", "4", "8", "16", "32", "64"]);
    // A broken link keeps what it can and says what it ignored.
    await page.goto(`${server.url}/explore/what-if/?model=yolov3&w=abc`);
    await page.waitForSelector("#whatif-form:not([hidden])");
    expect(await page.textContent("#whatif-status")).toContain("w=abc ignored");
    expect(query(page).get("model")).toBe("yolov3");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("gives the CLI's numbers for the same inputs (same simulator code and parameters)", async () => {
    const { page } = await open(
      "/explore/what-if/?model=resnet50_v1.5&w=1920&h=1080&p=int8&acc=t4&bmin=1&bmax=256",
    );
    const batchAt90 = Number(await page.textContent('[data-testid="batch-at-90"]'));
    for (const batch of [1, 8, 256]) {
      const cli = simulateCli([
        "--model",
        "resnet50",
        "--width",
        "1920",
        "--height",
        "1080",
        "--precision",
        "int8",
        "--batch",
        String(batch),
        "--accelerator",
        "t4",
        "--json",
      ]);
      expect(cli.code, cli.stderr).toBe(0);
      const out = JSON.parse(cli.stdout) as {
        latencyMs: number | null;
        throughputImgS: number | null;
        batchAt90PctPeak: number;
        infeasible: string | null;
      };
      // 256 images at 1080p do not fit in the T4's 16 GB: both say so.
      if (out.infeasible !== null)
        expect(await page.textContent(`#whatif-table tr[data-batch="${batch}"]`)).toContain(out.infeasible);
      else expect(await rowValues(page, batch)).toEqual([out.latencyMs, out.throughputImgS]);
      expect(batchAt90).toBe(out.batchAt90PctPeak);
    }
    // The command itself, as a reader runs it.
    const res = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/simulate.ts",
        "--model",
        "resnet50",
        "--width",
        "1920",
        "--height",
        "1080",
        "--precision",
        "int8",
        "--batch",
        "8",
        "--accelerator",
        "t4",
        "--json",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(res.status, res.stderr).toBe(0);
    const cli = JSON.parse(res.stdout) as { latencyMs: number; throughputImgS: number };
    expect(await rowValues(page, 8)).toEqual([cli.latencyMs, cli.throughputImgS]);
    // A custom chip: the browser bundle against the same pure functions run here on the published params.json.
    const params = JSON.parse(readFileSync(join(site, "explore", "params.json"), "utf8")) as ExploreParams;
    const link =
      "?model=resnext101_32x4d&w=608&h=608&p=fp16&acc=custom&bmin=1&bmax=32&peak=100&bw=900&sram=40&eff=0.3&ovh=0.5&floor=0.002";
    await page.goto(`${server.url}/explore/what-if/${link}`);
    await page.waitForSelector("#whatif-form:not([hidden])");
    const node = runWhatIf(params, parseWhatIf(link, params).state);
    if (!node.ok) throw new Error(node.error);
    for (const p of node.result.points)
      expect(await rowValues(page, p.batch)).toEqual([p.perf!.latencyMs, p.perf!.throughputImgS]);
    await page.close();
  }, 60_000);

  it("shows measured points of the same configuration beside the simulation", async () => {
    const { page } = await open("/explore/what-if/");
    expect(await page.$$eval("#whatif-measured tbody tr", (trs) => trs.length)).toBeGreaterThan(5);
    expect(await page.textContent("#whatif-measured")).toContain("dle-tf1-rn50-t4-amp");
    expect(await page.locator("#whatif-throughput .chart-legend li").count()).toBeGreaterThan(1);
    await page.close();
  });
});

describe("compare page", () => {
  it("changes normalization and series through the form and keeps them in the URL", async () => {
    const { page, errors } = await open("/explore/compare/");
    expect(query(page).getAll("s").length).toBe(4);
    expect(query(page).get("norm")).toBe("peak");
    await page.getByLabel("by batch-1 throughput").check();
    await page.waitForFunction(() => new URL(location.href).searchParams.get("norm") === "batch1");
    expect(await page.textContent("#compare-chart-title")).toContain("batch 1");
    await page.selectOption("#compare-acc", "h100-sxm");
    await page.selectOption("#compare-size", "1920x1080");
    await page.click("#compare-add-simulated");
    await page.waitForFunction(() => new URL(location.href).searchParams.getAll("s").length === 5);
    expect(query(page).getAll("s")).toContain("s~h100-sxm~resnet50_v1.5~1920x1080~fp16");
    expect(await page.locator("#compare-table thead th").count()).toBe(6);
    await page.getByRole("button", { name: /^Remove NVIDIA T4/ }).click();
    await page.waitForFunction(() => new URL(location.href).searchParams.getAll("s").length === 4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("restores a comparison from a link", async () => {
    const link = "?s=m~dle-pyt-rn50-v100-16gb-fp32&s=s~inferx-x1~yolov3~608x608~int8&norm=none";
    const { page, errors } = await open(`/explore/compare/${link}`);
    expect(new URL(page.url()).search).toBe(link);
    expect(await page.locator("#compare-current li").count()).toBe(2);
    expect(await page.isChecked('input[name="norm"][value="none"]')).toBe(true);
    expect(await page.textContent("#compare-chart-desc")).toContain("InferX X1");
    // Two series is the minimum: their remove buttons are disabled.
    expect(await page.locator("#compare-current button:disabled").count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("search", () => {
  it("finds a study by name, from the search page and from the header box on any page", async () => {
    const { page, errors } = await open("/search/?q=Graphcore", "#search-results:not([hidden])");
    const links = await page.$$eval("#search-results a", (as) =>
      as.map((a) => (a as HTMLAnchorElement).pathname),
    );
    expect(links).toContain("/studies/graphcore-c2-resnext101/");
    // Studies come first: a reader searching by name finds the study before the figures that cite it.
    expect(links[0]).toMatch(/^\/studies\//);
    expect(await page.textContent("#search-status")).toMatch(/\d+ pages? found/);
    await page.goto(`${server.url}/accelerators/t4/`);
    await page.fill("#site-search-q", "MN-Core");
    await page.press("#site-search-q", "Enter");
    await page.waitForSelector("#search-results:not([hidden])");
    expect(await page.inputValue("#search-q")).toBe("MN-Core");
    expect(
      await page.$$eval("#search-results a", (as) => as.map((a) => (a as HTMLAnchorElement).pathname)),
    ).toContain("/accelerators/mn-core-2/");
    // Typing refines the results and the URL.
    await page.fill("#search-q", "InferX");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "InferX");
    await page.waitForFunction(() =>
      [...document.querySelectorAll("#search-results a")].some(
        (a) => (a as HTMLAnchorElement).pathname === "/accelerators/inferx-x1/",
      ),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says the index is missing where there is none (the development server), and reports a broken one as an error", async () => {
    const MISSING =
      "The search index is missing: it is written by `npm run build`, not by the development server.";
    const searchPage = async (pagefindJs: { status: number; body: string }) => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.route("**/pagefind/pagefind.js", (route) =>
        route.fulfill({ ...pagefindJs, contentType: "text/javascript" }),
      );
      await page.goto(`${server.url}/search/?q=Graphcore`);
      return { page, errors };
    };
    const missing = await searchPage({ status: 404, body: "not found" });
    await missing.page.waitForFunction(
      (m) => document.getElementById("search-status")?.textContent === m,
      MISSING,
    );
    expect(missing.errors).toEqual([]);
    await missing.page.close();
    // A module that loads but fails is not "missing": the error reaches the console.
    const broken = await searchPage({ status: 200, body: 'throw new Error("pagefind broke");' });
    await expect.poll(() => broken.errors).toEqual(["pagefind broke"]);
    expect(await broken.page.textContent("#search-status")).not.toBe(MISSING);
    await broken.page.close();
  });
});

describe("without JavaScript, on a phone, in print", () => {
  it("shows the default views and explains what the interactive pages do", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/explore/what-if/`);
    expect(await page.isVisible("#whatif-form")).toBe(false);
    expect(await page.textContent("[data-no-js]")).toContain("default configuration");
    // Each chart is drawn wide and narrow; the page shows one of each pair.
    expect(await page.locator("#whatif-output svg[role=img]").count()).toBe(6);
    expect(await page.locator("#whatif-output svg[role=img]:visible").count()).toBe(3);
    expect(await page.locator("#whatif-table tbody tr").count()).toBe(9);
    await page.goto(`${server.url}/explore/compare/`);
    expect(await page.locator("#compare-output svg[role=img]:visible").count()).toBe(1);
    expect(await page.locator("#compare-table tbody tr").count()).toBeGreaterThan(5);
    await page.goto(`${server.url}/search/?q=graphcore`);
    expect(await page.isVisible("[data-no-js]")).toBe(true);
    expect(await page.locator(".browse a").count()).toBeGreaterThan(20);
    await context.close();
  });

  it("labels every input, titles every chart and fits a phone screen", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    for (const [path, form] of [
      ["/explore/what-if/", "#whatif-form"],
      ["/explore/compare/", "#compare-form"],
      ["/search/", "#search-form"],
    ] as const) {
      await page.goto(server.url + path);
      await page.waitForSelector(`${form}:not([hidden])`);
      const unlabelled = await page.$$eval("input, select", (els) =>
        els
          .filter((e) => ((e as HTMLInputElement).labels?.length ?? 0) === 0 && !e.getAttribute("aria-label"))
          .map((e) => e.outerHTML.slice(0, 80)),
      );
      expect(unlabelled, path).toEqual([]);
      const charts = await page.$$eval("svg[role=img]", (svgs) =>
        svgs.map((s) =>
          (s.getAttribute("aria-labelledby") ?? "")
            .split(" ")
            .map((id) => document.getElementById(id)?.textContent ?? ""),
        ),
      );
      for (const [title, desc] of charts) {
        expect(title!.length, path).toBeGreaterThan(10);
        expect(desc!.length, path).toBeGreaterThan(30);
      }
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
      // Whole charts, not a scroll box with the 90 % rule past the screen's edge.
      const cut = await page.$$eval(
        ".chart-box svg",
        (svgs) =>
          svgs.filter((s) => s.getClientRects().length > 0 && s.getBoundingClientRect().right > innerWidth)
            .length,
      );
      expect(cut, path).toBe(0);
    }
    // Printing keeps the results and drops the controls.
    await page.goto(`${server.url}/explore/what-if/`);
    await page.waitForSelector("#whatif-form:not([hidden])");
    await page.emulateMedia({ media: "print" });
    expect(await page.isVisible("#whatif-form")).toBe(false);
    expect(await page.isVisible("#whatif-table")).toBe(true);
    expect(await page.isVisible("#whatif-throughput svg.chart-wide")).toBe(true);
    await context.close();
  });
});

describe("scripts", () => {
  /** Every JS file a page loads: its module scripts and their static imports, gzip-compressed. */
  function pageScripts(page: string): { files: string[]; raw: number; gzip: number } {
    const html = readFileSync(join(site, page, "index.html"), "utf8");
    const files = new Set<string>();
    const queue = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => join(site, m[1]!));
    while (queue.length) {
      const f = queue.shift()!;
      if (files.has(f)) continue;
      files.add(f);
      for (const m of readFileSync(f, "utf8").matchAll(/(?:import|from)\s*["']([^"']+\.js)["']/g))
        queue.push(join(dirname(f), m[1]!));
    }
    const bytes = [...files].map((f) => readFileSync(f));
    return {
      files: [...files].map((f) => relative(site, f)),
      raw: bytes.reduce((s, b) => s + b.length, 0),
      gzip: bytes.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0),
    };
  }

  it("loads under 150 KB of compressed JavaScript on each explore page, and none elsewhere but the copy buttons of citations", () => {
    for (const page of ["explore/what-if", "explore/compare", "search"]) {
      const s = pageScripts(page);
      expect(s.files.length, page).toBeGreaterThan(0);
      expect(s.gzip, page).toBeLessThan(150_000);
    }
    const withScript: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) {
          if (relative(site, p) !== "v") walk(p);
        } else if (name === "index.html" && readFileSync(p, "utf8").includes("<script"))
          withScript.push(relative(site, d));
      }
    };
    walk(site);
    // Pages with a citation (figures, studies, /cite/) load only the copy-button script (src/client/copy.ts):
    // one small file that imports nothing and only shows and wires the hidden copy buttons.
    const cite = (p: string) => p === "cite" || /^(figures|studies)\/[^/]+$/.test(p);
    expect(withScript.filter((p) => !cite(p)).sort()).toEqual([
      "explore/compare",
      "explore/what-if",
      "search",
    ]);
    const citePages = withScript.filter(cite);
    expect(citePages.length).toBeGreaterThan(40);
    for (const page of citePages) {
      const html = readFileSync(join(site, page, "index.html"), "utf8");
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts, page).toHaveLength(1);
      const [, attrs, body] = scripts[0]!;
      const src = /\bsrc="([^"]+)"/.exec(attrs!)?.[1];
      const code = src ? readFileSync(join(site, src), "utf8") : body!;
      expect(code, page).toMatch(/^for\(const \w+ of document\.querySelectorAll\("button\[data-copy\]"\)\)/);
      expect(code, page).not.toMatch(/\bimport\b/);
      expect(gzipSync(code).length, page).toBeLessThan(1_000);
    }
  });
});
