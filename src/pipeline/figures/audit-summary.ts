/** How many consistency findings the ingest audit raised, per study and check. */
import * as Plot from "@observablehq/plot";
import type { AuditFinding } from "../normalize/audit.ts";
import type { FigureSpec } from "./spec.ts";
import { PALETTE } from "./common.ts";

export function auditSummaryFigure(
  audit: AuditFinding[],
  o: { id: string; title: string; caption: string },
): FigureSpec {
  const counts = new Map<string, { study: string; check: string; severity: string; count: number }>();
  for (const f of audit) {
    const key = `${f.study}\u0000${f.check}\u0000${f.severity}`;
    const c = counts.get(key) ?? { study: f.study, check: f.check, severity: f.severity, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  const data = [...counts.values()].sort(
    (a, b) =>
      a.study.localeCompare(b.study) ||
      a.check.localeCompare(b.check) ||
      a.severity.localeCompare(b.severity),
  );
  const studies = [...new Set(data.map((d) => d.study))];
  const checks = [...new Set(data.map((d) => d.check))].sort();
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Stacked horizontal bars: number of audit findings per study, split by check. ${studies.map((s) => `${s}: ${data.filter((d) => d.study === s).reduce((n, d) => n + d.count, 0)}`).join("; ")}.`,
    sources: studies,
    columns: [
      { key: "study", label: "study" },
      { key: "check", label: "check" },
      { key: "severity", label: "severity" },
      { key: "count", label: "findings" },
    ],
    rows: data,
    plot: {
      width: 720,
      height: 80 + studies.length * 34 + checks.length * 15,
      marginBottom: 45 + checks.length * 15,
      marginLeft: 230,
      marginRight: 20,
      x: { label: "Findings →", grid: true },
      y: { label: null, domain: studies },
      color: { domain: checks, range: PALETTE, legend: false },
      marks: [
        Plot.barX(data, Plot.stackX({ x: "count", y: "study", fill: "check", order: checks })),
        Plot.text(
          data,
          Plot.stackX({
            x: "count",
            y: "study",
            z: "check",
            text: (d: { count: number }) => String(d.count),
            order: checks,
            fill: "white",
          }),
        ),
        // Legend below the axis, inside the SVG so downloads keep it.
        ...checks.map((c, i) =>
          Plot.text([`■ ${c}`], {
            frameAnchor: "bottom-left",
            dy: 42 + i * 15,
            fill: PALETTE[i % PALETTE.length],
            textAnchor: "start",
          }),
        ),
      ],
    },
  };
}
