/**
 * Citing the built site (the live pages, not the release snapshots under v/): every BibTeX block and
 * .bib file read with a real parser (raw URLs, people split, organisations whole, the right types, no
 * duplicate keys, one meaning per key across the site), every CSL-JSON block valid against the CSL
 * schema, stamped downloads, and figure ids that stay valid from release to release.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "@retorquere/bibtex-parser";
import { loadData } from "../../src/pipeline/ingest/index.ts";
import { BIBTEX_TYPE } from "../../src/pipeline/cite/bibtex.ts";
import { CSL_TYPE } from "../../src/pipeline/cite/csl.ts";
import { originalRecord } from "../../src/pipeline/cite/record.ts";
import { compareSemver, type Release } from "../../src/pipeline/cite/version.ts";
import { cslErrors } from "../helpers/schemas.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const studies = loadData(join(ROOT, "data")).studies.map((s) => s.study);
/** The original works, by citation key (an MLPerf round's two studies share one). */
const originals = new Map(studies.map((s) => [originalRecord(s).key, originalRecord(s)]));
const report = JSON.parse(readFileSync(join(ROOT, "report.config.json"), "utf8")) as {
  title: string;
  authors: { name?: string }[];
};
const releases = JSON.parse(readFileSync(join(ROOT, "releases.json"), "utf8")) as Release[];
/** The only names written whole: organisations, as the data declares them. */
const organisations = new Set([
  ...report.authors.flatMap((a) => (a.name ? [a.name] : [])),
  ...[...originals.values()].flatMap((r) => r.authors.flatMap((p) => ("literal" in p ? [p.literal] : []))),
]);

let site: string;
/** Every live page (snapshots of releases under v/ are immutable and checked when cut). */
let pages: string[];
beforeAll(() => {
  site = inject("siteDir");
  pages = (readdirSync(site, { recursive: true, encoding: "utf8" }) as string[])
    .filter((p) => p.endsWith(".html") && !p.startsWith("v/"))
    .sort();
});

