/**
 * The real site, built twice from the repository's data: same bytes every time, a manifest that matches
 * the files, every figure with its permalink page and downloads, and the pages readers navigate to.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { buildSite } from "../global-setup.ts";

function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  walk(dir);
  return out;
}

let first: string;
let second: string;
beforeAll(() => {
  first = inject("siteDir");
  second = buildSite();
}, 300_000);

describe("the built site", () => {
  it("is byte-identical across two builds (every file in dist/)", () => {
    const a = hashes(first);
    const b = hashes(second);
    expect([...a.keys()]).toEqual([...b.keys()]);
    const differing = [...a].filter(([k, v]) => b.get(k) !== v).map(([k]) => k);
    expect(differing).toEqual([]);
    expect(a.size).toBeGreaterThan(100);
  });

  it("has a figures.json manifest whose hashes match the download files", () => {
    const manifest = JSON.parse(readFileSync(join(first, "figures.json"), "utf8")) as {
      version: string;
      dataHash: string;
      figures: { id: string; page: string; downloads: Record<string, { path: string; sha256: string; bytes: number }> }[];
    };
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.figures.length).toBeGreaterThan(20);
    for (const f of manifest.figures) {
      expect(existsSync(join(first, f.page, "index.html")), f.page).toBe(true);
      expect(Object.keys(f.downloads)).toEqual(expect.arrayContaining(["svg", "png"]));
      for (const d of Object.values(f.downloads)) {
        const bytes = readFileSync(join(first, d.path));
        expect(createHash("sha256").update(bytes).digest("hex"), d.path).toBe(d.sha256);
        expect(bytes.length).toBe(d.bytes);
      }
    }
    // Every figure file on disk is in the manifest.
    const listed = new Set(manifest.figures.flatMap((f) => Object.values(f.downloads).map((d) => d.path)));
    const onDisk = readdirSync(join(first, "figures")).filter((n) => /\.(svg|png|csv|json)$/.test(n)).map((n) => `figures/${n}`);
    expect(onDisk.filter((p) => !listed.has(p))).toEqual([]);
  });

  it("renders figures as accessible inline SVG with a data table, no script", () => {
    const page = readFileSync(join(first, "findings", "batch-scaling-by-architecture", "index.html"), "utf8");
    expect(page).toContain('role="img"');
    expect(page).toMatch(/aria-labelledby="fig-batch-scaling-architectures-title fig-batch-scaling-architectures-desc"/);
    expect(page).toContain("<desc id=\"fig-batch-scaling-architectures-desc\">");
    expect(page).toMatch(/<details> ?<summary>Data table \(\d+ rows\)<\/summary>/);
    expect(page).not.toContain("<script");
  });

  it("has the pages a reader navigates to", () => {
    for (const p of ["index.html", "findings/index.html", "methodology/index.html", "versions/index.html", "cite/index.html", "data/measurements.csv", "accelerators/mn-core-2/index.html", "accelerators/inferx-x1/index.html", "studies/graphcore-c2-resnext101/index.html", "findings/claims-ledger/index.html"]) {
      expect(existsSync(join(first, p)), p).toBe(true);
    }
    const mncore = readFileSync(join(first, "accelerators", "mn-core-2", "index.html"), "utf8");
    expect(mncore).toContain("No published measurements of this accelerator exist in the atlas");
  });

  it("shows the version and data hash in every page footer, with no date from the clock", () => {
    const csvHash = createHash("sha256").update(readFileSync(join(first, "data", "measurements.csv"))).digest("hex").slice(0, 8);
    const home = readFileSync(join(first, "index.html"), "utf8");
    expect(home).toContain(`(data ${csvHash})`);
    const today = new Date().toISOString().slice(0, 10);
    expect(home).not.toContain(today);
  });
});
