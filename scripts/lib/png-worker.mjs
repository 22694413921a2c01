// Draws figure PNGs for scripts/lib/figure-pngs.ts: the same call as svgToPng (src/pipeline/figures/png.ts)
// with the options sent for each SVG, each file written beside its place and renamed over it. Workers
// share one counter: each draws the job whose index it claims next, so a worker started late takes its
// part of what is left. Plain JavaScript so any runner (tsx, vitest) can start it.
import { renameSync, writeFileSync } from "node:fs";
import { parentPort, threadId, workerData } from "node:worker_threads";
import { Resvg } from "@resvg/resvg-js";

const counter = new Int32Array(workerData.counter);
const claim = () => Atomics.add(counter, 0, 1);
const jobs = new Map();
let mine = claim();
let total = Infinity;

parentPort.on("message", (message) => {
  if (message.end) total = message.total;
  // Jobs below the counter that are not this worker's were claimed by another worker.
  else if (message.index === mine || message.index >= Atomics.load(counter, 0)) jobs.set(message.index, message.job);
  while (mine < total && jobs.has(mine)) {
    const { svg, path, options } = jobs.get(mine);
    jobs.delete(mine);
    const tmp = `${path}.${process.pid}-${threadId}.tmp`;
    writeFileSync(tmp, new Resvg(svg, options).render().asPng());
    renameSync(tmp, path);
    mine = claim();
  }
  if (mine >= total) parentPort.close();
});
