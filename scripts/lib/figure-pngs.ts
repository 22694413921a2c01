/**
 * The figures' PNG downloads, drawn by resvg on worker threads. A PNG is drawn at most once per SVG:
 * files are kept in a cache folder named by the SHA-256 of the SVG and the renderer (resvg version,
 * scale, the font files' contents), so a rebuild draws only the figures that changed. Figures are
 * handed to the workers as their SVGs are rendered, and the workers write the files themselves, so
 * drawing goes on while this thread is busy (rendering more SVGs, writing the dataset, rendering pages).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { pngOptions } from "../../src/pipeline/figures/png.ts";

interface FigurePngs {
  drawn: number;
  cached: number;
  /** Figure id → its PNG in the cache folder. */
  files: Map<string, string>;
  /** From the first figure handed over to the last PNG written. */
  seconds: number;
}

/**
 * What besides the SVG decides a PNG's bytes: resvg's version and every option it draws with (scale,
 * background, fonts), each font file by its contents rather than its path.
 */
export function rendererKey(): (options: Job["options"]) => string {
  const resvg = (createRequire(import.meta.url)("@resvg/resvg-js/package.json") as { version: string })
    .version;
  const hashes = new Map<string, string>();
  const fontHash = (f: string) =>
    hashes.get(f) ?? hashes.set(f, createHash("sha256").update(readFileSync(f)).digest("hex")).get(f)!;
  return (options) =>
    `resvg-js ${resvg}, ${JSON.stringify({ ...options, font: { ...options.font, fontFiles: options.font?.fontFiles?.map(fontHash) } })}`;
}

type Job = { svg: string; path: string; options: ReturnType<typeof pngOptions> };

export class FigurePngDrawer {
  private readonly renderer = rendererKey();
  private readonly files = new Map<string, string>();
  /** Every job handed over; a claimed job's entry is cleared (its SVG is the worker's now). */
  private readonly jobs: (Job | null)[] = [];
  /** Jobs below this index are cleared. */
  private cleared = 0;
  private readonly queued = new Set<string>();
  /** The index of the next job to draw, shared by the workers (png-worker.mjs). */
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private readonly workers: { worker: Worker; exited: Promise<void> }[] = [];
  private ended = false;
  private start: number | null = null;

  /**
   * Drawing starts on one worker thread: the build's own path (SVGs, dataset, pages) is the longer one
   * and keeps the other core; `addWorkers` brings the rest in once that path is done (scripts/bench.ts
   * at 100× the data on two cores).
   */
  constructor(private readonly cacheDir: string) {
    mkdirSync(cacheDir, { recursive: true });
  }

  /** Hands a figure over: its PNG is taken from the cache, or drawn by the next free worker. */
  add(figure: { id: string; svg: string }): void {
    this.start ??= performance.now();
    const options = pngOptions(figure.svg);
    const key = createHash("sha256")
      .update(this.renderer(options))
      .update("\0")
      .update(figure.svg)
      .digest("hex");
    const path = join(this.cacheDir, `${key}.png`);
    this.files.set(figure.id, path);
    if (existsSync(path) || this.queued.has(path)) return;
    this.queued.add(path);
    this.clearClaimed();
    this.jobs.push({ svg: figure.svg, path, options });
    if (this.workers.length === 0) this.startWorker();
    for (const { worker } of this.workers)
      worker.postMessage({ index: this.jobs.length - 1, job: this.jobs.at(-1) });
  }

  /**
   * Lets claimed jobs go: a job is sent to every worker when it is handed over, and to a worker that
   * starts later only from the counter on, so below it the SVGs are the workers' own (at 100× the data
   * they held hundreds of MB the build's own thread needed). Unclaimed jobs stay for later workers.
   */
  private clearClaimed(): void {
    const claimed = Math.min(Atomics.load(this.counter, 0), this.jobs.length);
    while (this.cleared < claimed) this.jobs[this.cleared++] = null;
  }

  /** Starts workers up to one per core, each taking its part of the jobs not yet claimed. */
  addWorkers(count = availableParallelism()): void {
    this.clearClaimed();
    while (this.workers.length < count && Atomics.load(this.counter, 0) < this.jobs.length) {
      // Read before the worker starts: read after, it could pass the index the new worker claims first.
      const from = Atomics.load(this.counter, 0);
      const worker = this.startWorker();
      for (let i = from; i < this.jobs.length; i++) worker.postMessage({ index: i, job: this.jobs[i] });
      if (this.ended) worker.postMessage({ end: true, total: this.jobs.length });
    }
  }

  /** No more figures: waits for every PNG, then removes cache entries no figure uses any more. */
  async finish(): Promise<FigurePngs> {
    this.ended = true;
    for (const { worker } of this.workers) worker.postMessage({ end: true, total: this.jobs.length });
    // By index: addWorkers may still bring a worker in while earlier ones are being waited for.
    for (let i = 0; i < this.workers.length; i++) await this.workers[i]!.exited;
    this.clearClaimed();
    const used = new Set(this.files.values());
    for (const name of readdirSync(this.cacheDir))
      if (!used.has(join(this.cacheDir, name))) rmSync(join(this.cacheDir, name), { force: true });
    const seconds = this.start === null ? 0 : (performance.now() - this.start) / 1000;
    return {
      drawn: this.jobs.length,
      cached: this.files.size - this.jobs.length,
      files: this.files,
      seconds,
    };
  }

  private startWorker(): Worker {
    const worker = new Worker(new URL("./png-worker.mjs", import.meta.url), {
      workerData: { counter: this.counter.buffer },
    });
    const exited = new Promise<void>((resolve, reject) => {
      worker.once("error", reject);
      worker.once("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`PNG worker exited with code ${code}`)),
      );
    });
    exited.catch(() => {}); // reported by finish(); this only keeps an early failure from going unhandled meanwhile
    this.workers.push({ worker, exited });
    return worker;
  }
}

/** Every figure's PNG at once (the bench and tests; the build hands figures over as it renders them). */
export async function drawFigurePngs(
  figures: { id: string; svg: string }[],
  cacheDir: string,
): Promise<FigurePngs> {
  const drawer = new FigurePngDrawer(cacheDir);
  for (const f of figures) drawer.add(f);
  drawer.addWorkers();
  return drawer.finish();
}
