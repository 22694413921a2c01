/**
 * `npm run bench`: how the pipeline and the build scale. For the real data and for synthetic data at
 * 1×, 10× and 100× its size (scripts/lib/synthetic.ts) it times ingest, the simulator sweep, the whole
 * pipeline, figure rendering and the full build (scripts/build.ts), weighs every page, and times a
 * plain Astro build of as many pages (the floor). Prints a table and writes .build/bench.json.
 *
 *   npm run bench -- [--scales 1,10,100] [--build-scales 1,10,100] [--timeout 1800] [--keep]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadData } from "../src/pipeline/ingest/index.ts";
import { measuredData } from "../src/pipeline/measured.ts";
import { prepareSimulator } from "../src/pipeline/simulate/context.ts";
import { loadSimulatorParams } from "../src/pipeline/simulate/params.ts";
import { simulateSweep } from "../src/pipeline/simulate/sweep.ts";
import { runPipeline } from "../src/pipeline/run.ts";
import { renderFigure } from "../src/pipeline/figures/render.ts";
import { drawFigurePngs } from "./lib/figure-pngs.ts";
import { measureData, writeSynthetic, type DataSize } from "./lib/synthetic.ts";
import { pageWeights, summarize, type WeightSummary } from "./lib/page-weight.ts";
import { astroFloor } from "./lib/astro-floor.ts";

const root = process.cwd();
const { values: args } = parseArgs({
  options: {
    scales: { type: "string", default: "1,10,100" },
    "build-scales": { type: "string", default: "1,10,100" },
    timeout: { type: "string", default: "1800" },
    keep: { type: "boolean", default: false },
  },
});
const scales = args.scales.split(",").map(Number);
const buildScales = new Set(args["build-scales"].split(",").map(Number));
const timeoutS = Number(args.timeout);
/** Inside the repository (git-ignored), like `npm run build`'s own .build/: Astro stages there, not in a shared fallback folder. */
const benchDir = join(root, ".build", "bench");

interface Result {
  label: string;
  scale: number | null;
  size: Omit<DataSize, "tableRows">;
  /**
   * Seconds. `pipeline` is runPipeline with the simulator (ingest + normalize + audit + simulate + report);
   * `build` is a cold `npm run build`, `rebuild` the same build again with its caches (PNGs, Astro) warm.
   */
  times: {
    ingest: number;
    /** The simulator's GPU fit with its cross-validation (no cache), then the sweep on it. */
    fit: number;
    sweep: number;
    pipeline: number;
    figuresSvg: number;
    figuresPng: number;
    build: number | null;
    rebuild: number | null;
    astroFloor: number | null;
  };
  figures: number;
  canonicalRows: number;
  weights: WeightSummary | null;
  /** Seconds per stage of the full build, as scripts/build.ts measured them (build-times.json). */
  buildStages: Record<string, number> | null;
  /** CPU seconds of the build process (all its threads; not Pagefind's or esbuild's child processes). */
  buildCpu: number | null;
  /** The build process's peak resident memory (MB). */
  peakRssMb: number | null;
  notes: string[];
}

const seconds = <T>(f: () => T): [T, number] => {
  const start = performance.now();
  const value = f();
  return [value, (performance.now() - start) / 1000];
};

/**
 * 1. Ingest (read, validate, normalize) and the simulator on their own. Their results stay inside this
 * function, so they can be collected before the whole pipeline runs (at 100× the data, holding both
 * ran out of heap).
 */
function timeStages(dataDir: string): { ingest: number; fit: number; sweep: number } {
  const [loaded, ingest] = seconds(() => {
    const data = loadData(dataDir);
    return { data, measured: measuredData(data).batched };
  });
  const [ctx, fit] = seconds(() =>
    prepareSimulator(loadSimulatorParams(dataDir), loaded.data.accelerators, loaded.measured),
  );
  const [, sweep] = seconds(() => simulateSweep(ctx));
  return { ingest, fit, sweep };
}

/** 2. The whole pipeline, then every SVG once and every PNG as the build draws them (cold cache, all cores). */
async function timePipeline(dataDir: string, label: string) {
  const [atlas, pipeline] = seconds(() => runPipeline(dataDir));
  const [svgs, figuresSvg] = seconds(() => atlas.figures.map((s) => ({ id: s.id, svg: renderFigure(s) })));
  const pngDir = join(benchDir, `${label}-png`);
  const pngStart = performance.now();
  await drawFigurePngs(svgs, pngDir);
  const figuresPng = (performance.now() - pngStart) / 1000;
  rmSync(pngDir, { recursive: true, force: true });
  return { pipeline, figures: svgs.length, canonicalRows: atlas.rows.length, figuresSvg, figuresPng };
}

