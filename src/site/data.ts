/** Typed access to the content collections for pages: one place that knows how entries are shaped. */
import { getCollection } from "astro:content";
import type { Accelerator, CanonicalRow } from "../pipeline/schema.ts";
import type { AtlasStudy } from "../pipeline/run.ts";
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
