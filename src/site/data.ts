/** Typed access to the content collections for pages: one place that knows how entries are shaped. */
import { getCollection } from "astro:content";
import type { Accelerator, CanonicalRow } from "../pipeline/schema.ts";
import type { Atlas, AtlasStudy } from "../pipeline/run.ts";
import type { Finding } from "../pipeline/report/findings.ts";
import type { LedgerEntry } from "../pipeline/report/claims.ts";
import type { FigureSpec } from "../pipeline/figures/spec.ts";
import { reportFigures } from "../pipeline/report/figures.ts";
import { FIGURE_SOURCES } from "../pipeline/report/figure-sources.ts";
import type { Release, ReportVersion } from "../pipeline/cite/version.ts";
import type { AuditFinding } from "../pipeline/normalize/audit.ts";

export type SiteStudy = AtlasStudy & { rows: CanonicalRow[]; audit: AuditFinding[] };

const collections = new Map<string, Promise<{ id: string; data: unknown }[]>>();
/**
 * A collection's entries, read once per build: getCollection walks every entry's data on each call
 * (looking for image references), and the report collection holds every simulated row, so reading it
 * for each page's footer cost most of the build (scripts/bench.ts).
 */
function readCollection(name: "accelerators" | "studies" | "findings" | "report"): Promise<{ id: string; data: unknown }[]> {
  let read = collections.get(name);
  if (!read) collections.set(name, (read = getCollection(name)));
  return read;
}

export async function allAccelerators(): Promise<Accelerator[]> {
  const entries = await readCollection("accelerators");
  if (entries.length === 0) throw new Error("no accelerators: the atlas loader produced an empty collection");
  return entries.map((e) => e.data as unknown as Accelerator).sort((a, b) => a.id.localeCompare(b.id, "en"));
}

export async function allStudies(): Promise<SiteStudy[]> {
  const entries = await readCollection("studies");
  if (entries.length === 0) throw new Error("no studies: the atlas loader produced an empty collection");
  return entries.map((e) => e.data as unknown as SiteStudy).sort((a, b) => a.study.id.localeCompare(b.study.id, "en"));
}

/** Every canonical row of every study, in the pipeline's stable order. */
export async function allRows(): Promise<CanonicalRow[]> {
  return (await allStudies()).flatMap((s) => s.rows);
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

let atlasPromise: Promise<Atlas> | null = null;
/** The whole atlas, reassembled from the collections once per build, for figure functions. */
export function getAtlas(): Promise<Atlas> {
  atlasPromise ??= (async () => {
    const studies = await allStudies();
    const simulated = (await reportEntry<{ rows: CanonicalRow[] }>("simulated")).rows;
    const simulator = await reportEntry<Pick<Atlas, "validation" | "memory">>("simulator");
    return {
      accelerators: await allAccelerators(),
      studies: studies.map(({ rows: _r, audit: _a, ...s }) => s),
      rows: [...studies.flatMap((s) => s.rows), ...simulated],
      audit: studies.flatMap((s) => s.audit),
      findings: await allFindings(),
      ledger: await ledger(),
      validation: simulator.validation,
      memory: simulator.memory,
    };
  })();
  return atlasPromise;
}

let figuresPromise: Promise<Map<string, FigureSpec>> | null = null;
/** Every figure of the report by id (specs only; rendering happens where a page shows one). */
export function allFigures(): Promise<Map<string, FigureSpec>> {
  figuresPromise ??= getAtlas().then((a) => new Map(reportFigures(a, FIGURE_SOURCES).map((f) => [f.id, f])));
  return figuresPromise;
}



/** This build's version and the release history (from releases.json, never from the clock). */
export async function versionInfo(): Promise<{ version: ReportVersion; releases: Release[] }> {
  return reportEntry<{ version: ReportVersion; releases: Release[] }>("version");
}
