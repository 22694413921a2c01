/**
 * With several studies per accelerator (the 2019 and 2020 TF1 tables share precision and execution),
 * each measured line of an accelerator's batch-scaling chart must still be one series: a label shared
 * by two series would join their points into one line.
 */
import { describe, expect, it } from "vitest";
import { realAtlas } from "../helpers/real-atlas.ts";

const atlas = realAtlas();
const seriesOfFile = new Map<string, string>();
for (const r of atlas.rows)
  if (r.kind === "measured") for (const f of r.source_file.split(";")) seriesOfFile.set(f, r.series);

const charts = atlas.figures.filter((f) => /^fig-(throughput|latency)-/.test(f.id));

describe("accelerator batch-scaling charts", () => {
  it("exist for the accelerators with new tables, e.g. the T4 and A100 80GB with ResNet-50", () => {
    const ids = charts.map((f) => f.id);
    expect(ids).toContain("fig-throughput-t4-resnet50");
    expect(ids).toContain("fig-throughput-a100-sxm4-80gb-resnet50");
    expect(ids).toContain("fig-throughput-t4-se-resnext101");
  });

  it.each(charts.map((f) => [f.id, f] as const))("%s: one measured series per legend label", (_, f) => {
    const byLabel = new Map<string, Set<string>>();
    for (const r of f.rows as { series: string; kind: string; source: string }[]) {
      if (r.kind !== "measured") continue;
      for (const ref of r.source.split("; ")) {
        const series = seriesOfFile.get(ref.replace(/:\d+$/, ""));
        byLabel.set(r.series, (byLabel.get(r.series) ?? new Set()).add(series ?? ref));
      }
    }
    for (const [label, series] of byLabel) expect([...series], label).toHaveLength(1);
  });
});
