/**
 * The built site in Debian's chromium: every report page (and a figure page of each kind) loads without
 * console errors, every internal link of every page resolves, every figure has an accessible name, and
 * screenshots are kept as artifacts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Browser } from "playwright-core";
import { closeSiteInChromium, openSiteInChromium, type StaticServer } from "../helpers/browser.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const ARTIFACTS = join(ROOT, "test-results");
let site: string;
let server: StaticServer;
let browser: Browser;

function htmlPages(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        // Release snapshots are checked when they are cut; here only the live site.
        if (relative(site, p) === "v") continue;
        walk(p);
      } else if (name === "index.html") out.push(`/${relative(site, d)}${relative(site, d) ? "/" : ""}`);
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => ({ site, server, browser } = await openSiteInChromium()), 120_000);
afterAll(() => closeSiteInChromium({ server, browser }));

describe("the site in chromium", () => {
  it("loads every report page and a figure page of each kind with no console errors, and every internal link of every page resolves", async () => {
    const pages = htmlPages(site);
    expect(pages.length).toBeGreaterThan(50);
    // A figure's permalink page is one template around a figure that a report page also shows, with the
    // same one script: a figure page of each kind runs in the browser, and the rest are read for links.
    const isFigurePage = (p: string) => /^\/figures\/[^/]+\/$/.test(p);
    const accelerators = readdirSync(join(ROOT, "data", "accelerators"))
      .map((f) => f.replace(/\.yaml$/, ""))
      .sort((a, b) => b.length - a.length);
    const kindOf = (p: string) => {
      const id = p.split("/")[2]!;
      const acc = accelerators.find((a) => id.includes(`-${a}`));
      return acc ? id.replace(`-${acc}`, "") : id;
    };
    const kinds = new Map<string, string>();
    for (const p of pages.filter(isFigurePage)) if (!kinds.has(kindOf(p))) kinds.set(kindOf(p), p);
    const inBrowser = [...pages.filter((p) => !isFigurePage(p)), ...kinds.values()];
    expect(kinds.size).toBeGreaterThan(10);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
    const links = new Set<string>();
    const keep = (href: string) => {
      if (href.startsWith(server.url)) links.add(href.split("#")[0]!);
    };
    for (const p of inBrowser) {
      const res = await page.goto(server.url + p);
      expect(res?.status(), p).toBe(200);
      // One evaluate rather than $$eval: the same resolved hrefs, a third of the suite's time on this test.
      const hrefs = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLAnchorElement>("a[href]"), (a) => a.href),
      );
      hrefs.forEach(keep);
    }
    expect(errors).toEqual([]);
    // The other figure pages: served, and their links resolved as the browser resolves them.
    for (const p of pages.filter((q) => isFigurePage(q) && !inBrowser.includes(q))) {
      const res = await fetch(server.url + p);
      expect(res.status, p).toBe(200);
      for (const m of (await res.text()).matchAll(/<a\b[^>]*?\shref="([^"]*)"/g))
        keep(new URL(m[1]!.replaceAll("&amp;", "&"), server.url + p).href);
    }
    expect(links.size).toBeGreaterThan(pages.length);
    const broken: string[] = [];
    for (const href of links) {
      const res = await fetch(href);
      if (res.status !== 200) broken.push(`${href} → ${res.status}`);
    }
    expect(broken).toEqual([]);
    await page.close();
  }, 300_000);

  it("gives every figure an accessible name and description", async () => {
    const page = await browser.newPage();
    for (const p of [
      "/",
      "/findings/batch-scaling-by-architecture/",
      "/accelerators/v100-sxm2-16gb/",
      "/findings/megapixel-memory/",
    ]) {
      await page.goto(server.url + p);
      const figures = await page.$$eval("figure.atlas-figure svg[role=img]", (svgs) =>
        svgs.map((s) => {
          const ids = (s.getAttribute("aria-labelledby") ?? "").split(" ");
          return {
            title: document.getElementById(ids[0]!)?.textContent ?? "",
            desc: document.getElementById(ids[1]!)?.textContent ?? "",
          };
        }),
      );
      expect(figures.length, p).toBeGreaterThan(0);
      for (const f of figures) {
        expect(f.title.length).toBeGreaterThan(10);
        expect(f.desc.length).toBeGreaterThan(20);
      }
    }
    await page.close();
  }, 120_000);

  it("works with JavaScript off and keeps screenshots of the home and an accelerator page", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1200, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    expect(await page.locator("svg[role=img]").count()).toBeGreaterThan(3);
    await page.screenshot({ path: join(ARTIFACTS, "home.png"), fullPage: true });
    await page.goto(`${server.url}/accelerators/v100-sxm2-16gb/`);
    expect(await page.locator("h1").textContent()).toContain("V100");
    await page.screenshot({ path: join(ARTIFACTS, "accelerator-v100-sxm2-16gb.png"), fullPage: true });
    await context.close();
  }, 120_000);
});
