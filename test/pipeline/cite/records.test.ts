/**
 * Citation records and the three formats written from them: BibTeX read back by two independent
 * parsers (@retorquere/bibtex-parser, citation-js) gives the record again; CSL-JSON meets the CSL 1.0.2
 * schema; plain text is APA from citeproc. Run on every study of the repository's data and on a hostile
 * record whose fields hold every character BibTeX treats specially.
 */
import { describe, expect, it } from "vitest";
import { distinctWorks } from "../../../src/pipeline/cite/citation.ts";
import { parse } from "@retorquere/bibtex-parser";
import { Cite } from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import { loadData } from "../../../src/pipeline/ingest/index.ts";
import {
  atlasRecord,
  editionRecord,
  figureRecord,
  originalRecord,
  pinnedUrl,
  releaseRecord,
  studyPageRecord,
  type CitationRecord,
  type ReportMeta,
} from "../../../src/pipeline/cite/record.ts";
import {
  BIBTEX_TYPE,
  escapeLatex,
  toBibFile,
  toBibtex,
  verbatimUrl,
} from "../../../src/pipeline/cite/bibtex.ts";
import { CSL_TYPE, toCsl } from "../../../src/pipeline/cite/csl.ts";
import { plainText } from "../../../src/pipeline/cite/text.ts";
import { citation } from "../../../src/pipeline/cite/citation.ts";
import { reportVersion, type Release } from "../../../src/pipeline/cite/version.ts";
import type { Person, Study } from "../../../src/pipeline/schema.ts";
import { cslErrors } from "../../helpers/schemas.ts";

const meta: ReportMeta = {
  title: "Inference Scaling Atlas",
  siteUrl: "https://owner.github.io/atlas/",
  authors: [{ name: "Inference Scaling Atlas contributors" }, { family: "Lovelace", given: "Ada" }],
};
const release: Release = {
  version: "1.2.0",
  date: "2026-11-23",
  dataHash: "abcd1234",
  sourceHash: "f".repeat(64),
  changes: [],
};
const released = reportVersion("1.2.0", "abcd1234", "f".repeat(64), [release]);
const dev = reportVersion("1.2.0", "abcd1234", "0".repeat(64), [release]);
const studies = loadData("data").studies.map((s) => s.study);
const byId = new Map(studies.map((s) => [s.id, s]));

const hostile: CitationRecord = {
  key: "hostile-study",
  type: "webpage",
  title: "Latency & throughput of 50% {odd} chips_with $pecial #chars ~tilde ^caret \\backslash × “quotes”",
  authors: [{ family: "Müller", given: "Zoë" }, { literal: "R&D Group {Ltd}" }],
  date: "2025-04-15",
  url: "https://example.org/a_b/c%20d/?q=1&r=2#L1-L2",
  accessed: "2025-03-01",
  container: "Blog_of 100% & more",
};

const records: CitationRecord[] = [
  atlasRecord(meta, [release]),
  releaseRecord(meta, { ...release, doi: "10.5281/zenodo.123" }),
  editionRecord(meta, dev),
  figureRecord(meta, released, { id: "fig-a", title: "A figure with 100% of {braces} & _underscores_" }),
  figureRecord(meta, dev, { id: "fig-a", title: "A figure" }),
  studyPageRecord(meta, released, studies[0]!),
  ...studies.map(originalRecord),
  hostile,
];

/** A person as the bibtex parser returns it: {lastName, firstName} or {name} for an organisation. */
function parsedPerson(p: Person): Record<string, string> {
  return "literal" in p ? { name: p.literal } : { lastName: p.family, firstName: p.given };
}

