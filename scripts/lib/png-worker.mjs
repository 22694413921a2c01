// Draws figure PNGs for scripts/lib/figure-pngs.ts: the same call as svgToPng (src/pipeline/figures/png.ts)
// with the options sent for each SVG, each file written beside its place and renamed over it. Workers
// share one counter: each draws the job whose index it claims next, so a worker started late takes its
// part of what is left. Plain JavaScript so any runner (tsx, vitest) can start it.
import { renameSync, writeFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort, threadId, workerData } from "node:worker_threads";
import { Resvg } from "@resvg/resvg-js";

// resvg keeps each drawing's pixels (~5 MB a figure) in native memory that V8 does not count, so it
// sees no reason to collect, and Node frees native objects only on a later turn of the event loop:
// drawn back to back, 4,000 figures held 15 GB and spent much of their time in page faults. A minor
// collection after each figure (the drawing's objects are young; a full one would cost ~15 ms) and a
// turn of the loop before the next keep a worker near 200 MB and cut its CPU time by a quarter.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc");

const counter = new Int32Array(workerData.counter);
const claim = () => Atomics.add(counter, 0, 1);
const jobs = new Map();
let mine = claim();
let total = Infinity;
let drawing = false;

parentPort.on("message", (message) => {
  if (message.end) total = message.total;
  // Jobs below the counter that are not this worker's were claimed by another worker.
  else if (message.index === mine || message.index >= Atomics.load(counter, 0))
    jobs.set(message.index, message.job);
  drawNext();
});

function drawNext() {
  if (drawing) return;
  if (mine >= total) return parentPort.close();
  if (!jobs.has(mine)) return; // not sent yet: the next message brings it
  const { svg, path, options } = jobs.get(mine);
  jobs.delete(mine);
  const tmp = `${path}.${process.pid}-${threadId}.tmp`;
  writeFileSync(tmp, new Resvg(svg, options).render().asPng());
  renameSync(tmp, path);
  mine = claim();
  collectGarbage({ type: "minor" });
  drawing = true;
  setImmediate(() => {
    drawing = false;
    drawNext();
  });
}
