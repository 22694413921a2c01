/**
 * Hardening v2 (issue 19) beyond the rejection corpus: what must be accepted or written safely.
 * CSV downloads defuse formula cells and leave the raw study files alone; every number published
 * is finite; a finding saved with Windows line ends is a valid finding; YAML is read by 1.2's rules;
 * "did you mean" suggestions come from the schemas.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Papa from "papaparse";
import { z } from "zod";
import { runPipeline } from "../../src/pipeline/run.ts";
import { studySchema } from "../../src/pipeline/schema.ts";
import { measurementsCsvChunks } from "../../src/pipeline/output/measurements.ts";
import { csvField, csvLine } from "../../src/pipeline/output/csv.ts";
import { figureCsv } from "../../src/pipeline/figures/downloads.ts";
import { parseYaml } from "../../src/pipeline/ingest/yaml.ts";
import { closest, knownKeysAt } from "../../src/pipeline/ingest/suggest.ts";
import { renderMarkdownDoc } from "../../src/pipeline/report/markdown.ts";
import { makeTokenResolver } from "../../src/pipeline/report/tokens.ts";
import { checkFiniteRows } from "../../src/pipeline/normalize/normalize.ts";
import { SourceError } from "../../src/pipeline/errors.ts";
import { copyFixture, edit, MINIMAL, treeHash } from "../helpers/fixtures.ts";
import { CSV, META, finding } from "./corpus.ts";
import { expectFiniteDataset } from "./dataset.ts";
import { realAtlas } from "../helpers/real-atlas.ts";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const fixture = () => {
  const d = copyFixture();
  made.push(d);
  return d;
};

describe("CSV downloads and formula cells (defect 7)", () => {
  it("defuses cells a spreadsheet would run, as OWASP recommends, and leaves numbers alone", () => {
    expect(csvField('=HYPERLINK("http://x.example","y")')).toBe('"\'=HYPERLINK(""http://x.example"",""y"")"');
    expect(csvField("+1+1")).toBe(`"'+1+1"`);
    expect(csvField("-2+3")).toBe(`"'-2+3"`);
    expect(csvField("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvField("\t=1")).toBe(`"'\t=1"`);
    expect(csvField("\r=1")).toBe(`"'\r=1"`);
    expect(csvField("=a\nb")).toBe(`"'=a\nb"`);
    for (const number of ["-0.5", "-12", "+3", "-1e-7", "0.25"]) expect(csvField(number)).toBe(number);
    expect(csvLine(["a", "=1", "b"])).toBe(`a,"'=1",b\n`);
  });

  it("escapes formula text from a study in measurements.csv and a figure's CSV; the study's file is untouched", () => {
    const d = fixture();
    edit(d, META, (t) =>
      t
        .replace('framework: "FixtureFlow 1.0"', "framework: \"=cmd|' /C calc'!A0\"")
        .replace("execution: eager", 'execution: "@SUM(1+1)"'),
    );
    const before = treeHash(d);
    const raw = readFileSync(join(d, META), "utf8");
    const atlas = runPipeline(d, { simulate: false });
    expect(treeHash(d)).toBe(before);
    expect(readFileSync(join(d, META), "utf8")).toBe(raw);
    const csv = [...measurementsCsvChunks(atlas.rows)].join("");
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    expect(parsed.length).toBeGreaterThan(0);
    for (const row of parsed) {
      expect(row.framework).toBe("'=cmd|' /C calc'!A0");
      expect(row.execution).toBe("'@SUM(1+1)");
      for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
    }
    // A figure's download writes its plotted rows through the same writer.
    const figure = atlas.figures.find((f) => f.id === "fig-throughput-acc-a-resnet50")!;
    const hostile = { ...figure, rows: figure.rows.map((r) => ({ ...r, series: "=1+2", source: "@x" })) };
    const cells = Papa.parse<string[]>(figureCsv(hostile), { skipEmptyLines: true }).data.slice(1);
    expect(cells.length).toBe(figure.rows.length);
    const at = (key: string) => figure.columns.findIndex((c) => c.key === key);
    expect(at("series")).toBeGreaterThanOrEqual(0);
    expect(at("source")).toBeGreaterThanOrEqual(0);
    for (const row of cells) expect([row[at("series")], row[at("source")]]).toEqual(["'=1+2", "'@x"]);
  });
});

describe("every number published is finite (defect 2)", () => {
  it("holds for the repository's data, simulator rows included", () => {
    const atlas = realAtlas();
    expect(atlas.rows.some((r) => r.kind === "simulated")).toBe(true);
    expectFiniteDataset(atlas.rows);
  }, 120_000);

  it("is checked once more before anything is written: a non-finite simulated value is a located error", () => {
    const atlas = runPipeline(MINIMAL, { simulate: false });
    const row = { ...atlas.rows[0]!, kind: "simulated" as const, throughput_img_s: Number.POSITIVE_INFINITY };
    try {
      checkFiniteRows([row]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SourceError);
      expect((e as Error).message).toContain(
        "data/accelerators/acc-a.yaml: simulated throughput_img_s of series study-a-fp32 at batch 1 is not a finite number",
      );
    }
  });
});

describe("duplicates are reported at both places (defect 3)", () => {
  it("names both lines of a repeated batch, and never merges them", () => {
    const d = fixture();
    edit(d, CSV, (t) => t.replace("8 (run 2),", "8,"));
    expect(() => runPipeline(d, { simulate: false })).toThrow(SourceError);
    try {
      runPipeline(d, { simulate: false });
    } catch (e) {
      const lines = (e as SourceError).problems
        .filter((p) => p.message.startsWith("rows 4 and 5"))
        .map((p) => p.line);
      expect(lines).toEqual([4, 5]);
    }
  });
});

describe("findings (defects 6, 8, 9)", () => {
  const atlas = runPipeline(MINIMAL, { simulate: false });
  const resolve = makeTokenResolver({ rows: atlas.rows, audit: atlas.audit });
  const known = {
    figures: new Set(["fig-a"]),
    tables: new Set<string>(),
    studies: new Set(["study-a"]),
    findings: new Set(["other"]),
    page: "/findings/this/",
  };
  const source =
    "---\ntitle: A finding\norder: 1\nheadline: H\nverdict: V\n---\nBatch 16 is {{ratio:study-a-fp32:16:1}} batch 1.\n\nSee [the study](../../studies/study-a/) and [another finding](../other/).\n\n{{figure:fig-a}}\n";

  it("reads a finding saved with Windows line ends like the same finding with Unix ones", () => {
    const unix = renderMarkdownDoc("data/findings/this.md", source, resolve, known);
    const windows = renderMarkdownDoc(
      "data/findings/this.md",
      source.replaceAll("\n", "\r\n"),
      resolve,
      known,
    );
    expect(windows.blocks).toEqual(unix.blocks);
    expect(windows.front).toEqual({ title: "A finding", order: 1, headline: "H", verdict: "V" });
    expect(unix.tokens.map((t) => t.text)).toEqual(["4×"]);
  });

  it("reports a problem in a Windows-line-end finding at the same line and column", () => {
    const bad = source.replace("{{ratio:study-a-fp32:16:1}}", "{{ratio:nope:16:1}}").replaceAll("\n", "\r\n");
    expect(() => renderMarkdownDoc("data/findings/this.md", bad, resolve, known)).toThrow(
      "data/findings/this.md:7:13: data token {{ratio:nope:16:1}} cannot be resolved",
    );
  });

  it("reads front matter with the one YAML reader: tags and aliases are refused there too", () => {
    const tagged = source.replace("title: A finding", "title: !!str A finding");
    expect(() => renderMarkdownDoc("data/findings/this.md", tagged, resolve, known)).toThrow(
      "data/findings/this.md:2:14: YAML tag",
    );
    const aliased = source.replace("headline: H", "headline: &h H").replace("verdict: V", "verdict: *h");
    expect(() => renderMarkdownDoc("data/findings/this.md", aliased, resolve, known)).toThrow(
      "data/findings/this.md:5:10: YAML alias",
    );
  });

  it("builds a site whose findings pass with CRLF line ends", () => {
    const d = fixture();
    finding(d, "crlf.md", "Batch 16 is {{ratio:study-a-fp32:16:1}} batch 1.\n");
    edit(d, "findings/crlf.md", (t) => t.replaceAll("\n", "\r\n"));
    const atlas = runPipeline(d, { simulate: false });
    expect(atlas.findings.map((f) => f.id)).toEqual(["crlf"]);
    expect(atlas.findings[0]!.blocks).toEqual([{ kind: "html", html: "<p>Batch 16 is 4× batch 1.</p>" }]);
  });
});

describe("YAML is read by 1.2's core rules only (defect 6)", () => {
  const record = z.record(z.string(), z.unknown());
  it("keeps 1.1's sexagesimals and yes/no words as text", () => {
    expect(parseYaml("f.yaml", "a: 33:45\nb: off\nc: y\nd: 0o17\ne: 1e3\n", record)).toEqual({
      a: "33:45",
      b: "off",
      c: "y",
      d: 15,
      e: 1000,
    });
  });

  it("counts line numbers from where the text starts in its file", () => {
    expect(() => parseYaml("f.md", "a: 1\nb: *x\n", record, { firstLine: 2 })).toThrow("f.md:3:");
  });
});

describe("did you mean (defect 8): names come from the zod schemas", () => {
  it("knows every field a schema declares, so new fields need no second list", () => {
    const keys = knownKeysAt(studySchema, { tables: [{}] }, ["tables", 0]);
    expect(keys).toEqual(Object.keys(studySchema.shape.tables.element.shape));
    const claim = knownKeysAt(studySchema, { claims: [{ test: { kind: "ratio" } }] }, ["claims", 0, "test"]);
    expect(claim).toContain("reference_series");
  });

  it("suggests the closest name only when it is close", () => {
    expect(closest("titel", ["title", "tables", "year"])).toBe("title");
    expect(closest("precission", ["precision", "framework"])).toBe("precision");
    expect(closest("throughput_img_sec", ["throughput_img_s", "latency_ms"])).toBe("throughput_img_s");
    expect(closest("colour", ["title", "tables", "year"])).toBeNull();
    expect(closest("x".repeat(10_000), ["title"])).toBeNull();
  });

  it("shows the hint in a study.yaml problem", () => {
    const d = fixture();
    edit(d, META, (t) => t.replace("    execution: eager\n", "    execution: eager\n    image_per_run: 5\n"));
    expect(() => runPipeline(d, { simulate: false })).toThrow(
      /unknown field "image_per_run"[\s\S]*did you mean "images_per_run"\?/,
    );
  });
});

describe("unknown files are reported, not ignored (defect 8)", () => {
  it("lists every stray entry of a study folder", () => {
    const d = fixture();
    for (const name of ["Extra.CSV", "latency.tsv", "README.md", ".DS_Store"])
      writeFileSync(join(d, "studies/study-a", name), "x\n");
    try {
      runPipeline(d, { simulate: false });
      expect.unreachable();
    } catch (e) {
      // .DS_Store is Finder's, never the contributor's data: skipped (text.ts SYSTEM_FILE), not reported.
      expect((e as SourceError).problems.map((p) => p.file).sort()).toEqual([
        "data/studies/study-a/Extra.CSV",
        "data/studies/study-a/README.md",
        "data/studies/study-a/latency.tsv",
      ]);
    }
  });
});