describe("the original studies' records (from data/studies/*/study.yaml)", () => {
  it("splits people into family and given names and keeps organisations whole", () => {
    const authors = (id: string) => originalRecord(byId.get(id)!).authors;
    // As the seed documents print them (MN-Core 2 poster, Graphcore report, course report, Flex Logix posts).
    expect(authors("mn-core-2-poster")).toEqual([
      { family: "Yamanet", given: "Kaito" },
      { family: "Hosoi", given: "Hinata" },
      { family: "Yokota", given: "Taiki" },
      { family: "Miyajima", given: "Takaaki" },
    ]);
    expect(authors("graphcore-c2-resnext101").map((p) => ("family" in p ? p.family : ""))).toEqual([
      "Kacher",
      "Portaz",
      "Randrianarivo",
      "Peyronnet",
    ]);
    expect(authors("v100-p100-resnet50-course")).toEqual([
      { family: "Sridhar", given: "Prayag" },
      { family: "Arumugam", given: "Venkatesh" },
    ]);
    expect(authors("flex-logix-batching")).toEqual([{ family: "Tate", given: "Geoff" }]);
    expect(authors("nvidia-dle-tf1-resnet50")).toEqual([{ literal: "NVIDIA Corporation" }]);
  });

  it("gives each kind of source its type: web pages, an arXiv preprint, a poster, an unpublished course report", () => {
    const type = (id: string) => originalRecord(byId.get(id)!).type;
    expect(type("flex-logix-batching")).toBe("webpage");
    expect(type("nvidia-dle-pytorch-resnet50")).toBe("webpage");
    expect(type("graphcore-c2-resnext101")).toBe("arxiv");
    expect(type("mn-core-2-poster")).toBe("poster");
    expect(type("v100-p100-resnet50-course")).toBe("unpublished");
    const arxiv = originalRecord(byId.get("graphcore-c2-resnext101")!);
    expect(arxiv).toMatchObject({ eprint: "2002.11670", doi: "10.48550/arXiv.2002.11670" });
  });

  it("links only what the source itself is: no URL for the poster (the study's url is PFN's product page) or the course report", () => {
    expect(byId.get("mn-core-2-poster")!.url).toBe("https://projects.preferred.jp/mn-core/");
    expect(originalRecord(byId.get("mn-core-2-poster")!).url).toBeUndefined();
    expect(originalRecord(byId.get("v100-p100-resnet50-course")!)).toMatchObject({ date: "2025-04-15" });
    expect(originalRecord(byId.get("v100-p100-resnet50-course")!).url).toBeUndefined();
  });

  it("records no access date the data does not give, and no note repeating the citation", () => {
    for (const s of studies) {
      const r = originalRecord(s);
      expect(r.accessed, s.id).toBe(s.cite?.accessed);
      expect(r.note, s.id).toBeUndefined();
    }
  });

  it("cites an imported MLPerf round as MLCommons' dataset, under the repository's title, at the imported commit", () => {
    const study = byId.get("mlperf-inference-v3-0-resnet50")!;
    expect(originalRecord(study)).toEqual({
      key: "mlcommons-inference_results_v3.0",
      type: "dataset",
      title: "MLPerf Inference v3.0 results",
      authors: [{ literal: "MLCommons" }],
      date: "2023",
      url: "https://github.com/mlcommons/inference_results_v3.0/tree/1948f9b5b93c5b4dcafe15de0faa08cdf1439fca",
    });
    // The study page keeps its own title; the submitters are named per result, not as authors.
    expect(study.title).toBe("MLPerf Inference v3.0: ResNet-50, every submitted result");
    const bib = parse(toBibtex(originalRecord(study)));
    expect(bib.entries[0]).toMatchObject({ type: "dataset" });
    // The round's RetinaNet study cites the same repository: one work, one key, one entry.
    const retinanet = originalRecord(byId.get("mlperf-inference-v3-0-retinanet")!);
    expect(retinanet).toEqual(originalRecord(study));
    expect(distinctWorks([originalRecord(study), retinanet])).toHaveLength(1);
    expect(() => distinctWorks([originalRecord(study), { ...retinanet, title: "Another" }])).toThrow(
      /names two different works/,
    );
  });

  it("refuses a study id that could collide with the atlas's own keys", () => {
    expect(() => originalRecord({ ...studies[0]!, id: "atlas-1" } as Study)).toThrow(/reserved/);
  });

  it("falls back, without a cite block, to a web page by organisations (or unpublished without a url)", () => {
    const { cite: _c, ...bare } = byId.get("flex-logix-batching")!;
    expect(originalRecord(bare as Study)).toMatchObject({
      type: "webpage",
      authors: [{ literal: "Geoff Tate" }],
    });
    expect(originalRecord({ ...bare, url: undefined } as Study).type).toBe("unpublished");
  });
});

