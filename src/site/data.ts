/**
 * Typed access to the site's data for pages: one place that knows how entries are shaped. Collections
 * that grow with the data hold index entries only (src/content.config.ts says why); the full records
 * come from atlas.json, read once per build, for exactly the ids the collections list.
 */
import { getCollection } from "astro:content";
import type { Accelerator, CanonicalRow, Claim } from "../pipeline/schema.ts";
import type { AtlasStudy } from "../pipeline/atlas.ts";
import type { SiteAtlas } from "../pipeline/output/site-atlas.ts";
import type { Finding } from "../pipeline/report/findings.ts";
import type { LedgerEntry } from "../pipeline/report/claims.ts";
import type { PublishedFigure } from "../pipeline/figures/spec.ts";
import type { Release, ReportVersion } from "../pipeline/cite/version.ts";
import type { AuditFinding } from "../pipeline/normalize/audit.ts";
import type { MemoryBreakdownRow } from "../pipeline/simulate/sweep.ts";
import type { MlperfResult } from "../pipeline/mlperf/normalize.ts";
import { groupBy } from "../pipeline/group.ts";
import type { AcceleratorSummary } from "../pipeline/report/summary.ts";
import type { SimulatorSpecs } from "../pipeline/report/specs.ts";
import { type BrokenDerivation, warningChecksOf } from "../pipeline/report/assumptions.ts";
import { readSiteAtlas } from "./atlas-file.ts";

export type SiteStudy = AtlasStudy & { rows: CanonicalRow[]; audit: AuditFinding[] };

type CollectionName = "accelerators" | "studies" | "findings" | "figures" | "report";

/** The value of `make`, made once per build under `key`. */
const memo = new Map<string, Promise<unknown>>();
export function once<T>(key: string, make: () => Promise<T>): Promise<T> {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key) as Promise<T>;
}

/**
 * A collection's entries, read once per build: getCollection walks every entry's data on each call
 * (looking for image references), so reading a large collection for each page cost most of the build
 * (scripts/bench.ts).
 */
function readCollection(name: CollectionName): Promise<{ id: string; data: unknown }[]> {
  return once(`collection ${name}`, () => getCollection(name));
}

/** The full records of a collection's entries, in the collection's order; a missing record is an error. */
async function records<T>(name: CollectionName, byId: Map<string, T>): Promise<T[]> {
  const entries = await readCollection(name);
  if (entries.length === 0) throw new Error(`no ${name}: the atlas loader produced an empty collection`);
  return entries.map((e) => {
    const record = byId.get(e.id);
    if (!record) throw new Error(`${name} entry ${e.id} is not in atlas.json: run the build again`);
    return record;
  });
}

/** Every accelerator, sorted by id. */
export function allAccelerators(): Promise<Accelerator[]> {
  return once("accelerators", async () => {
    const atlas = readSiteAtlas();
    const list = await records("accelerators", new Map(atlas.accelerators.map((a) => [a.id, a])));
    return list.sort((a, b) => a.id.localeCompare(b.id, "en"));
  });
}

/** Every study with its rows, raw tables and audit findings, sorted by id. */
export function allStudies(): Promise<SiteStudy[]> {
  return once("studies", async () => {
    const atlas = readSiteAtlas();
    const rows = groupBy(atlas.rows, (r) => r.study);
    const audit = groupBy(atlas.audit, (f) => f.study);
    const full = new Map(
      atlas.studies.map((s) => [
        s.study.id,
        { ...s, rows: rows.get(s.study.id) ?? [], audit: audit.get(s.study.id) ?? [] },
      ]),
    );
    return (await records("studies", full)).sort((a, b) => a.study.id.localeCompare(b.study.id, "en"));
  });
}

/** Each study's title by id, made once per build (headings and source lines name studies by title). */
export function studyTitles(): Promise<Map<string, string>> {
  return once(
    "study titles",
    async () => new Map((await allStudies()).map((s) => [s.study.id, s.study.title])),
  );
}

/** Every measured and claim row of every study, in the pipeline's stable order. */
function allRows(): Promise<CanonicalRow[]> {
  return once("rows", async () => (await allStudies()).flatMap((s) => s.rows));
}

/** Every figure of the report by id, in the pipeline's order, with its SVG rendered once by the pipeline. */
export function allFigures(): Promise<Map<string, PublishedFigure>> {
  return once("figures", async () => {
    const atlas = readSiteAtlas();
    const list = await records("figures", new Map(atlas.figures.map((f) => [f.id, f])));
    return new Map(list.map((f) => [f.id, f]));
  });
}

/**
 * Lookups that per-item pages share, built once: scanning every row, study or figure for each of
 * thousands of pages made the build grow with the square of the data (scripts/bench.ts at 100×).
 */
export function studiesById(): Promise<Map<string, SiteStudy>> {
  return once("studies by id", async () => new Map((await allStudies()).map((s) => [s.study.id, s])));
}

/** Measured rows by accelerator, in the pipeline's order. */
export function measuredRowsByAccelerator(): Promise<Map<string, CanonicalRow[]>> {
  return once("measured rows by accelerator", async () =>
    groupBy(
      (await allRows()).filter((r) => r.kind === "measured"),
      (r) => r.accelerator,
    ),
  );
}

