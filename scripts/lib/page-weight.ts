/** Page weights of a built site: HTML bytes (inline SVG included) and the JavaScript each page loads. */
import { median } from "../../src/pipeline/stats.ts";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

interface PageWeight {
  /** URL path, e.g. `/studies/x/`. */
  page: string;
  htmlBytes: number;
  /** Bytes of inline `<svg>…</svg>` inside the HTML (figures). */
  svgBytes: number;
  /** Inline script bytes plus the files of `<script src>` and module preloads, with what they import. */
  jsBytes: number;
}

export interface WeightSummary {
  pages: number;
  medianHtmlBytes: number;
  p95HtmlBytes: number;
  maxHtmlBytes: number;
  maxPage: string;
  medianSvgBytes: number;
  totalHtmlBytes: number;
  pagesWithJs: number;
  /**
   * Pages outside explore/ and search/ that load more JavaScript than the copy buttons of a citation
   * block (one inline script under 1 KB, an enhancement: the page works without it).
   */
  reportPagesWithJs: string[];
  maxJsBytes: number;
}

/** What a report page may load: the citation block's copy-button script (src/client/copy.ts), inlined. */
const COPY_BUTTONS_BUDGET = 1024;

/** Every index.html of a site (release snapshots under v/ are old builds and left out). */
export function pageWeights(site: string): PageWeight[] {
  const out: PageWeight[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (relative(site, p) !== "v") walk(p);
        continue;
      }
      if (name !== "index.html") continue;
      const html = readFileSync(p, "utf8");
      const rel = relative(site, dir);
      out.push({
        page: `/${rel}${rel ? "/" : ""}`,
        htmlBytes: Buffer.byteLength(html),
        svgBytes: svgBytes(html),
        jsBytes: jsBytes(html, site),
      });
    }
  };
  walk(site);
  return out;
}

function svgBytes(html: string): number {
  let total = 0;
  // Figures are not nested in one another; a plain scan from <svg to its matching close is enough.
  for (const m of html.matchAll(/<svg[\s>][\s\S]*?<\/svg>/g)) total += Buffer.byteLength(m[0]);
  return total;
}

function jsBytes(html: string, site: string): number {
  let total = 0;
  const files = new Set<string>();
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const src = /\bsrc="([^"]+)"/.exec(m[1]!)?.[1];
    if (/type="application\/(ld\+)?json"/.test(m[1]!)) continue;
    if (src) addModule(site, join(site, src.split(/[?#]/)[0]!.replace(/^\//, "")), files);
    else total += Buffer.byteLength(m[2]!);
  }
  for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g))
    addModule(site, join(site, m[1]!.replace(/^\//, "")), files);
  for (const f of files) total += statSync(f).size;
  return total;
}

/** A script file and the files it imports statically (`import … from "./x.js"`), each counted once. */
function addModule(site: string, path: string, seen: Set<string>): void {
  if (seen.has(path) || !existsSync(path)) return;
  seen.add(path);
  for (const m of readFileSync(path, "utf8").matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+\.m?js)["']/g)) {
    const spec = m[1]!;
    addModule(site, spec.startsWith("/") ? join(site, spec) : join(dirname(path), spec), seen);
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

export function summarize(weights: PageWeight[]): WeightSummary {
  const html = weights.map((w) => w.htmlBytes).sort((a, b) => a - b);
  const max = weights.reduce((m, w) => (w.htmlBytes > m.htmlBytes ? w : m), weights[0]!);
  return {
    pages: weights.length,
    medianHtmlBytes: html.length ? median(html) : 0,
    p95HtmlBytes: quantile(html, 0.95),
    maxHtmlBytes: max.htmlBytes,
    maxPage: max.page,
    medianSvgBytes: weights.length ? median(weights.map((w) => w.svgBytes)) : 0,
    totalHtmlBytes: html.reduce((a, b) => a + b, 0),
    pagesWithJs: weights.filter((w) => w.jsBytes > 0).length,
    reportPagesWithJs: weights
      .filter((w) => w.jsBytes > COPY_BUTTONS_BUDGET && !/^\/(explore|search)\//.test(w.page))
      .map((w) => w.page),
    maxJsBytes: Math.max(0, ...weights.map((w) => w.jsBytes)),
  };
}
