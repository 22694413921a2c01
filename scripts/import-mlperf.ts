/**
 * `npm run import:mlperf -- <checkout>[=<owner/name>@<commit>] [...] [--benchmark resnet50|retinanet] [--out <folder>]`
 *
 * Reads MLPerf Inference results checkouts (mlcommons/inference_results_v<round>) and writes one study
 * folder per round, <out>/mlperf-inference-v<round>-<benchmark>/ (results.csv and study.yaml). Without
 * `=<owner/name>@<commit>`, the repository and commit are read from the checkout's git metadata.
 * Every checkout is read and every file checked before anything is written; the same checkouts give
 * the same bytes. Exit 1 with located messages on bad input, 2 on bad arguments.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SourceError } from "../src/pipeline/errors.ts";
import { writeFileAtomic } from "../src/pipeline/output/files.ts";
import { parseYaml } from "../src/pipeline/ingest/yaml.ts";
import { studySchema } from "../src/pipeline/schema.ts";
import { importRound, type RoundSource } from "../src/pipeline/mlperf/importer.ts";
import { parseMlperfResults } from "../src/pipeline/mlperf/ingest.ts";
import { BENCHMARK_NAMES, studyId, type Benchmark } from "../src/pipeline/mlperf/rounds.ts";
import { resultsCsv, studyYaml, type LicenseFinding } from "../src/pipeline/mlperf/study-files.ts";
import { RESULTS_FILE } from "../src/pipeline/mlperf/columns.ts";

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run import:mlperf -- <checkout>[=<owner/name>@<commit>] [...] [--benchmark ${BENCHMARK_NAMES.join("|")}] [--out <folder>]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): { checkouts: string[]; benchmark: Benchmark; out: string } {
  const checkouts: string[] = [];
  let benchmark: Benchmark = "resnet50";
  let out = join(process.cwd(), "data", "studies");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--benchmark") {
      const b = argv[++i];
      if (!b || !(BENCHMARK_NAMES as string[]).includes(b))
        usage(`--benchmark needs one of ${BENCHMARK_NAMES.join(", ")}`);
      benchmark = b as Benchmark;
    } else if (a === "--out") {
      const o = argv[++i];
      if (!o) usage("--out needs a folder");
      out = resolve(o);
    } else if (a.startsWith("--")) usage(`unknown option ${a}`);
    else checkouts.push(a);
  }
  if (checkouts.length === 0) usage("name at least one results checkout");
  return { checkouts, benchmark, out };
}

/** `<path>=<owner/name>@<commit>`, or the path alone with the repository and commit from git. */
function sourceOf(spec: string): RoundSource {
  const m = /^(.*)=([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)@([0-9a-f]{40})$/.exec(spec);
  if (m) return { root: resolve(m[1]!), repository: m[2]!, commit: m[3]! };
  if (spec.includes("="))
    usage(`cannot read ${JSON.stringify(spec)}: expected <checkout>=<owner/name>@<40-hex commit>`);
  const root = resolve(spec);
  const git = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { encoding: "utf8" }).trim();
  let commit: string;
  let url: string;
  try {
    commit = git("rev-parse", "HEAD");
    url = git("remote", "get-url", "origin");
  } catch {
    usage(`${spec} is not a git checkout with an origin remote: name it as ${spec}=<owner/name>@<commit>`);
  }
  const repo = /github\.com[/:]([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+?)(\.git)?$/.exec(url);
  if (!repo) usage(`cannot tell the GitHub repository of ${spec} from its origin ${url}`);
  return { root, repository: repo[1]!, commit };
}

function licenseOf(root: string): LicenseFinding {
  for (const name of ["LICENSE.md", "LICENSE", "LICENSE.txt"]) {
    const path = join(root, name);
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      return { file: name, apache2: /Apache License/.test(text) && /Version 2\.0/.test(text) };
    }
  }
  return { file: null, apache2: false };
}

const { checkouts, benchmark, out } = parseArgs(process.argv.slice(2));
const planned: { id: string; csv: string; yaml: string; rows: number; skipped: number }[] = [];
try {
  for (const spec of checkouts) {
    const source = sourceOf(spec);
    const imported = importRound(source, benchmark);
    if (imported.rows.length === 0) {
      process.stdout.write(
        `import:mlperf: no ${benchmark} results in ${source.repository}; nothing to write\n`,
      );
      continue;
    }
    const id = studyId(imported.round, benchmark);
    const csv = resultsCsv(imported.rows);
    const yaml = studyYaml(imported, licenseOf(source.root));
    // The files must read back as the build reads them, before any is written.
    const meta = parseYaml(`${id}/study.yaml`, yaml, studySchema);
    parseMlperfResults(`${id}/${RESULTS_FILE}`, csv, meta.mlperf!);
    if (planned.some((p) => p.id === id)) usage(`two checkouts of the same round (${imported.round})`);
    planned.push({ id, csv, yaml, rows: imported.rows.length, skipped: imported.skipped.length });
  }
} catch (e) {
  if (e instanceof SourceError) {
    process.stderr.write(
      `\nThe checkout has ${e.problems.length} problem(s); nothing was written.\n\n${e.message}\n\n`,
    );
    process.exit(1);
  }
  throw e;
}
for (const p of planned) {
  writeFileAtomic(join(out, p.id, RESULTS_FILE), p.csv);
  writeFileAtomic(join(out, p.id, "study.yaml"), p.yaml);
  process.stdout.write(
    `import:mlperf: ${p.id}: ${p.rows} rows${p.skipped ? `, ${p.skipped} result folders skipped (listed in study.yaml)` : ""}\n`,
  );
}
