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

export async function allAccelerators(): Promise<Accelerator[]> {
  const entries = await getCollection("accelerators");
  if (entries.length === 0) throw new Error("no accelerators: the atlas loader produced an empty collection");
  return entries.map((e) => e.data as unknown as Accelerator).sort((a, b) => a.id.localeCompare(b.id, "en"));
}

export async function allStudies(): Promise<SiteStudy[]> {
  const entries = await getCollection("studies");
  if (entries.length === 0) throw new Error("no studies: the atlas loader produced an empty collection");
  return entries.map((e) => e.data as unknown as SiteStudy).sort((a, b) => a.study.id.localeCompare(b.study.id, "en"));
}

/** Every canonical row of every study, in the pipeline's stable order. */
export async function allRows(): Promise<CanonicalRow[]> {
  return (await allStudies()).flatMap((s) => s.rows);
}

export async function allFindings(): Promise<Finding[]> {
  const entries = await getCollection("findings");
  return entries.map((e) => e.data as unknown as Finding).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id, "en"));
}

async function reportEntry<T>(id: string): Promise<T> {
  const entries = await getCollection("report");
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
