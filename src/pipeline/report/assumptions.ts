/**
 * Derived values whose assumption the data itself breaks. Normalization derives a value with a stated
 * formula; the audit finds rows where the formula's assumption cannot hold. Joining the two says which
 * derived values must not be shown as if they were measurements (figures leave them out, tables flag them).
 */
import { type CanonicalRow, rowRefs } from "../schema.ts";
import type { AuditFinding } from "../normalize/audit.ts";
import { FORMULAS } from "../normalize/normalize.ts";

/** A derived field, the formula that made it, the audit check that breaks its assumption, and why. */
const RULES: { field: keyof CanonicalRow; formula: string; check: AuditFinding["check"]; reason: string }[] =
  [
    {
      field: "latency_ms",
      formula: FORMULAS.latencyFromThroughput,
      check: "batch-exceeds-images",
      reason:
        "derived as batch ÷ throughput, which assumes full batches one after another, where the batch is larger than all the images in the run",
    },
  ];

export interface BrokenDerivation {
  field: keyof CanonicalRow;
  reason: string;
}

/** The first source reference of a row: the key of brokenDerivations. */
export const rowKey = (r: CanonicalRow): string => rowRefs(r)[0]!;

/**
 * Audit checks whose warning puts a row's throughput or its batch in doubt: a throughput that batch ÷
 * latency contradicts, a run time that does not match its image count, a batch larger than the run.
 */
export const THROUGHPUT_IN_DOUBT = new Set<AuditFinding["check"]>([
  "throughput-vs-latency",
  "run-time-vs-images",
  "batch-exceeds-images",
]);

/** The checks of the audit warnings that name a row's source rows, in the order the audit found them. */
export function warningChecksOf(
  audit: readonly AuditFinding[],
): (r: CanonicalRow) => AuditFinding["check"][] {
  const byRef = new Map<string, Set<AuditFinding["check"]>>();
  for (const f of audit)
    if (f.severity === "warning")
      for (const ref of f.rows) byRef.set(ref, (byRef.get(ref) ?? new Set()).add(f.check));
  return (r) => [...new Set(rowRefs(r).flatMap((ref) => [...(byRef.get(ref) ?? [])]))];
}

/** Those of `checks` whose audit warnings name one of a row's source rows, in the audit's order. */
export function warningsAmong(
  audit: readonly AuditFinding[],
  checks: ReadonlySet<AuditFinding["check"]>,
): (r: CanonicalRow) => AuditFinding["check"][] {
  const checksOf = warningChecksOf(audit);
  return (r) => checksOf(r).filter((c) => checks.has(c));
}

/** Whether an audit warning of one of `checks` names one of a row's source rows. */
export function warnedBy(
  audit: readonly AuditFinding[],
  checks: ReadonlySet<AuditFinding["check"]>,
): (r: CanonicalRow) => boolean {
  const among = warningsAmong(audit, checks);
  return (r) => among(r).length > 0;
}

/** Every derived value whose assumption an audit finding breaks, by row key. */
export function brokenDerivations(
  rows: CanonicalRow[],
  audit: AuditFinding[],
): Map<string, BrokenDerivation[]> {
  const found = new Map<string, Set<AuditFinding["check"]>>();
  for (const f of audit)
    for (const ref of f.rows) found.set(ref, new Set([...(found.get(ref) ?? []), f.check]));
  const out = new Map<string, BrokenDerivation[]>();
  for (const r of rows) {
    if (r.kind !== "measured" || !r.derived) continue;
    const checks = new Set(rowRefs(r).flatMap((ref) => [...(found.get(ref) ?? [])]));
    const broken = RULES.filter(
      (rule) => checks.has(rule.check) && r.derived.includes(`${rule.field}=${rule.formula}`),
    );
    if (broken.length)
      out.set(
        rowKey(r),
        broken.map(({ field, reason }) => ({ field, reason })),
      );
  }
  return out;
}
