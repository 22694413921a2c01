/**
 * Citation blocks in Debian's chromium: with JavaScript the copy buttons appear and copy exactly the
 * BibTeX of the .bib download; without it they stay hidden and the BibTeX is there to select.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { closeSiteInChromium, openSiteInChromium, type StaticServer } from "../helpers/browser.ts";

let site: string;
let server: StaticServer;
let browser: Browser;
beforeAll(async () => ({ site, server, browser } = await openSiteInChromium()), 120_000);
afterAll(() => closeSiteInChromium({ server, browser }));

const PAGE = "/figures/fig-batch-scaling-architectures/";

describe("copy buttons", () => {
  it("copy the figure's BibTeX entry, as in its .bib file, when JavaScript runs", async () => {
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const page = await context.newPage();
    await page.goto(server.url + PAGE);
    const button = page.locator('button[data-copy="cite-bibtex"]');
    expect(await button.isVisible()).toBe(true);
    await button.click();
    await expect.poll(() => button.textContent()).toBe("Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    // The figure's own entry: the first of its .bib file.
    const bib = readFileSync(join(site, "figures", "fig-batch-scaling-architectures.bib"), "utf8");
    expect(copied).toBe(`${bib.split("\n\n")[0]}\n`);
    expect(copied).toMatch(/^@dataset\{atlas-/);
    await context.close();
  }, 60_000);

  it("stay hidden without JavaScript, with the BibTeX on the page to select", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url + PAGE);
    expect(await page.locator("button[data-copy]").count()).toBeGreaterThanOrEqual(2);
    for (const b of await page.locator("button[data-copy]").all()) expect(await b.isVisible()).toBe(false);
    expect(await page.locator("#cite-bibtex").isVisible()).toBe(true);
    expect(await page.locator("#cite-bibtex").textContent()).toContain("@dataset{atlas-");
    await context.close();
  }, 60_000);
});
