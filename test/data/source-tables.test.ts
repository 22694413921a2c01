/**
 * Every table of the atlas's source notes (data/sources/published-data-tables.yaml lists them by line)
 * is either transcribed, and found among the studies by its source, imported whole by an importer (the
 * MLPerf rounds), or excluded with a reason; and every
 * study table taken from NVIDIA DeepLearningExamples belongs to exactly one listed table.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadData } from "../../src/pipeline/ingest/index.ts";

interface Entry {
  line: number;
  section: string;
  heading?: string;
  caption?: string;
  transcribed?: { source_url: string; source?: string[]; tables?: number; partial?: string };
  excluded?: string;
  imported?: { studies: string[]; note: string };
  accelerators?: string[];
  claims_in?: string;
}

const DATA = join(import.meta.dirname, "..", "..", "data");
const manifest = parse(readFileSync(join(DATA, "sources", "published-data-tables.yaml"), "utf8")) as {
  tables: Entry[];
};
const data = loadData(DATA);
const tables = data.studies.flatMap((s) => s.study.tables.map((t) => ({ id: `${s.study.id}/${t.file}`, t })));

/** Study tables an entry's `transcribed` rule finds: source_url contains the text, source quotes every string. */
function found(e: Entry): string[] {
  const rule = e.transcribed!;
  return tables
    .filter(
      ({ t }) =>
        (t.source_url ?? "").includes(rule.source_url) &&
        (rule.source ?? []).every((s) => t.source.includes(s)),
    )
    .map(({ id }) => id);
}

describe("the source notes' tables", () => {
  it("lists all 74 Markdown tables of the notes once, in line order", () => {
    // published-data.md holds 74 tables: 65 NVIDIA DLE tables, the MLPerf and YOLOv3 summaries, the status
    // table, one derived table and five specification tables.
    expect(manifest.tables).toHaveLength(74);
    const lines = manifest.tables.map((e) => e.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(new Set(lines).size).toBe(lines.length);
  });

  it.each(manifest.tables.map((e) => [e.line, e] as const))(
    "table at line %i is transcribed or excluded",
    (_, e) => {
      expect(
        [e.transcribed, e.excluded, e.imported].filter(Boolean),
        "exactly one of transcribed / excluded / imported",
      ).toHaveLength(1);
      if (e.imported) {
        // An imported table (MLPerf): each named study exists and is an importer's output.
        expect(e.imported.note.length, "a note, not a placeholder").toBeGreaterThan(40);
        for (const id of e.imported.studies)
          expect(data.studies.find((x) => x.study.id === id)?.study.mlperf, id).toBeDefined();
        return;
      }
      if (e.excluded) {
        expect(e.excluded.length, "a reason, not a placeholder").toBeGreaterThan(40);
        for (const a of e.accelerators ?? []) expect(data.accelerators.map((x) => x.id)).toContain(a);
        if (e.claims_in) {
          const s = data.studies.find((x) => x.study.id === e.claims_in);
          expect(s?.study.claims?.length ?? 0).toBeGreaterThan(0);
        }
        return;
      }
      const hits = found(e);
      if (e.transcribed!.tables !== undefined) expect(hits).toHaveLength(e.transcribed!.tables);
      else expect(hits.length).toBeGreaterThan(0);
    },
  );

  it("counts 65 DLE tables transcribed (34 before issue 16, 31 with it) and 8 excluded", () => {
    const dle = manifest.tables.filter((e) => e.transcribed?.source?.length);
    expect(dle).toHaveLength(65);
    expect(manifest.tables.filter((e) => e.excluded)).toHaveLength(8);
  });

  it("finds every study table taken from NVIDIA DeepLearningExamples under exactly one listed table", () => {
    const owners = new Map<string, number[]>();
    for (const e of manifest.tables.filter((x) => x.transcribed))
      for (const id of found(e)) owners.set(id, [...(owners.get(id) ?? []), e.line]);
    const dle = tables.filter(({ t }) =>
      (t.source_url ?? "").includes("github.com/NVIDIA/DeepLearningExamples/"),
    );
    expect(dle.length).toBe(65 + 2 * 3); // the three 2019 tables are split into three CSVs each
    for (const { id } of dle) expect(owners.get(id), id).toHaveLength(1);
  });
});
