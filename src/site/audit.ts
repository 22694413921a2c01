/** Audit helpers for pages. */
import type { AuditFinding } from "../pipeline/normalize/audit.ts";

/** A group of findings is as severe as its worst one (a single warning makes the group a warning). */
export function worstSeverity(findings: AuditFinding[]): AuditFinding["severity"] {
  return findings.some((f) => f.severity === "warning") ? "warning" : "info";
}
