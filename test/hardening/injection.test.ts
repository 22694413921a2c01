/**
 * Injection safety: a site built from data with script payloads in every free-text field (hostile-site.ts)
 * runs none of them. Every page is opened in Debian's chromium: no dialog, `window.__pwned` never set,
 * no event-handler attribute, no javascript: or data: link, no frame; and the payloads in plain-text
 * fields are visible as literal text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium, serveStatic, type StaticServer } from "../helpers/browser.ts";
import { hostileData, payload, shortPayload, VISIBLE } from "./hostile-site.ts";
import { buildCli, STACK_LINE } from "./run-build.ts";

let data: string;
let parent: string;
let site: string;
let server: StaticServer;
let browser: Browser;

/** Every page of the built site (release snapshots under v/ are copies of old builds, not this data). */
function pages(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (relative(dir, p) !== "v") walk(p);
      } else if (name === "index.html") out.push(`/${relative(dir, d)}${relative(dir, d) ? "/" : ""}`);
    }
  };
  walk(dir);
  return out;
}

/** What the page's DOM holds that could run script: handlers, script URLs, frames, payload scripts. */
async function dangerous(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const scriptUrl = /^\s*(javascript|vbscript|data):/i;
    for (const el of document.querySelectorAll("*")) {
      for (const a of el.attributes) {
        if (a.name.toLowerCase().startsWith("on")) found.push(`${el.tagName} ${a.name}`);
        if (
          ["href", "src", "action", "formaction", "xlink:href", "srcdoc"].includes(a.name.toLowerCase()) &&
          scriptUrl.test(a.value)
        )
          found.push(`${el.tagName} ${a.name}=${a.value}`);
      }
      if (["IFRAME", "OBJECT", "EMBED", "FRAME"].includes(el.tagName)) found.push(el.tagName);
      if (el.tagName === "SCRIPT" && (el.textContent ?? "").includes("__pwned")) found.push("payload script");
    }
    return found;
  });
}

beforeAll(async () => {
  data = hostileData();
  parent = mkdtempSync(join(tmpdir(), "atlas-hostile-"));
  site = join(parent, "dist");
  const run = await buildCli({
    ATLAS_DATA_DIR: data,
    ATLAS_OUT_DIR: site,
    ATLAS_WORK_DIR: join(parent, "work"),
    ATLAS_NO_ARCHIVE: "1",
  });
  if (run.status !== 0) throw new Error(`hostile build failed:\n${run.stdout}\n${run.stderr}`);
  expect(run.stderr).not.toMatch(STACK_LINE);
  server = await serveStatic(site);
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const d of [data, parent]) if (d) rmSync(d, { recursive: true, force: true });
});

describe("a site built from hostile data", () => {
  it("runs no injected script on any page, and shows plain-text payloads as text", async () => {
    const list = [...pages(site), "/search/?q=pwned"];
    expect(list).toContain("/findings/hostile/");
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(`${page.url()}: ${d.message()}`);
      void d.dismiss();
    });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`${page.url()}: page error ${e.message}`));
    for (const p of list) {
      await page.goto(server.url + p, { waitUntil: "load" });
      // The search page renders its results (titles and excerpts of the hostile pages) after loading.
      if (p.includes("?q="))
        await page.waitForFunction(
          () => /found/.test(document.getElementById("search-status")?.textContent ?? ""),
          null,
          { timeout: 15_000 },
        );
      const pwned = await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
      if (pwned !== undefined) problems.push(`${p}: window.__pwned = ${String(pwned)}`);
      for (const d of await dangerous(page)) problems.push(`${p}: ${d}`);
    }
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);

    // Plain-text fields: the payload is on the page as characters, not as elements.
    for (const { page: path, tags } of VISIBLE) {
      await page.goto(server.url + path);
      const text = await page.evaluate(() => document.body.textContent ?? "");
      for (const tag of tags)
        expect(text, `${path} ${tag}`).toContain(
          tag === "finding-verdict" ? shortPayload(tag) : payload(tag),
        );
    }
    // Search results (titles and excerpts from the index) show the payloads as text too.
    await page.goto(`${server.url}/search/?q=pwned`);
    await page.waitForFunction(
      () => /found/.test(document.getElementById("search-status")?.textContent ?? ""),
      null,
      { timeout: 15_000 },
    );
    expect(await page.locator("#search-results").textContent()).toContain(payload("study-title"));
    // The finding's prose is there; its raw HTML and script links were removed by the sanitizer.
    await page.goto(`${server.url}/findings/hostile/`);
    expect(await page.evaluate(() => document.body.textContent ?? "")).toContain("hostile-markdown-rendered");
    expect(await page.locator("main a", { hasText: "markdown link" }).getAttribute("href")).toBeNull();
    await page.close();
  }, 180_000);
});
