/**
 * CITATION.cff and .zenodo.json: valid (CFF 1.2.0 schema), describing the newest release as a dataset
 * (as the BibTeX does: @dataset), with the original studies as references typed like their BibTeX.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  CFF_TYPE,
  citationCff,
  zenodoJson,
  type RepositoryMeta,
} from "../../../src/pipeline/cite/archive-metadata.ts";
import { latestRelease, originalRecord } from "../../../src/pipeline/cite/record.ts";
import { loadData } from "../../../src/pipeline/ingest/index.ts";
import { readReleases } from "../../../scripts/lib/stages.ts";
import { releasedStudyIds } from "../../../scripts/lib/citation-files.ts";
import { cffErrors } from "../../helpers/schemas.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const latest = latestRelease(readReleases(ROOT))!;
const studies = loadData(join(ROOT, "data")).studies.map((s) => s.study);
const released = releasedStudyIds(ROOT, latest.version)!;
const meta = JSON.parse(readFileSync(join(ROOT, "report.config.json"), "utf8")) as RepositoryMeta;
/** The release's originals, each once: two MLPerf benchmarks of one round cite the same repository. */
const distinctOriginals = new Set(
  studies
    .filter((s) => released.has(s.id))
    .map(originalRecord)
    .map((r) => `${r.title}|${r.url}`),
);

interface CffReference {
  type: string;
  title: string;
  authors: unknown[];
  url?: string;
  doi?: string;
}
type Cff = Record<string, unknown> & {
  references: CffReference[];
  "preferred-citation": CffReference;
  identifiers: { value: string }[];
  doi?: string;
};

describe("CITATION.cff", () => {
  const cff = parse(readFileSync(join(ROOT, "CITATION.cff"), "utf8")) as Cff;

  it("is valid Citation File Format 1.2.0", () => {
    expect(cffErrors(cff)).toEqual([]);
  });

  it("describes the newest release as a dataset, and prefers citing that release", () => {
    expect(cff).toMatchObject({
      type: "dataset",
      title: meta.title,
      version: latest.version,
      "date-released": latest.date,
    });
    expect(cff["preferred-citation"]).toMatchObject({
      type: "data",
      title: meta.title,
      version: latest.version,
      url: `${meta.siteUrl.replace(/\/$/, "")}/v/${latest.version}/`,
    });
  });

  it("lists the release's original studies as references, typed like their BibTeX and with people split", () => {
    const expected = studies.filter((s) => released.has(s.id)).map(originalRecord);
    expect(cff.references).toHaveLength(distinctOriginals.size);
    const byTitle = new Map((cff.references as CffReference[]).map((r) => [r.title, r]));
    for (const r of expected) {
      const ref = byTitle.get(r.title)!;
      expect(ref, r.key).toBeDefined();
      expect(ref.type, r.key).toBe(CFF_TYPE[r.type]);
      expect(ref.authors, r.key).toEqual(
        r.authors.map((p) =>
          "literal" in p ? { name: p.literal } : { "family-names": p.family, "given-names": p.given },
        ),
      );
      expect(ref.url, r.key).toBe(r.url);
    }
  });
});

describe(".zenodo.json", () => {
  const zenodo = JSON.parse(readFileSync(join(ROOT, ".zenodo.json"), "utf8")) as Record<string, unknown> & {
    references: string[];
  };

  it("gives Zenodo the newest release as an open dataset, with the original studies as references", () => {
    expect(zenodo).toMatchObject({
      upload_type: "dataset",
      title: meta.title,
      version: latest.version,
      publication_date: latest.date,
      access_right: "open",
      license: meta.licenseId.toLowerCase(),
    });
    expect(zenodo.creators).toEqual(meta.authors.map((a) => ({ name: (a as { name: string }).name })));
    expect(zenodo.references).toHaveLength(distinctOriginals.size);
  });
});

describe("an original two studies share", () => {
  it("is one reference (CFF requires unique references)", () => {
    const mlperf = studies.filter((s) => s.id.startsWith("mlperf-inference-v2-1-"));
    expect(mlperf.map((s) => s.id)).toEqual([
      "mlperf-inference-v2-1-resnet50",
      "mlperf-inference-v2-1-retinanet",
    ]);
    const originals = mlperf.map(originalRecord);
    const cff = parse(citationCff(meta, latest, originals)) as Cff;
    expect(cffErrors(cff)).toEqual([]);
    expect(cff.references).toHaveLength(1);
    expect(JSON.parse(zenodoJson(meta, latest, originals)).references).toHaveLength(1);
  });
});

describe("once Zenodo has minted DOIs", () => {
  it("puts the concept and version DOIs into CITATION.cff", () => {
    const release = { ...latest, doi: "10.5281/zenodo.2" };
    const cff = parse(citationCff({ ...meta, doi: "10.5281/zenodo.1" }, release, [])) as Cff;
    expect(cffErrors(cff)).toEqual([]);
    expect(cff.doi).toBe("10.5281/zenodo.2");
    expect(cff["preferred-citation"].doi).toBe("10.5281/zenodo.2");
    expect(cff.identifiers.map((i) => i.value)).toEqual([
      "10.5281/zenodo.1",
      "10.5281/zenodo.2",
      `${meta.siteUrl.replace(/\/$/, "")}/v/${latest.version}/`,
    ]);
    expect(JSON.parse(zenodoJson(meta, release, [])).version).toBe(latest.version);
  });
});