async function bench(
  label: string,
  scale: number | null,
  dataDir: string,
  size: DataSize,
  build: boolean,
): Promise<Result> {
  const notes: string[] = [];
  process.stdout.write(
    `\n${label}: ${size.studies} studies, ${size.tables} tables, ${size.rows} rows, ${size.accelerators} accelerators\n`,
  );
  const { ingest, fit, sweep } = timeStages(dataDir);
  const { pipeline, figures, canonicalRows, figuresSvg, figuresPng } = await timePipeline(dataDir, label);
  process.stdout.write(
    `  ingest ${ingest.toFixed(1)} s, simulator fit + cross-validation ${fit.toFixed(1)} s, sweep ${sweep.toFixed(1)} s, pipeline ${pipeline.toFixed(1)} s\n`,
  );
  process.stdout.write(
    `  ${figures} figures: SVG ${figuresSvg.toFixed(1)} s, PNG ${figuresPng.toFixed(1)} s\n`,
  );
  // 3. The full build, as `npm run build` runs it, into a folder of its own.
  let buildS: number | null = null;
  let weights: WeightSummary | null = null;
  let floor: number | null = null;
  let buildStages: Record<string, number> | null = null;
  let buildCpu: number | null = null;
  let peakRssMb: number | null = null;
  let rebuild: number | null = null;
  if (build) {
    const out = join(benchDir, label);
    rmSync(out, { recursive: true, force: true });
    const env: Record<string, string> = {
      ATLAS_OUT_DIR: join(out, "dist"),
      ATLAS_WORK_DIR: join(out, "work"),
    };
    if (scale !== null) Object.assign(env, { ATLAS_DATA_DIR: dataDir, ATLAS_NO_ARCHIVE: "1" });
    // Exactly what a contributor runs (package.json's build script, with its Node flags).
    const runBuild = () =>
      seconds(() =>
        spawnSync("npm", ["run", "-s", "build"], {
          cwd: root,
          env: { ...process.env, ...env },
          encoding: "utf8",
          timeout: timeoutS * 1000,
          maxBuffer: 64 * 1024 * 1024,
        }),
      );
    const [res, s] = runBuild();
    if (res.status === 0) {
      buildS = s;
      const recorded = JSON.parse(readFileSync(join(out, "work", "build-times.json"), "utf8")) as {
        stages: Record<string, number>;
        cpuSeconds: number;
        peakRssMb: number;
      };
      buildStages = recorded.stages;
      buildCpu = recorded.cpuSeconds;
      peakRssMb = recorded.peakRssMb;
      // A maintainer's next build after merging a contribution: same work folder, so the PNG and
      // Astro caches are warm (only changed figures are drawn again; here none changed).
      const [again, rebuildS] = runBuild();
      if (again.status === 0) rebuild = rebuildS;
      else notes.push(`rebuild failed: exit ${again.status}`);
      weights = summarize(pageWeights(join(out, "dist")));
      process.stdout.write(
        `  build ${s.toFixed(1)} s (rebuild ${rebuild?.toFixed(1) ?? "–"} s), peak ${peakRssMb} MB, ${weights.pages} pages, median ${(weights.medianHtmlBytes / 1024).toFixed(1)} KB\n`,
      );
      const f = astroFloor(root, weights.pages, timeoutS);
      floor = f.seconds;
      if (f.error) notes.push(`Astro floor failed: ${f.error}`);
      else process.stdout.write(`  Astro floor (${weights.pages} plain pages) ${floor!.toFixed(1)} s\n`);
    } else {
      const why =
        (res.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT"
          ? `stopped after the ${timeoutS} s limit`
          : res.signal
            ? `killed by ${res.signal}`
            : `exit ${res.status}`;
      const heap = /heap out of memory/.test(res.stderr) ? " (JavaScript heap out of memory)" : "";
      const first =
        res.stderr.split("\n").find((l) => /error/i.test(l)) ?? res.stderr.trim().split("\n").at(-1) ?? "";
      notes.push(`build failed after ${s.toFixed(0)} s: ${why}${heap}: ${first.trim().slice(0, 400)}`);
      process.stdout.write(`  ${notes.at(-1)}\n`);
    }
    if (!args.keep) rmSync(out, { recursive: true, force: true });
  }
  return {
    label,
    scale,
    size: { studies: size.studies, tables: size.tables, rows: size.rows, accelerators: size.accelerators },
    times: {
      ingest,
      fit,
      sweep,
      pipeline,
      figuresSvg,
      figuresPng,
      build: buildS,
      rebuild,
      astroFloor: floor,
    },
    figures,
    canonicalRows,
    weights,
    buildStages,
    buildCpu,
    peakRssMb,
    notes,
  };
}

const realDir = join(root, "data");
const results: Result[] = [await bench("real", null, realDir, measureData(realDir), true)];
for (const scale of scales) {
  const dir = join(benchDir, `data-${scale}x`);
  rmSync(dir, { recursive: true, force: true });
  const size = writeSynthetic(realDir, dir, scale);
  results.push(await bench(`synthetic-${scale}x`, scale, dir, size, buildScales.has(scale)));
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}

// Table: one line per data set.
const f1 = (x: number | null) => (x === null ? "–" : x.toFixed(1));
const kb = (x: number | undefined) => (x === undefined ? "–" : (x / 1024).toFixed(0));
const head = [
  "data",
  "studies",
  "tables",
  "rows",
  "accs",
  "figures",
  "ingest s",
  "fit s",
  "sweep s",
  "pipeline s",
  "svg s",
  "png s",
  "build s",
  "rebuild s",
  "build CPU s",
  "peak MB",
  "pages",
  "floor s",
  "build/floor",
  "median KB",
  "p95 KB",
  "max KB",
  "JS pages",
];
const lines = results.map((r) => [
  r.label,
  r.size.studies,
  r.size.tables,
  r.size.rows,
  r.size.accelerators,
  r.figures,
  f1(r.times.ingest),
  f1(r.times.fit),
  f1(r.times.sweep),
  f1(r.times.pipeline),
  f1(r.times.figuresSvg),
  f1(r.times.figuresPng),
  f1(r.times.build),
  f1(r.times.rebuild),
  f1(r.buildCpu),
  r.peakRssMb ?? "–",
  r.weights?.pages ?? "–",
  f1(r.times.astroFloor),
  r.times.build !== null && r.times.astroFloor ? `${(r.times.build / r.times.astroFloor).toFixed(1)}×` : "–",
  kb(r.weights?.medianHtmlBytes),
  kb(r.weights?.p95HtmlBytes),
  kb(r.weights?.maxHtmlBytes),
  r.weights ? `${r.weights.pagesWithJs} (report: ${r.weights.reportPagesWithJs.length})` : "–",
]);
const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
const row = (cells: (string | number)[]) =>
  cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join("  ");
process.stdout.write(`\n${row(head)}\n${lines.map(row).join("\n")}\n`);

// Targets from issue 8.
const real = results[0]!;
const one = results.find((r) => r.scale === 1);
const hundred = results.find((r) => r.scale === 100);
const checks = [
  {
    target: "real data full build under 20 s",
    ok: real.times.build !== null && real.times.build < 20,
    value: `${f1(real.times.build)} s`,
  },
  {
    target: "100× data builds in under 10× the 1× time",
    ok: one?.times.build && hundred?.times.build ? hundred.times.build < 10 * one.times.build : false,
    value:
      one?.times.build && hundred?.times.build
        ? `${(hundred.times.build / one.times.build).toFixed(1)}×`
        : "not measured",
  },
  {
    target: "median page under 150 KB (real data)",
    ok: (real.weights?.medianHtmlBytes ?? Infinity) < 150 * 1024,
    value: `${kb(real.weights?.medianHtmlBytes)} KB`,
  },
  {
    target: "report pages ship no JavaScript beyond the copy buttons, ≤ 1 KB (real data)",
    ok: real.weights?.reportPagesWithJs.length === 0,
    value: real.weights ? `${real.weights.reportPagesWithJs.length} report pages with JS` : "not measured",
  },
];
process.stdout.write(
  `\n${checks.map((c) => `${c.ok ? "met " : "MISS"}  ${c.target}: ${c.value}`).join("\n")}\n`,
);
// Wall time on a shared machine varies run to run; CPU time shows the growth in work itself.
if (one?.buildCpu && hundred?.buildCpu)
  process.stdout.write(
    `info  100× ÷ 1× in the build's CPU time: ${(hundred.buildCpu / one.buildCpu).toFixed(1)}×\n`,
  );
if (one?.times.rebuild && hundred?.times.rebuild)
  process.stdout.write(
    `info  100× ÷ 1× for a rebuild with warm caches: ${(hundred.times.rebuild / one.times.rebuild).toFixed(1)}×\n`,
  );
for (const r of results) for (const n of r.notes) process.stdout.write(`note (${r.label}): ${n}\n`);

// Where a build's time goes: its stages as the build measured them, and Astro's floor for as many pages.
process.stdout.write("\nwhere the full build's time goes\n");
for (const r of results) {
  const b = r.times.build;
  if (b === null || !r.buildStages) continue;
  const stages = Object.entries(r.buildStages).map(
    ([k, v]) => `${k} ${v.toFixed(1)} s (${((100 * v) / b).toFixed(0)} %)`,
  );
  process.stdout.write(
    `${r.label.padEnd(16)}${stages.join(" · ")} · Astro floor for as many plain pages ${f1(r.times.astroFloor)} s\n`,
  );
}

mkdirSync(join(root, ".build"), { recursive: true });
const jsonPath = join(root, ".build", "bench.json");
writeFileSync(
  jsonPath,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results, checks }, null, 1)}\n`,
);
if (!args.keep && existsSync(benchDir)) rmSync(benchDir, { recursive: true, force: true });
process.stdout.write(`\nwrote ${jsonPath}\n`);