describe("the atlas's own records", () => {
  it("pins a release's figure to /v/<version>/ under the site's path, and a development build to the live page", () => {
    expect(pinnedUrl(meta, released, "/figures/fig-a/")).toBe(
      "https://owner.github.io/atlas/v/1.2.0/figures/fig-a/",
    );
    expect(pinnedUrl(meta, dev, "/figures/fig-a/")).toBe("https://owner.github.io/atlas/figures/fig-a/");
    expect(figureRecord(meta, released, { id: "fig-a", title: "T" })).toMatchObject({
      key: "atlas-1.2.0-fig-a",
      type: "dataset",
      version: "1.2.0",
      date: "2026-11-23",
    });
  });

  it("gives a development build its own keys, no date and a note saying it is not a release", () => {
    const r = figureRecord(meta, dev, { id: "fig-a", title: "T" });
    expect(r).toMatchObject({ key: "atlas-1.2.0-dev-fig-a", version: "1.2.0+dev", date: null });
    expect(r.note).toBe("Development build (data abcd1234), not a release");
  });

  it("cites the atlas as a whole without a version, and a release with its version and DOI", () => {
    expect(atlasRecord(meta, [release])).toMatchObject({
      key: "atlas",
      date: "2026",
      url: "https://owner.github.io/atlas/",
    });
    expect(atlasRecord(meta, [release]).version).toBeUndefined();
    expect(releaseRecord(meta, { ...release, doi: "10.5281/zenodo.123" })).toMatchObject({
      key: "atlas-1.2.0",
      version: "1.2.0",
      doi: "10.5281/zenodo.123",
      url: "https://owner.github.io/atlas/v/1.2.0/",
    });
  });

  it("titles figures and study pages by what they are, never 'X. In Inference Scaling Atlas'", () => {
    for (const r of records) expect(r.title, r.key).not.toMatch(/\bIn Inference Scaling Atlas\b/);
  });
});

