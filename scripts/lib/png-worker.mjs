// Draws figure PNGs for scripts/lib/figure-pngs.ts: the same call as svgToPng (src/pipeline/figures/png.ts)
// with the options it sends for each SVG, each file written beside its place and renamed over it; `null`
// means no more work. Plain JavaScript so any runner (tsx, vitest) can start it.
import { renameSync, writeFileSync } from "node:fs";
import { parentPort, threadId } from "node:worker_threads";
import { Resvg } from "@resvg/resvg-js";

parentPort.on("message", (job) => {
  if (job === null) return parentPort.close();
  const tmp = `${job.path}.${process.pid}-${threadId}.tmp`;
  writeFileSync(tmp, new Resvg(job.svg, job.options).render().asPng());
  renameSync(tmp, job.path);
});
