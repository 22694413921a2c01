/** How many consistency findings the ingest audit raised, per study and check. */
import * as Plot from "@observablehq/plot";
import type { AuditFinding } from "../normalize/audit.ts";
import type { FigureSpec } from "./spec.ts";
import { margins, tableRows, tickNumber, tip, type Frame } from "./common.ts";
import { categorical } from "./palette.ts";
import { count } from "../labels.ts";

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
  const colorOf = new Map(checks.map((c, i) => [c, categorical(i)]));
  const bars = data.map((d) => ({
    ...d,
    color: colorOf.get(d.check)!,
    tip: tip(d.study, `${d.check} (${d.severity}): ${count(d.count, "finding")}`),
  }));
  const total = (s: string) => data.filter((d) => d.study === s).reduce((n, d) => n + d.count, 0);
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Stacked horizontal bars: number of audit findings per study, split by check. ${studies.map((s) => `${s}: ${total(s)}`).join("; ")}.`,
    sources: studies,
    columns: [
      { key: "study", label: "study" },
      { key: "check", label: "check" },
      { key: "severity", label: "severity" },
      { key: "count", label: "findings" },
    ],
    rows: tableRows(data),
    legend: checks.map((c) => ({ label: c, color: colorOf.get(c)!, square: true })),
    plot: (frame: Frame) => ({
      ...margins(frame, { left: 12, right: frame.narrow ? 16 : 30, top: 24 }),
      height: 60 + studies.length * 46,
      x: { label: "Findings (count) →", grid: true, tickFormat: tickNumber },
      y: { axis: null, domain: studies, padding: 0.45 },
      marks: [
        Plot.text(studies, {
          y: (s: string) => s,
          text: (s: string) => `${s} (${total(s)})`,
          frameAnchor: "left",
          textAnchor: "start",
          dy: -17,
          fill: "currentColor",
        }),
        Plot.barX(bars, Plot.stackX({ x: "count", y: "study", z: "check", fill: "color", title: "tip" })),
        Plot.text(
          bars,
          Plot.stackX({
            x: "count",
            y: "study",
            z: "check",
            text: (d: { count: number }) => (d.count > 1 ? String(d.count) : ""),
            fill: "var(--chart-bg, white)",
          }),
        ),
      ],
    }),
  };
}
