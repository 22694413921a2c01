/** Typed access to the content collections for pages: one place that knows how entries are shaped. */
import { getCollection } from "astro:content";
import type { Accelerator, CanonicalRow } from "../pipeline/schema.ts";
import type { AtlasStudy } from "../pipeline/run.ts";
import type { SiteAtlas } from "../pipeline/output/site-atlas.ts";
import type { Finding } from "../pipeline/report/findings.ts";
import type { LedgerEntry } from "../pipeline/report/claims.ts";
import type { PublishedFigure } from "../pipeline/figures/spec.ts";
import type { Release, ReportVersion } from "../pipeline/cite/version.ts";
import type { AuditFinding } from "../pipeline/normalize/audit.ts";
import { groupBy } from "../pipeline/group.ts";
import { readSiteAtlas } from "./atlas-file.ts";

export type SiteStudy = AtlasStudy & { rows: CanonicalRow[]; audit: AuditFinding[] };

/**
 * The bulky parts of entries, read from atlas.json rather than the content store (see
 * src/content.config.ts): each study's rows and raw tables, each figure's SVG and plotted rows.
 */
let payloadMemo: { studies: Map<string, Pick<SiteStudy, "rows" | "tables">>; figures: Map<string, Pick<PublishedFigure, "svg" | "rows">> } | null = null;
function payload(): NonNullable<typeof payloadMemo> {
  if (!payloadMemo) {
    const atlas = readSiteAtlas();
    const rows = groupBy(atlas.rows, (r) => r.study);
    payloadMemo = {
      studies: new Map(atlas.studies.map((s) => [s.study.id, { tables: s.tables, rows: rows.get(s.study.id) ?? [] }])),
      figures: new Map(atlas.figures.map((f) => [f.id, { svg: f.svg, rows: f.rows }])),
    };
  }
  return payloadMemo;
}
function payloadOf<T>(map: Map<string, T>, kind: string, id: string): T {
  const found = map.get(id);
  if (!found) throw new Error(`${kind} ${id} is in the content store but not in atlas.json: run the build again`);
  return found;
}

const collections = new Map<string, Promise<{ id: string; data: unknown }[]>>();
/**
 * A collection's entries, read once per build: getCollection walks every entry's data on each call
 * (looking for image references), so reading a large collection for each page cost most of the build
 * (scripts/bench.ts).
 */
function readCollection(name: "accelerators" | "studies" | "findings" | "figures" | "report"): Promise<{ id: string; data: unknown }[]> {
  let read = collections.get(name);
  if (!read) collections.set(name, (read = getCollection(name)));
  return read;
}

export async function allAccelerators(): Promise<Accelerator[]> {
  const entries = await readCollection("accelerators");
  if (entries.length === 0) throw new Error("no accelerators: the atlas loader produced an empty collection");
  return entries.map((e) => e.data as unknown as Accelerator).sort((a, b) => a.id.localeCompare(b.id, "en"));
}

let studiesPromise: Promise<SiteStudy[]> | null = null;
/** Every study with its rows, raw tables and audit findings, sorted by id (assembled once per build). */
export function allStudies(): Promise<SiteStudy[]> {
  studiesPromise ??= readCollection("studies").then((entries) => {
    if (entries.length === 0) throw new Error("no studies: the atlas loader produced an empty collection");
    const { studies } = payload();
    return entries
      .map((e) => {
        const entry = e.data as Pick<SiteStudy, "study" | "metaFile" | "audit">;
        return { ...entry, ...payloadOf(studies, "study", entry.study.id) };
      })
      .sort((a, b) => a.study.id.localeCompare(b.study.id, "en"));
  });
  return studiesPromise;
}

let rowsPromise: Promise<CanonicalRow[]> | null = null;
/** Every measured and claim row of every study, in the pipeline's stable order (assembled once per build). */
export function allRows(): Promise<CanonicalRow[]> {
  rowsPromise ??= allStudies().then((studies) => studies.flatMap((s) => s.rows));
  return rowsPromise;
}

export async function allFindings(): Promise<Finding[]> {
  const entries = await readCollection("findings");
  return entries.map((e) => e.data as unknown as Finding).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id, "en"));
}

async function reportEntry<T>(id: string): Promise<T> {
  const entries = await readCollection("report");
  const e = entries.find((x) => x.id === id);
  if (!e) throw new Error(`report entry ${id} is missing`);
  return e.data as unknown as T;
}

export async function ledger(): Promise<LedgerEntry[]> {
  return (await reportEntry<{ entries: LedgerEntry[] }>("ledger")).entries;
}

/** The atlas as pages see it (no simulated rows: those are drawn in the figures and published in data/). */
export type PageAtlas = Omit<SiteAtlas, "version" | "releases">;

let atlasPromise: Promise<PageAtlas> | null = null;
/** The whole atlas, reassembled from the collections once per build. */
export function getAtlas(): Promise<PageAtlas> {
  atlasPromise ??= (async () => {
    const studies = await allStudies();
    const simulator = await reportEntry<Pick<SiteAtlas, "validation" | "memory">>("simulator");
    return {
      accelerators: await allAccelerators(),
      studies: studies.map(({ rows: _r, audit: _a, ...s }) => s),
      rows: await allRows(),
      audit: studies.flatMap((s) => s.audit),
      findings: await allFindings(),
      ledger: await ledger(),
      validation: simulator.validation,
      memory: simulator.memory,
      figures: [...(await allFigures()).values()],
    };
  })();
  return atlasPromise;
}

let figuresPromise: Promise<Map<string, PublishedFigure>> | null = null;
/** Every figure of the report by id, in the pipeline's order, with its SVG rendered once by the pipeline. */
export function allFigures(): Promise<Map<string, PublishedFigure>> {
  // The loader stores figures in the pipeline's order (store.clear() then set), and the store keeps it.
  figuresPromise ??= readCollection("figures").then((entries) => {
    const { figures } = payload();
    return new Map(entries.map((e) => [e.id, { ...(e.data as Omit<PublishedFigure, "svg" | "rows">), ...payloadOf(figures, "figure", e.id) }]));
  });
  return figuresPromise;
}

/** This build's version and the release history (from releases.json, never from the clock). */
export async function versionInfo(): Promise<{ version: ReportVersion; releases: Release[] }> {
  return reportEntry<{ version: ReportVersion; releases: Release[] }>("version");
}
