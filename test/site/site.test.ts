/**
 * The real site, built twice from the repository's data: same bytes every time, a manifest that matches
 * the files, every figure with its permalink page and downloads, and the pages readers navigate to.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import Papa from "papaparse";
import { buildSite } from "../global-setup.ts";
import { treeSourceHash } from "../../scripts/lib/source-tree.ts";
import { realAtlas } from "../helpers/real-atlas.ts";

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
/** Wall time of the second build, as this process saw it (s). */
let secondWallS: number;
beforeAll(() => {
  first = inject("siteDir");
  const start = performance.now();
  // A rebuild from the first build's caches (PNGs, the fit, Astro's data store), as a contributor's
  // second `npm run build` is: it must give the same bytes as the build from nothing. (Two builds from
  // nothing are compared by the release test, which rebuilds a tag and finds every byte of its snapshot.)
  second = buildSite({}, first);
  secondWallS = (performance.now() - start) / 1000;
}, 300_000);
afterAll(() => rmSync(dirname(second), { recursive: true, force: true }));

describe("the built site", () => {
  it("holds no Astro internals, though it was built outside the repository (as these tests build it)", () => {
    // Astro renders a site that lies outside the working directory through ./.astro/ and copies that
    // folder in whole (scripts/build.ts stages inside the repository for this reason).
    expect(relative(process.cwd(), first).startsWith("..")).toBe(true);
    const top = readdirSync(first);
    expect(top).toContain("index.html");
    expect(top.filter((n) => n === "collections" || n.endsWith(".mjs") || n.endsWith(".d.ts"))).toEqual([]);
  });

  it("is byte-identical across two builds (every file in dist/)", () => {
    const a = hashes(first);
    const b = hashes(second);
    expect([...a.keys()]).toEqual([...b.keys()]);
    const differing = [...a].filter(([k, v]) => b.get(k) !== v).map(([k]) => k);
    expect(differing).toEqual([]);
    expect(a.size).toBeGreaterThan(100);
  });

  it("records how long each stage took, for npm run bench", () => {
    const { stages, cpuSeconds, peakRssMb } = JSON.parse(
      readFileSync(join(dirname(second), "work", "build-times.json"), "utf8"),
    ) as { stages: Record<string, number>; cpuSeconds: number; peakRssMb: number };
    // Every stage, in the order the build runs them; the PNGs are drawn alongside the others.
    const alongside = "PNG figures (alongside)";
    expect(Object.keys(stages)).toEqual([
      "ingest, simulate, figures (SVG)",
      "dataset and atlas.json",
      "astro",
      "search index",
      alongside,
      "dataset, PNGs, archive, manifest",
      "swap",
    ]);
    // Seconds to the millisecond: the stages one after another fit inside the build's wall time
    // (milliseconds or a double-counted stage would not), and so do the PNGs drawn alongside them.
    for (const s of Object.values(stages)) expect(Math.round(s * 1000) / 1000).toBe(s);
    const sequential = Object.entries(stages).filter(([k]) => k !== alongside);
    expect(sequential.reduce((sum, [, s]) => sum + s, 0)).toBeLessThan(secondWallS);
    expect(stages[alongside]).toBeLessThan(secondWallS);
    expect(stages.astro).toBeGreaterThan(0);
    // CPU seconds of every thread: more than one (Astro alone renders hundreds of pages), at most
    // what every core could give in the build's wall time. (Not compared with a stage's wall time: on a
    // loaded machine a stage waits longer than it computes.)
    expect(cpuSeconds).toBeGreaterThan(1);
    expect(cpuSeconds).toBeLessThan(secondWallS * availableParallelism());
    // Node and Astro alone take more than 100 MB; a figure from the data of this build far less than a GB.
    expect(peakRssMb).toBeGreaterThan(100);
    expect(peakRssMb).toBeLessThan(4000);
  });

  it("has a figures.json manifest whose hashes match the download files", () => {
    const manifest = JSON.parse(readFileSync(join(first, "figures.json"), "utf8")) as {
      version: string;
      dataHash: string;
      figures: {
        id: string;
        page: string;
        downloads: Record<string, { path: string; sha256: string; bytes: number }>;
      }[];
    };
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.figures.length).toBeGreaterThan(20);
    for (const f of manifest.figures) {
      expect(existsSync(join(first, f.page, "index.html")), f.page).toBe(true);
      expect(Object.keys(f.downloads)).toEqual(expect.arrayContaining(["svg", "png", "bib"]));
      for (const d of Object.values(f.downloads)) {
        const bytes = readFileSync(join(first, d.path));
        expect(createHash("sha256").update(bytes).digest("hex"), d.path).toBe(d.sha256);
        expect(bytes.length).toBe(d.bytes);
      }
    }
    // Every figure file on disk is in the manifest.
    const listed = new Set(manifest.figures.flatMap((f) => Object.values(f.downloads).map((d) => d.path)));
    const onDisk = readdirSync(join(first, "figures"))
      .filter((n) => /\.(svg|png|csv|json|bib)$/.test(n))
      .map((n) => `figures/${n}`);
    expect(onDisk.filter((p) => !listed.has(p))).toEqual([]);
  });

  it("renders figures as accessible inline SVG with a data table, no script", () => {
    const page = readFileSync(join(first, "findings", "batch-scaling-by-architecture", "index.html"), "utf8");
    expect(page).toContain('role="img"');
    expect(page).toMatch(
      /aria-labelledby="fig-batch-scaling-architectures-title fig-batch-scaling-architectures-desc"/,
    );
    expect(page).toContain('<desc id="fig-batch-scaling-architectures-desc">');
    expect(page).toMatch(/<details> ?<summary>Data table \(\d+ rows\)<\/summary>/);
    expect(page).not.toContain("<script");
  });

  it("has a complete search index of the report pages (Pagefind 1.5.2 could leave a file empty when stopped right after writing)", () => {
    const entry = JSON.parse(readFileSync(join(first, "pagefind", "pagefind-entry.json"), "utf8")) as {
      languages: Record<string, { hash: string; page_count: number }>;
    };
    const en = entry.languages.en!;
    // Report pages are searched; a figure's permalink page repeats the title and caption its report page shows.
    const pages = readdirSync(first, { recursive: true, encoding: "utf8" }).filter(
      (p) => p.endsWith(".html") && !p.startsWith("v/"),
    );
    const searchable = pages.filter((p) => !/^figures\/[^/]+\/index\.html$/.test(p));
    expect(pages.length - searchable.length).toBe(
      readdirSync(join(first, "figures")).filter((n) => n.endsWith(".svg")).length,
    );
    expect(searchable.length).toBeGreaterThan(40);
    expect(en.page_count).toBe(searchable.length);
    expect(statSync(join(first, "pagefind", `pagefind.${en.hash}.pf_meta`)).size).toBeGreaterThan(0);
    const empty = readdirSync(join(first, "pagefind"), { recursive: true, withFileTypes: true }).filter(
      (d) => d.isFile() && statSync(join(d.parentPath, d.name)).size === 0,
    );
    expect(empty.map((d) => d.name)).toEqual([]);
  });

  it("shows each accelerator its own figures and measured series", () => {
    const manifest = JSON.parse(readFileSync(join(first, "figures.json"), "utf8")) as {
      figures: { id: string }[];
    };
    const page = readFileSync(join(first, "accelerators", "v100-sxm2-16gb", "index.html"), "utf8");
    const shown = [...page.matchAll(/<figure id="([^"]+)"/g)].map((m) => m[1]);
    expect(shown).toEqual(
      manifest.figures
        .map((f) => f.id)
        .filter((id) => /^fig-(throughput|latency)-v100-sxm2-16gb-/.test(id))
        .concat("fig-simulated-v100-sxm2-16gb"),
    );
    const rows = Papa.parse<Record<string, string>>(
      readFileSync(join(first, "data", "measurements.csv"), "utf8"),
      { header: true, skipEmptyLines: true },
    ).data;
    const series = new Set(
      rows.filter((r) => r.accelerator === "v100-sxm2-16gb" && r.kind === "measured").map((r) => r.series),
    );
    expect(series.size).toBeGreaterThan(1);
    expect(new Set([...page.matchAll(/<section id="series-([^"]+)"/g)].map((m) => m[1]))).toEqual(series);
  });

  it("marks the rows an audit warning names in the series tables, with the check and a link to the audit", () => {
    const page = readFileSync(join(first, "accelerators", "a100-sxm4-40gb", "index.html"), "utf8");
    const section = page.slice(page.indexOf('<section id="series-dle-tf1-rn50-a100-40gb-amp-xla"'));
    const table = section.slice(0, section.indexOf("</table>"));
    // Batch 64's published 3,940.95 img/s is 15.5 % above batch ÷ latency: the audit warns, and it is
    // the series' peak, which the note under the table says.
    const flagged = [...table.matchAll(/<tr>(.*?)<\/tr>/gs)]
      .map((m) => m[1]!)
      .filter((row) => row.includes("/studies/nvidia-dle-tf1-resnet50/#audit"));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toContain("3,940.95");
    expect(flagged[0]).toContain("throughput-vs-latency");
    expect(section.slice(0, section.indexOf("</section>"))).toContain(
      "peak (100 %) is such a row, so its “of series peak” figures are measured against a number in doubt",
    );
    const study = readFileSync(join(first, "studies", "nvidia-dle-tf1-resnet50", "index.html"), "utf8");
    expect(study).toContain('<h2 id="audit">Consistency audit</h2>');
  });

  it("links each study page to every figure its data is in", () => {
    const { figures } = realAtlas();
    for (const study of [
      "graphcore-c2-resnext101",
      "nvidia-dle-tf1-resnet50",
      "mlperf-inference-v3-0-resnet50",
    ]) {
      const page = readFileSync(join(first, "studies", study, "index.html"), "utf8");
      const linked = [...page.matchAll(/<li><a href="[^"]*\/figures\/([^/"]+)\/">/g)].map((m) => m[1]);
      const expected = figures.filter((f) => f.sources.includes(study)).map((f) => f.id);
      expect(expected.length, study).toBeGreaterThan(0);
      expect(linked, study).toEqual(expected);
    }
  });

  it("says on the what-if page how far to trust its forecast, with the validation's own numbers", () => {
    const params = JSON.parse(readFileSync(join(first, "explore", "params.json"), "utf8"));
    const gpu = params.accuracy.gpu;
    expect(gpu.points).toBeGreaterThan(800);
    const page = readFileSync(join(first, "explore", "what-if", "index.html"), "utf8");
    const sentence = /<p class="muted" id="whatif-accuracy">([^<]*)<\/p>/.exec(page)?.[1] ?? "";
    expect(sentence).toContain(
      `off by ${gpu.mape_pct.toFixed(1)} % on average over ${gpu.points.toLocaleString("en-US")} measured points`,
    );
    // The default view's accelerator has measured series: its own error is stated, not only the average.
    expect(sentence).toMatch(/On the NVIDIA [^:]+: off by \d+\.\d %/);
  });

  it("has the pages a reader navigates to", () => {
    for (const p of [
      "index.html",
      "findings/index.html",
      "methodology/index.html",
      "versions/index.html",
      "cite/index.html",
      "data/measurements.csv",
      "accelerators/mn-core-2/index.html",
      "accelerators/inferx-x1/index.html",
      "studies/graphcore-c2-resnext101/index.html",
      "findings/claims-ledger/index.html",
    ]) {
      expect(existsSync(join(first, p)), p).toBe(true);
    }
    const mncore = readFileSync(join(first, "accelerators", "mn-core-2", "index.html"), "utf8");
    expect(mncore).toContain("No published measurements of this accelerator exist in the atlas");
  });

  it("gives a peak on the home page as the detail beside it does: whole images per second from 1,000 up", () => {
    const html = readFileSync(join(first, "index.html"), "utf8");
    const peak = realAtlas().summary.find((s) => s.accelerator === "h200-sxm")!.peak!.value;
    expect(peak).toBeGreaterThan(1000);
    const row = html.split("<tr").find((r) => r.includes("NVIDIA H200"))!;
    const whole = Math.round(peak).toLocaleString("en-US");
    // The peak cell holds exactly that number, and the batch-at-90 % detail quotes the same one.
    expect(row).toContain(`<span class="value">${whole}</span>`);
    expect(row).toContain(`peak of ${whole} img/s`);
    // The case this guards: four significant digits would print another number (17,050 for 17,047).
    const rounded = Number(peak.toPrecision(4)).toLocaleString("en-US");
    expect(rounded).not.toBe(whole);
    expect(row).not.toContain(rounded);
  });

  it("says on a ledger card when it holds only some parts of the quoted sentence, linking the others", () => {
    const html = readFileSync(join(first, "findings", "claims-ledger", "index.html"), "utf8");
    const cards = html.split('<article class="ledger-card"').slice(1);
    // The YOLOv3 sentence: its 18 MB part is supported, its >100 MB part holds only under a definition.
    const yolo = cards.filter((c) => c.includes("&gt;100MB for 2Megapixel images"));
    expect(yolo).toHaveLength(2);
    for (const [card, own, other] of [
      [
        yolo.find((c) => c.includes('id="claim-flex-logix-megapixel-yolov3-18mb-608"'))!,
        "18mb-608",
        "over-100mb-2mp",
      ],
      [
        yolo.find((c) => c.includes('id="claim-flex-logix-megapixel-yolov3-over-100mb-2mp"'))!,
        "over-100mb-2mp",
        "18mb-608",
      ],
    ] as const) {
      expect(card, own).toContain("This card tests 1 of the sentence’s 2 parts.");
      expect(card, own).toContain(`href="#claim-flex-logix-megapixel-yolov3-${other}"`);
    }
    // A sentence tested whole, or all of whose parts share a verdict, says nothing of the kind.
    const whole = cards.filter((c) => c.includes("The best throughput obtained is 2526.35"));
    expect(whole).toHaveLength(1);
    expect(whole[0]).not.toContain("This card tests");
  });

  it("shows the version and data hash in page footers, and 'release X.Y.Z' only when the built tree is that release", () => {
    const csvHash = createHash("sha256")
      .update(readFileSync(join(first, "data", "measurements.csv")))
      .digest("hex")
      .slice(0, 8);
    const root = join(import.meta.dirname, "..", "..");
    const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string })
      .version;
    const releases = JSON.parse(readFileSync(join(root, "releases.json"), "utf8")) as {
      version: string;
      date: string;
      dataHash: string;
      sourceHash?: string;
    }[];
    // The same data is not enough: the whole source tree must be the released one (0.1.0 recorded none).
    const source = treeSourceHash(root);
    const release = releases.find(
      (r) =>
        r.version === version &&
        r.dataHash === csvHash &&
        r.sourceHash !== undefined &&
        r.sourceHash === source,
    );
    const expected = release
      ? `release ${version} (${release.date}, data ${csvHash})`
      : `version ${version}+dev (data ${csvHash}), not a release`;
    for (const page of ["index.html", "methodology/index.html", "figures/fig-audit-summary/index.html"]) {
      const html = readFileSync(join(first, page), "utf8");
      expect(html, page).toContain(expected);
      // No timestamps: a clock time in a page would change its bytes on every build.
      expect(html, page).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });

  it("resolves every in-page anchor of the documentation (headings carry GitHub's ids)", () => {
    for (const doc of readdirSync(join(first, "docs")).filter((d) =>
      statSync(join(first, "docs", d)).isDirectory(),
    )) {
      const html = readFileSync(join(first, "docs", doc, "index.html"), "utf8");
      const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
      const anchors = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));
      expect(
        anchors.filter((a) => !ids.has(a)),
        doc,
      ).toEqual([]);
    }
    const simulator = readFileSync(join(first, "docs", "simulator", "index.html"), "utf8");
    expect(simulator).toContain('<h2 id="pipeline-and-modules">');
  });

  it("reads as prose: Markdown rendered, plurals agreed, units spaced", () => {
    const pages = readdirSync(first, { recursive: true, encoding: "utf8" }).filter(
      (p) => p.endsWith("index.html") && !p.startsWith("v/"),
    );
    const problems: string[] = [];
    for (const p of pages) {
      // Visible text only: no scripts, no code, no tags.
      const text = readFileSync(join(first, p), "utf8")
        .replace(/<(script|style|code|pre|title|desc)[\s\S]*?<\/\1>/g, " ")
        .replace(/<[^>]+>/g, " ");
      if (text.includes("`")) problems.push(`${p}: raw Markdown backtick`);
      for (const m of text.matchAll(/(?<![\w.,])1 (points|tables|findings|claims|warnings|infos)\b/g))
        problems.push(`${p}: "${m[0]}"`);
      if (/\d+(infos|warnings)\b/.test(text)) problems.push(`${p}: count and word run together`);
      // Values with units in tables (sources' own words are quoted verbatim and may write "300W").
      const html = readFileSync(join(first, p), "utf8");
      for (const m of html.matchAll(/<td class="num"[^>]*>([^<]*)<\/td>/g))
        if (/\d(TFLOPS|TOPS|GB\/s|GB|MiB|GHz|W|USD)\b/.test(m[1]!)) problems.push(`${p}: "${m[1]}"`);
    }
    expect(problems).toEqual([]);
  });

  it("answers first on the home page: counts from the data, then the summary table", () => {
    const rows = Papa.parse<Record<string, string>>(
      readFileSync(join(first, "data", "measurements.csv"), "utf8"),
      {
        header: true,
        skipEmptyLines: true,
      },
    ).data;
    const measured = new Set(rows.filter((r) => r.kind === "measured").map((r) => r.accelerator));
    const all = readdirSync(join(first, "accelerators")).filter((d) => d !== "index.html");
    const home = readFileSync(join(first, "index.html"), "utf8");
    expect(home).toContain(
      `measured on ${measured.size} accelerators; claims or specifications only for ${all.length - measured.size} more`,
    );
    expect(home.indexOf('<table class="summary stack">')).toBeLessThan(home.indexOf('id="key-findings"'));
    // MN-Core 2's simulated efficiency rests on an assumed board power, and says so.
    expect(home).toMatch(/board power 500 W is assumed/);
  });
});
