// Draws figure PNGs for scripts/lib/figure-pngs.ts: the same call as svgToPng (src/pipeline/figures/png.ts)
// with the options it passes for each SVG, each file written beside its place and renamed over it. Plain JavaScript
// so any runner (tsx, vitest) can start it.
import { renameSync, writeFileSync } from "node:fs";
import { threadId, workerData } from "node:worker_threads";
import { Resvg } from "@resvg/resvg-js";

for (const { svg, path, options } of workerData.jobs) {
  const tmp = `${path}.${process.pid}-${threadId}.tmp`;
  writeFileSync(tmp, new Resvg(svg, options).render().asPng());
  renameSync(tmp, path);
}