describe("BibTeX", () => {
  it("reads back, with @retorquere/bibtex-parser, as exactly the record: type, people, raw URL, every field", () => {
    for (const r of records) {
      const parsed = parse(toBibtex(r), { sentenceCase: false });
      expect(parsed.errors, r.key).toEqual([]);
      expect(parsed.entries, r.key).toHaveLength(1);
      const e = parsed.entries[0]!;
      expect(e.key).toBe(r.key);
      expect(e.type).toBe(BIBTEX_TYPE[r.type]);
      expect(e.fields.title).toBe(r.title);
      expect(e.fields.author).toEqual(r.authors.map(parsedPerson));
      expect(e.fields.url).toBe(r.url === undefined ? undefined : verbatimUrl(r.url));
      expect(e.fields.url ?? "").not.toContain("\\");
      expect(e.fields.date).toBe(r.date ?? undefined);
      // Classic BibTeX styles read only the year.
      expect(e.fields.year).toBe(r.date?.slice(0, 4));
      expect(e.fields.version).toBe(r.version);
      expect(e.fields.doi).toBe(r.doi);
      expect(e.fields.eprint).toBe(r.eprint);
      expect(e.fields.eprinttype).toBe(r.eprint ? "arxiv" : undefined);
      expect(e.fields.urldate).toBe(r.accessed);
      expect(e.fields.note).toBe(r.note);
    }
  });

  it("reads back, with citation-js, as the record's CSL-JSON (the same title, people, date, URL, DOI, version)", () => {
    for (const r of records) {
      const [item] = new Cite(toBibtex(r)).data as Record<string, unknown>[];
      const csl = toCsl(r);
      expect(item!.title, r.key).toBe(csl.title);
      // citation-js reads a braced organisation as a family name with no given name.
      expect(item!.author, r.key).toEqual(
        r.authors.map((p) => ("literal" in p ? { family: p.literal } : { given: p.given, family: p.family })),
      );
      expect(item!.issued, r.key).toEqual(csl.issued);
      expect(item!.URL, r.key).toBe(r.url === undefined ? undefined : verbatimUrl(r.url));
      expect(item!.DOI, r.key).toBe(csl.DOI);
      expect(item!.version, r.key).toBe(csl.version);
      expect(item!.accessed, r.key).toEqual(csl.accessed);
    }
  });

  it("keeps URLs raw, percent-encoding only what a braced value cannot hold", () => {
    expect(verbatimUrl("https://github.com/mlcommons/inference_results_v3.0#L619")).toBe(
      "https://github.com/mlcommons/inference_results_v3.0#L619",
    );
    expect(verbatimUrl("https://example.org/{x}\\y z")).toBe("https://example.org/%7Bx%7D%5Cy%20z");
  });

  it("escapes every LaTeX special character in text fields", () => {
    expect(escapeLatex("a & b % c $ d # e _ f { g } h ~ i ^ j \\ k")).toBe(
      "a \\& b \\% c \\$ d \\# e \\_ f \\{ g \\} h \\textasciitilde{} i \\textasciicircum{} j \\textbackslash{} k",
    );
  });

  it("writes the arXiv preprint as @misc with eprint, the poster and the course report as @unpublished with their kind", () => {
    const bib = (id: string) => toBibtex(originalRecord(byId.get(id)!));
    expect(bib("graphcore-c2-resnext101")).toMatch(
      /^@misc\{graphcore-c2-resnext101,[\s\S]*eprint = \{2002\.11670\},\n {2}eprinttype = \{arxiv\}/,
    );
    expect(bib("mn-core-2-poster")).toMatch(/^@unpublished\{mn-core-2-poster,[\s\S]*type = \{Poster\}/);
    expect(bib("v100-p100-resnet50-course")).toMatch(
      /^@unpublished\{[\s\S]*type = \{Course report, EECE5640 High Performance Computing\}/,
    );
    expect(bib("flex-logix-batching")).toMatch(/^@online\{[\s\S]*author = \{Tate, Geoff\}/);
    expect(bib("nvidia-dle-tf1-resnet50")).toMatch(/author = \{\{NVIDIA Corporation\}\}/);
  });

  it("refuses a .bib with one key twice, and a key BibTeX cannot hold", () => {
    expect(() => toBibFile([hostile, hostile])).toThrow(/appears twice/);
    expect(() => toBibtex({ ...hostile, key: "a b" })).toThrow(/cannot hold/);
  });
});

describe("CSL-JSON and plain text", () => {
  it("meets the CSL 1.0.2 schema for every record, with the type matching the BibTeX type", () => {
    const items = records.map(toCsl);
    expect(cslErrors(items)).toEqual([]);
    for (const [i, r] of records.entries()) expect(items[i]!.type).toBe(CSL_TYPE[r.type]);
    expect(CSL_TYPE).toEqual({
      dataset: "dataset",
      webpage: "webpage",
      arxiv: "article",
      poster: "speech",
      report: "report",
      unpublished: "manuscript",
    });
  });

  it("renders APA text from the same record: people as initials, organisations whole, version and type, the URL raw", () => {
    expect(plainText(toCsl(originalRecord(byId.get("graphcore-c2-resnext101")!)))).toBe(
      "Kacher, I., Portaz, M., Randrianarivo, H., & Peyronnet, S. (2020). Graphcore C2 Card performance for image-based deep learning application: A Report (arXiv:2002.11670). arXiv. https://doi.org/10.48550/arXiv.2002.11670",
    );
    expect(
      plainText(toCsl(figureRecord(meta, released, { id: "fig-a", title: "Throughput vs batch" }))),
    ).toBe(
      "Inference Scaling Atlas contributors, & Lovelace, A. (2026). Throughput vs batch (Version 1.2.0) [Figure]. Inference Scaling Atlas. https://owner.github.io/atlas/v/1.2.0/figures/fig-a/",
    );
    // Undated (a development build): no bare "Retrieved <url>".
    expect(plainText(toCsl(figureRecord(meta, dev, { id: "fig-a", title: "T" })))).toMatch(
      /\(n\.d\.\)[\s\S]* https:\/\/owner\.github\.io\/atlas\/figures\/fig-a\/$/,
    );
    expect(plainText(toCsl(figureRecord(meta, dev, { id: "fig-a", title: "T" })))).not.toContain("Retrieved");
  });

  it("puts a thing and its sources in one .bib, each key once", () => {
    const c = citation(
      figureRecord(meta, released, { id: "fig-a", title: "T" }),
      studies.slice(0, 3).map(originalRecord),
    );
    const parsed = parse(c.bibFile, { sentenceCase: false });
    expect(parsed.errors).toEqual([]);
    expect(parsed.entries.map((e) => e.key)).toEqual([
      "atlas-1.2.0-fig-a",
      ...studies.slice(0, 3).map((s) => s.id),
    ]);
    expect(c.csl.map((i) => i.id)).toEqual(parsed.entries.map((e) => e.key));
    // Shown apart on the page, so several citations can share their studies' entries.
    expect(`${c.mainBibFile}\n${c.sourcesBibFile}`).toBe(c.bibFile);
    expect(parse(c.mainBibFile).entries.map((e) => e.key)).toEqual(["atlas-1.2.0-fig-a"]);
    expect(citation(atlasRecord(meta, [release])).sourcesBibFile).toBe("");
    expect(c.sources.map((s) => s.text)).toEqual(
      studies.slice(0, 3).map((s) => plainText(toCsl(originalRecord(s)))),
    );
  });
});