/** The figures about each accelerator (FigureSpec.accelerator), in the pipeline's order. */
export function figuresByAccelerator(): Promise<Map<string, PublishedFigure[]>> {
  return once("figures by accelerator", async () =>
    groupBy(
      [...(await allFigures()).values()].filter((f) => f.accelerator !== undefined),
      (f) => f.accelerator!,
    ),
  );
}

/** The figures that show each study's data (FigureSpec.sources), in the pipeline's order. */
export function figuresByStudy(): Promise<Map<string, PublishedFigure[]>> {
  return once("figures by study", async () => {
    const out = new Map<string, PublishedFigure[]>();
    for (const f of (await allFigures()).values())
      for (const s of f.sources) out.set(s, [...(out.get(s) ?? []), f]);
    return out;
  });
}

/** The claims about each accelerator (its subject, or the accelerator a throughput-ratio test names), with their study. */
export function claimsByAccelerator(): Promise<Map<string, { id: string; s: SiteStudy; c: Claim }[]>> {
  return once("claims by accelerator", async () => {
    const about = (c: Claim) =>
      new Set([c.subject?.accelerator, c.test?.kind === "throughput-ratio" ? c.test.accelerator : undefined]);
    const pairs = (await allStudies()).flatMap((s) =>
      (s.study.claims ?? []).flatMap((c) =>
        [...about(c)].filter((id) => id !== undefined).map((id) => ({ id, s, c })),
      ),
    );
    return groupBy(pairs, (p) => p.id);
  });
}

export async function allFindings(): Promise<Finding[]> {
  const entries = await readCollection("findings");
  return entries
    .map((e) => e.data as unknown as Finding)
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id, "en"));
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

/** Derived values whose assumption the audit shows broken, by row (the pipeline's, src/pipeline/report/assumptions.ts). */
export function brokenByRow(): Promise<Map<string, BrokenDerivation[]>> {
  return once("broken derivations", async () => {
    const entries = readSiteAtlas().brokenDerivations;
    // An atlas.json from before the field would silently drop every row table's flags.
    if (!Array.isArray(entries)) throw new Error("atlas.json has no brokenDerivations: run the build again");
    return new Map(entries);
  });
}

/** The checks of the audit warnings that name a row's source rows: what the row tables flag. */
export function auditWarningsOf(): Promise<(r: CanonicalRow) => AuditFinding["check"][]> {
  return once("audit warnings by row", async () =>
    warningChecksOf((await allStudies()).flatMap((s) => s.audit)),
  );
}

/** The home page's per-accelerator summary (src/pipeline/report/summary.ts). */
export async function summary(): Promise<AcceleratorSummary[]> {
  return (await reportEntry<{ rows: AcceleratorSummary[] }>("summary")).rows;
}

/** Specifications the simulator adds or overrides, per accelerator. */
export async function simulatorSpecsOf(): Promise<SimulatorSpecs[]> {
  return (await reportEntry<{ entries: SimulatorSpecs[] }>("simulator-specs")).entries;
}

/** The atlas as pages see it (no simulated rows: those are drawn in the figures and published in data/). */
export type PageAtlas = Omit<SiteAtlas, "version" | "releases" | "releasedFigures">;

/** The whole atlas, reassembled once per build. */
export function getAtlas(): Promise<PageAtlas> {
  return once("atlas", async () => {
    const studies = await allStudies();
    return {
      accelerators: await allAccelerators(),
      studies: studies.map(({ rows: _r, audit: _a, ...s }) => s),
      rows: await allRows(),
      audit: studies.flatMap((s) => s.audit),
      brokenDerivations: [...(await brokenByRow())],
      findings: await allFindings(),
      ledger: await ledger(),
      // Per series: grows with the data, so it is read from atlas.json like the records above.
      validation: readSiteAtlas().validation,
      explore: readSiteAtlas().explore,
      memory: (await reportEntry<{ rows: MemoryBreakdownRow[] }>("memory")).rows,
      figures: [...(await allFigures()).values()],
      simulatorSpecs: await simulatorSpecsOf(),
      summary: await summary(),
      mlperf: await mlperfResults(),
    };
  });
}

/** Accelerators whose simulated curves were checked against their MLPerf results (the caption says how far off). */
export function mlperfCheckedAccelerators(): Promise<Set<string>> {
  return once("mlperf-checked", async () => {
    return new Set(readSiteAtlas().validation?.mlperf.byAccelerator.map((a) => a.accelerator) ?? []);
  });
}

/** Every MLPerf result of every imported round (valid or not), in the pipeline's order; read once. */
export function mlperfResults(): Promise<MlperfResult[]> {
  return once("mlperf", async () => readSiteAtlas().mlperf);
}

/** MLPerf results by accelerator (mapped ones only), grouped once for all accelerator pages. */
export function mlperfByAccelerator(): Promise<Map<string, MlperfResult[]>> {
  return once("mlperf by accelerator", async () =>
    groupBy(
      (await mlperfResults()).filter((r) => r.accelerator !== null),
      (r) => r.accelerator!,
    ),
  );
}

/** This build's version and the release history (from releases.json, never from the clock). */
export async function versionInfo(): Promise<{
  version: ReportVersion;
  releases: Release[];
  releasedFigures: Record<string, string[]>;
}> {
  return reportEntry("version");
}