function unescapeHtml(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The contents of <pre id="…-<kind>"><code>…</code></pre> blocks of a page. */
function blocks(html: string, kind: "bibtex" | "csl"): string[] {
  return [
    ...html.matchAll(new RegExp(`<pre id="[^"]*-${kind}"[^>]*><code[^>]*>([\\s\\S]*?)</code></pre>`, "g")),
  ].map((m) => unescapeHtml(m[1]!));
}

type Entry = ReturnType<typeof parse>["entries"][number];

/** Parses a BibTeX text and checks everything the atlas promises about it; returns the entries. */
function checkBibtex(text: string, where: string): Entry[] {
  const parsed = parse(text, { sentenceCase: false });
  expect(parsed.errors, where).toEqual([]);
  const keys = parsed.entries.map((e) => e.key);
  expect(new Set(keys).size, `${where}: duplicate keys ${keys}`).toBe(keys.length);
  for (const e of parsed.entries) {
    const at = `${where} ${e.key}`;
    expect(e.fields.url ?? "", at).not.toContain("\\");
    expect(e.input, at).not.toMatch(/url = \{[^}]*\\/);
    for (const a of (e.fields.author ?? []) as Record<string, string>[]) {
      if (a.name !== undefined)
        expect(organisations.has(a.name), `${at}: ${a.name} written whole`).toBe(true);
      else expect(a.lastName && a.firstName, `${at}: ${JSON.stringify(a)}`).toBeTruthy();
    }
    expect(String(e.fields.title), at).not.toMatch(/\bIn Inference Scaling Atlas\b/);
    const original = originals.get(e.key);
    if (e.key.startsWith("atlas")) {
      expect(e.type, at).toBe("dataset");
      expect(e.fields.urldate, at).toBeUndefined();
      if (e.fields.note !== undefined)
        expect(e.fields.note, at).toMatch(/^Development build \(data [0-9a-f]{8}\), not a release$/);
    } else {
      expect(original, `${at}: a key that is neither the atlas's nor a study's`).toBeDefined();
      expect(e.type, at).toBe(BIBTEX_TYPE[original!.type]);
      expect(e.fields.author, at).toEqual(
        original!.authors.map((p) =>
          "literal" in p ? { name: p.literal } : { lastName: p.family, firstName: p.given },
        ),
      );
      // An access date only where the data records one; never a release date.
      expect(e.fields.urldate, at).toBe(original!.accessed);
      for (const r of releases) if (e.fields.urldate) expect(e.fields.urldate).not.toBe(r.date);
      expect(e.fields.note, at).toBeUndefined();
      if (original!.type === "arxiv") {
        expect(e.type).toBe("misc");
        expect(e.fields.eprint, at).toBe(original!.eprint);
        expect(e.fields.eprinttype, at).toBe("arxiv");
      }
    }
  }
  return parsed.entries;
}

describe("BibTeX on the site", () => {
  it("offers a .bib for the atlas, every figure and every study, each passing a real parser's reading", () => {
    const manifest = JSON.parse(readFileSync(join(site, "figures.json"), "utf8")) as {
      figures: { id: string }[];
    };
    const bibs = (readdirSync(site, { recursive: true, encoding: "utf8" }) as string[])
      .filter((p) => p.endsWith(".bib") && !p.startsWith("v/"))
      .sort();
    expect(bibs).toEqual(
      [
        "cite/atlas.bib",
        ...manifest.figures.map((f) => `figures/${f.id}.bib`),
        ...studies.map((s) => `studies/${s.id}.bib`),
      ].sort(),
    );
    const byKey = new Map<string, string>();
    for (const file of bibs) {
      for (const e of checkBibtex(readFileSync(join(site, file), "utf8"), file)) {
        // One meaning per key across the site: merging several .bib files never gives a key two entries.
        const seen = byKey.get(e.key);
        if (seen !== undefined) expect(e.input, `${file}: ${e.key}`).toBe(seen);
        byKey.set(e.key, e.input);
      }
    }
    const atlas = checkBibtex(readFileSync(join(site, "cite", "atlas.bib"), "utf8"), "atlas.bib");
    expect(atlas.map((e) => e.key)).toEqual([
      "atlas",
      expect.stringMatching(/^atlas-\d+\.\d+\.\d+(-dev)?$/),
      ...originals.keys(),
    ]);
    for (const f of manifest.figures) {
      const entries = parse(readFileSync(join(site, "figures", `${f.id}.bib`), "utf8")).entries;
      expect(entries[0]!.key, f.id).toMatch(new RegExp(`^atlas-\\d+\\.\\d+\\.\\d+(-dev)?-${f.id}$`));
      expect(entries[0]!.fields.type).toBe("Figure");
      expect(entries[0]!.fields.version).toMatch(/^\d+\.\d+\.\d+(\+dev)?$/);
    }
  });

  it("shows the same BibTeX in every page's blocks: parsed, checked, and identical to the .bib downloads", () => {
    const byKey = new Map<string, string>();
    for (const file of [
      "cite/atlas.bib",
      ...readdirSync(join(site, "figures"))
        .filter((n) => n.endsWith(".bib"))
        .map((n) => `figures/${n}`),
    ])
      for (const e of parse(readFileSync(join(site, file), "utf8")).entries) byKey.set(e.key, e.input);
    let count = 0;
    for (const page of pages) {
      for (const block of blocks(readFileSync(join(site, page), "utf8"), "bibtex")) {
        for (const e of checkBibtex(block, page)) {
          count++;
          const seen = byKey.get(e.key);
          if (seen !== undefined) expect(e.input, `${page}: ${e.key}`).toBe(seen);
          byKey.set(e.key, e.input);
        }
      }
    }
    expect(count).toBeGreaterThan(100);
    const figure = readFileSync(
      join(site, "figures", "fig-batch-scaling-architectures", "index.html"),
      "utf8",
    );
    // The figure's entry and its studies' entries, shown apart, together are the .bib download.
    expect(blocks(figure, "bibtex").join("\n")).toBe(
      readFileSync(join(site, "figures", "fig-batch-scaling-architectures.bib"), "utf8"),
    );
    expect(blocks(figure, "bibtex")[0]).toMatch(
      /^@dataset\{atlas-[^\n]*-fig-batch-scaling-architectures,\n[^@]*\}\n$/,
    );
  });

  it("has copy buttons only as an enhancement: hidden in the HTML, the text selectable without JavaScript", () => {
    const figure = readFileSync(
      join(site, "figures", "fig-batch-scaling-architectures", "index.html"),
      "utf8",
    );
    const buttons = [...figure.matchAll(/<button[^>]*data-copy="([^"]+)"[^>]*>/g)];
    expect(buttons.length).toBeGreaterThanOrEqual(2);
    for (const b of buttons) {
      expect(b[0]).toContain("hidden");
      expect(figure).toContain(`<pre id="${b[1]}"`);
    }
  });
});

describe("CSL-JSON on the site", () => {
  it("validates every CSL-JSON block against the CSL 1.0.2 schema, with the types of the BibTeX", () => {
    let count = 0;
    for (const page of pages) {
      for (const block of blocks(readFileSync(join(site, page), "utf8"), "csl")) {
        const items = JSON.parse(block) as { id: string; type: string }[];
        expect(cslErrors(items), page).toEqual([]);
        for (const item of items) {
          count++;
          const original = originals.get(item.id);
          expect(item.type, `${page} ${item.id}`).toBe(original ? CSL_TYPE[original.type] : "dataset");
        }
      }
    }
    expect(count).toBeGreaterThan(100);
  });
});

describe("the cite page", () => {
  it("names every original study with its citation and its .bib", () => {
    const html = unescapeHtml(readFileSync(join(site, "cite", "index.html"), "utf8"));
    for (const s of studies) {
      // A study cites its original under the original's own title where that differs (MLPerf rounds).
      expect(html, s.id).toContain(s.cite?.title ?? s.title);
      expect(html, s.id).toContain(`${s.id}.bib`);
    }
    expect(html).toContain("atlas.bib");
  });
});

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe("figure downloads", () => {
  it("stamp the SVG and PNG with title, sources, version and permalink; the page's inline figure stays clean", () => {
    const manifest = JSON.parse(readFileSync(join(site, "figures.json"), "utf8")) as {
      figures: { id: string; title: string }[];
    };
    const footer = readFileSync(join(site, "index.html"), "utf8").match(
      /(version \S+ \(data [0-9a-f]{8}\), not a release|release \S+ \([0-9-]+, data [0-9a-f]{8}\))/,
    )![1]!;
    for (const f of manifest.figures) {
      const svg = readFileSync(join(site, "figures", `${f.id}.svg`), "utf8");
      const stamp = unescapeHtml(/<g class="atlas-stamp"[\s\S]*<\/g>/.exec(svg)?.[0] ?? "").replace(
        /<[^>]+>/g,
        " ",
      );
      expect(stamp, f.id).toContain(f.title.slice(0, 40));
      expect(stamp.replace(/\s+/g, " "), f.id).toContain(`Inference Scaling Atlas, ${footer}.`);
      expect(stamp.replace(/\s+/g, ""), f.id).toContain(`Permalink:https://`);
      expect(stamp.replace(/\s+/g, ""), f.id).toContain(`/figures/${f.id}/`);
      const page = readFileSync(join(site, "figures", f.id, "index.html"), "utf8");
      expect(page, f.id).not.toContain("atlas-stamp");
      const height = Number(/^<svg[^>]* height="([0-9.]+)"/m.exec(svg)![1]);
      const width = Number(/^<svg[^>]* width="([0-9.]+)"/m.exec(svg)![1]);
      const [pw, ph] = pngSize(join(site, "figures", `${f.id}.png`));
      expect(pw, f.id).toBe(Math.round(width * 2));
      expect(Math.abs(ph - height * 2), f.id).toBeLessThanOrEqual(1);
    }
  });
});

describe("citing what does not change", () => {
  it("sends a reader of a development build's figure page to the figure's copy in the newest release that has it", () => {
    // Newest first, by version number.
    const ordered = [...releases].sort((a, b) => compareSemver(b.version, a.version));
    const idsOf = (version: string) =>
      new Set(
        (
          JSON.parse(readFileSync(join(ROOT, "archive", "v", version, "figures.json"), "utf8")) as {
            figures: { id: string }[];
          }
        ).figures.map((f) => f.id),
      );
    const released = ordered.map((r) => ({ version: r.version, ids: idsOf(r.version) }));
    const current = (
      JSON.parse(readFileSync(join(site, "figures.json"), "utf8")) as { figures: { id: string }[] }
    ).figures.map((f) => f.id);
    let linked = 0;
    for (const id of current) {
      const page = readFileSync(join(site, "figures", id, "index.html"), "utf8");
      const newest = released.find((r) => r.ids.has(id));
      if (newest) {
        linked++;
        expect(page, id).toContain(
          `<a href="/v/${newest.version}/figures/${id}/">its copy in release ${newest.version}</a>`,
        );
        expect(existsSync(join(site, "v", newest.version, "figures", id, "index.html")), id).toBe(true);
      } else expect(page, id).not.toContain("its copy in release");
    }
    expect(linked).toBeGreaterThan(0);
  });
});

describe("stable figure ids", () => {
  it("keeps every figure id of every release, or a page saying what replaced it", () => {
    const current = new Set(
      (
        JSON.parse(readFileSync(join(site, "figures.json"), "utf8")) as { figures: { id: string }[] }
      ).figures.map((f) => f.id),
    );
    const retired = JSON.parse(readFileSync(join(ROOT, "retired-figures.json"), "utf8")) as { id: string }[];
    expect(releases.length).toBeGreaterThan(0);
    for (const r of releases) {
      const manifest = join(ROOT, "archive", "v", r.version, "figures.json");
      expect(existsSync(manifest), relative(ROOT, manifest)).toBe(true);
      const ids = (JSON.parse(readFileSync(manifest, "utf8")) as { figures: { id: string }[] }).figures.map(
        (f) => f.id,
      );
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) {
        if (current.has(id)) continue;
        expect(
          retired.map((x) => x.id),
          `${id} of ${r.version} is gone without a retired-figures.json entry`,
        ).toContain(id);
        expect(readFileSync(join(site, "figures", id, "index.html"), "utf8")).toContain("was retired");
      }
    }
  });
});
