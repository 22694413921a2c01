/**
 * Browser tests: a static file server for a built site on 127.0.0.1 and Debian's chromium driven by
 * playwright-core (never a downloaded browser).
 */
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { inject } from "vitest";
import { DEBIAN_CHROMIUM } from "../../scripts/lib/chromium.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".csv": "text/csv; charset=utf-8",
  ".wasm": "application/wasm",
  ".pf_meta": "application/octet-stream",
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `root` like a static host: `/dir/` → `/dir/index.html`, 404 for anything missing. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    res
      .writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" })
      .end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** `npm test` (scripts/test.ts) sets CHROMIUM_PATH to the Chromium it found or installed. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? DEBIAN_CHROMIUM;

/** Headless chromium with the flags this sandbox needs (no background network, no sandbox as root). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** What a browser test file reads: the site this test run built (test/global-setup.ts), served, and chromium. */
interface SiteInChromium {
  site: string;
  server: StaticServer;
  browser: Browser;
}

/** For a file's beforeAll: serves the run's built site and launches chromium. */
export async function openSiteInChromium(): Promise<SiteInChromium> {
  const site = inject("siteDir");
  return { site, server: await serveStatic(site), browser: await launchChromium() };
}

/** For its afterAll: closes what openSiteInChromium opened (either may be missing if it failed). */
export async function closeSiteInChromium(opened: Partial<SiteInChromium>): Promise<void> {
  await opened.browser?.close();
  await opened.server?.close();
}
