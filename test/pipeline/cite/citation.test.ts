import { describe, expect, it } from "vitest";
import { parse } from "@retorquere/bibtex-parser";
import { cite, escapeBibtex, pinnedUrl } from "../../../src/pipeline/cite/citation.ts";
import { dataHash, reportVersion } from "../../../src/pipeline/cite/version.ts";
import type { Study } from "../../../src/pipeline/schema.ts";

const meta = {
  title: "Inference Scaling Atlas",
  siteUrl: "https://atlas.example/",
  authors: [{ name: "Atlas contributors" }],
};
const study = {
  id: "study-x",
  title: "Latency & throughput of 50% {odd} chips_with $pecial #chars",
  authors: ["Ada Lovelace", "NVIDIA Corporation"],
  year: 2020,
  url: "https://example.org/paper?a=1&b=2",
  citation: "Lovelace, A. (2020). Latency & throughput. ~Tilde^caret\\backslash.",
} as unknown as Study;
const released = reportVersion("1.2.0", "abcd1234", [
  { version: "1.2.0", date: "2026-11-23", dataHash: "abcd1234", changes: [] },
]);
const dev = reportVersion("1.2.0", "ffff0000", [
  { version: "1.2.0", date: "2026-11-23", dataHash: "abcd1234", changes: [] },
]);

describe("citations", () => {
  it("pins a released figure to its immutable /v/<version>/ URL, and a development build to the live page", () => {
    expect(pinnedUrl(meta, released, "/figures/fig-a/")).toBe("https://atlas.example/v/1.2.0/figures/fig-a/");
    expect(pinnedUrl(meta, dev, "/figures/fig-a/")).toBe("https://atlas.example/figures/fig-a/");
  });

  it("produces BibTeX that a strict parser reads without errors, with version, URL and the original study", () => {
    const c = cite(meta, released, {
      key: "fig-a",
      title: "A figure with 100% of {braces} & _underscores_",
      url: "https://atlas.example/v/1.2.0/figures/fig-a/",
      originals: [study],
    });
    const parsed = parse(c.bibtex, { sentenceCase: false });
    expect(parsed.errors).toEqual([]);
    expect(parsed.entries).toHaveLength(2);
    const [atlas, original] = parsed.entries;
    expect(atlas!.key).toBe("atlas-1.2.0-fig-a");
    expect(atlas!.fields.title).toBe(
      "A figure with 100% of {braces} & _underscores_. In Inference Scaling Atlas",
    );
    expect(atlas!.fields.version).toBe("1.2.0");
    expect(atlas!.fields.year).toBe("2026");
    expect(atlas!.fields.url).toBe("https://atlas.example/v/1.2.0/figures/fig-a/");
    expect(original!.fields.title).toBe(study.title);
    expect(original!.fields.author).toEqual([{ name: "Ada Lovelace" }, { name: "NVIDIA Corporation" }]);
    expect(c.text).toContain("version 1.2.0, data abcd1234");
    expect(c.text).toContain("Data from: Lovelace, A. (2020)");
  });

  it("marks a development build as such in every format", () => {
    const c = cite(meta, dev, { key: "report", title: null, url: "https://atlas.example/", originals: [] });
    expect(c.text).toContain("version 1.2.0+dev");
    expect(parse(c.bibtex).errors).toEqual([]);
    expect(c.csl[0]).toMatchObject({ version: "1.2.0+dev", type: "report", URL: "https://atlas.example/" });
  });

  it("escapes every BibTeX special character", () => {
    expect(escapeBibtex("a & b % c $ d # e _ f { g } h ~ i ^ j \\ k")).toBe(
      "a \\& b \\% c \\$ d \\# e \\_ f \\{ g \\} h \\textasciitilde{} i \\textasciicircum{} j \\textbackslash{} k",
    );
  });

  it("hashes the dataset bytes, so a changed value changes the version's data hash", () => {
    expect(dataHash("a,b\n1,2\n")).toMatch(/^[0-9a-f]{8}$/);
    expect(dataHash("a,b\n1,2\n")).not.toBe(dataHash("a,b\n1,3\n"));
  });
});
