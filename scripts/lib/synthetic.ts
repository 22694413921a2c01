/**
 * Synthetic data folders for the benchmark: `scale` times the real data's studies, tables, measured
 * rows and accelerators, shaped like the real tables (NVIDIA DLE style: batch, throughput, latency
 * and its percentiles; row counts drawn from the real tables'). Accelerators are the real ones plus
 * renamed clones, each clone with its original's simulator entry (up to the file's limit of 100;
 * the rest fall back to the simulator's default stack). Imported MLPerf rounds are copied once per
 * clone set, their accelerator spellings renamed to the set's clones (with an alias table to match),
 * and the published-style tables go to the accelerators MLPerf does not cover. No findings: the real
 * ones name real series.
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Papa from "papaparse";
import { parse, stringify } from "yaml";
import { csvLine } from "../../src/pipeline/output/csv.ts";
import { matchAccelerator, type AliasTable as MlperfAliases } from "../../src/pipeline/mlperf/aliases.ts";

export interface DataSize {
  studies: number;
  tables: number;
  /** Data rows of every CSV (each becomes one measured row). */
  rows: number;
  accelerators: number;
  /** Data rows of each CSV, in a fixed order: the shapes synthetic tables copy. */
  tableRows: number[];
}

/** Counts what a data folder holds. */
export function measureData(dataDir: string): DataSize {
  const studies = readdirSync(join(dataDir, "studies")).sort();
  const tableRows = tableRowsOf(dataDir, studies);
  return {
    studies: studies.length,
    tables: tableRows.length,
    rows: tableRows.reduce((a, b) => a + b, 0),
    accelerators: readdirSync(join(dataDir, "accelerators")).filter((f) => f.endsWith(".yaml")).length,
    tableRows,
  };
}

function tableRowsOf(dataDir: string, studies: string[]): number[] {
  return studies.flatMap((s) =>
    readdirSync(join(dataDir, "studies", s))
      .filter((f) => f.endsWith(".csv"))
      .sort()
      .map(
        (f) =>
          readFileSync(join(dataDir, "studies", s, f), "utf8")
            .trimEnd()
            .split("\n").length - 1,
      ),
  );
}

/** Studies written by the MLPerf importer (study.yaml has an `mlperf` block). */
function mlperfStudies(dataDir: string): string[] {
  return readdirSync(join(dataDir, "studies"))
    .sort()
    .filter((s) => /^mlperf:/m.test(readFileSync(join(dataDir, "studies", s, "study.yaml"), "utf8")));
}

interface AliasEntry {
  id?: string;
  names: string[];
  [key: string]: unknown;
}
interface AliasTable {
  no_accelerator: string[];
  accelerators: AliasEntry[];
  cpus: AliasEntry[];
  unmapped: AliasEntry[];
}

/**
 * The alias table for clone sets 1…scale−1: each clone is spelled by its own id (a compact table: the
 * real file is listed once, clones add one short entry each). Unmapped spellings stay as they are.
 */
function cloneAliases(
  table: AliasTable,
  ids: string[],
  cloneId: (id: string, k: number) => string,
  scale: number,
) {
  const clones = (entries: AliasEntry[]) =>
    [...new Set(entries.map((e) => e.id!))].flatMap((id) =>
      Array.from({ length: scale - 1 }, (_, k) => ({ id: cloneId(id, k + 1), names: [cloneId(id, k + 1)] })),
    );
  return {
    ...table,
    accelerators: [...table.accelerators, ...clones(table.accelerators).filter((e) => ids.includes(e.id))],
    cpus: [...table.cpus, ...clones(table.cpus).filter((e) => ids.includes(e.id))],
  };
}

/** An imported round again, as clone set k ≥ 1: each mapped spelling replaced by its clone's id. */
function cloneMlperfStudy(
  realDir: string,
  out: string,
  study: string,
  k: number,
  table: MlperfAliases,
  cloneId: (id: string, k: number) => string,
): number {
  const meta = parse(readFileSync(join(realDir, "studies", study, "study.yaml"), "utf8")) as {
    id: string;
    mlperf: { file: string };
  };
  const text = readFileSync(join(realDir, "studies", study, meta.mlperf.file), "utf8");
  const id = k === 0 ? study : `syn${k}-${study}`.slice(0, 64);
  const dir = join(out, "studies", id);
  mkdirSync(dir, { recursive: true });
  if (k === 0) {
    writeFileSync(join(dir, meta.mlperf.file), text);
    writeFileSync(
      join(dir, "study.yaml"),
      readFileSync(join(realDir, "studies", study, "study.yaml"), "utf8"),
    );
    return text.trimEnd().split("\n").length - 1;
  }
  const csv = Papa.parse<string[]>(text.trimEnd(), { delimiter: "," }).data;
  const header = csv[0]!;
  const col = (name: string) => header.indexOf(name);
  const rows = csv.slice(1).map((cells) => {
    const match = matchAccelerator(table, {
      acceleratorModel: cells[col("Accelerator model")]!,
      acceleratorMemory: cells[col("Accelerator memory")]!,
      acceleratorsPerNode: cells[col("Accelerators per node")]!,
      hostProcessor: cells[col("Host processor")]!,
    });
    if (match.kind === "unmapped") return cells;
    const target = col(match.kind === "cpu" ? "Host processor" : "Accelerator model");
    return cells.map((c, i) => (i === target ? cloneId(match.id, k) : c));
  });
  writeFileSync(
    join(dir, meta.mlperf.file),
    [header, ...rows].map((fields) => csvLine(fields, { formulas: "keep" })).join(""),
  );
  writeFileSync(
    join(dir, "study.yaml"),
    stringify({ ...meta, id }, { aliasDuplicateObjects: false, lineWidth: 0 }),
  );
  return rows.length;
}

/** Batch sizes of a DLE table, extended for the few longer published tables. */
const BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];
const SETUPS = [
  { precision: "fp32", framework: "TensorFlow 1.15", execution: "TF1 graph" },
  { precision: "mixed-fp16", framework: "TensorFlow 1.15", execution: "TF1 graph + XLA" },
  { precision: "tf32", framework: "PyTorch 1.9", execution: "eager" },
  { precision: "int8", framework: "TensorRT 8.0", execution: "TensorRT engine" },
] as const;
const MODELS = ["resnet50_v1.5", "resnext101_32x4d"] as const;
/** data/simulator/accelerators.yaml's limit (simAcceleratorsFileSchema). */
const MAX_SIM_ACCELERATORS = 100;

/** A small deterministic generator, so a scale always gives the same bytes. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

/** One table: throughput saturating with batch, latency = batch / throughput, percentiles a little above. */
function tableCsv(rows: number, rand: () => number): string {
  const peak = 300 + rand() * 4000;
  const half = 2 + rand() * 14;
  const lines = ["Batch Size,Avg throughput,Avg latency,90% Latency,95% Latency,99% Latency"];
  for (const batch of BATCHES.slice(0, rows)) {
    const thr = (peak * batch) / (batch + half);
    const lat = (batch * 1000) / thr;
    lines.push(
      `${batch},${thr.toFixed(2)} img/s,${lat.toFixed(2)} ms,${(lat * 1.02).toFixed(2)} ms,${(lat * 1.04).toFixed(2)} ms,${(lat * 1.08).toFixed(2)} ms`,
    );
  }
  return `${lines.join("\n")}\n`;
}

const COLUMNS = [
  { name: "Batch Size", field: "batch_size", unit: "images" },
  { name: "Avg throughput", field: "throughput_img_s", unit: "img/s", suffix: "img/s" },
  { name: "Avg latency", field: "latency_ms", unit: "ms", suffix: "ms" },
  { name: "90% Latency", field: "latency_p90_ms", unit: "ms", suffix: "ms" },
  { name: "95% Latency", field: "latency_p95_ms", unit: "ms", suffix: "ms" },
  { name: "99% Latency", field: "latency_p99_ms", unit: "ms", suffix: "ms" },
];

/**
 * Writes a data folder `scale` times the size of `real` into `out`: accelerators (real + clones),
 * data/simulator copied with an entry per clone, and synthetic studies. Returns what it wrote.
 */
export function writeSynthetic(realDir: string, out: string, scale: number): DataSize {
  const mlperf = mlperfStudies(realDir);
  const published = readdirSync(join(realDir, "studies"))
    .sort()
    .filter((s) => !mlperf.includes(s));
  const rand = random(scale * 7919);
  // Accelerators: the real files, then clones "s<k>-<id>" of each, `scale` sets in all.
  mkdirSync(join(out, "accelerators"), { recursive: true });
  const realAccs = readdirSync(join(realDir, "accelerators"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => f.slice(0, -5));
  const simFile = parse(readFileSync(join(realDir, "simulator", "accelerators.yaml"), "utf8")) as {
    accelerators: Record<string, unknown>[];
  };
  const calibrated = new Set(
    (
      parse(readFileSync(join(realDir, "simulator", "calibration.yaml"), "utf8")) as {
        roofline: { accelerator: string }[];
      }
    ).roofline.map((t) => t.accelerator),
  );
  const accIds: string[] = [];
  const cloneId = (id: string, k: number) => (k === 0 ? id : `s${k}-${id}`.slice(0, 64));
  const simEntries = [...simFile.accelerators];
  for (let k = 0; k < scale; k++) {
    for (const id of realAccs) {
      // A spec read on a measured board names the real study it was read in (`measured_in`); the synthetic
      // data has none of the real studies, so the value keeps its source text but not that link.
      const text = readFileSync(join(realDir, "accelerators", `${id}.yaml`), "utf8").replace(
        /^ +measured_in: .*\n/gm,
        "",
      );
      const clone = cloneId(id, k);
      accIds.push(clone);
      if (k === 0) {
        writeFileSync(join(out, "accelerators", `${id}.yaml`), text);
        continue;
      }
      writeFileSync(
        join(out, "accelerators", `${clone}.yaml`),
        text
          .replace(/^id: .*$/m, `id: ${clone}`)
          .replace(
            /^name: "?(.*?)"?$/m,
            (_, n: string) => `name: ${JSON.stringify(`${n} (synthetic clone ${k})`)}`,
          ),
      );
      const entry = simFile.accelerators.find((a) => a.id === id);
      // The simulator file takes at most 100 entries; later clones fall back to the default stack.
      if (entry && simEntries.length < MAX_SIM_ACCELERATORS) {
        const simClone: Record<string, unknown> = { ...entry, id: clone };
        // A roofline clone has no calibration data of its own: it borrows its original's fit (GPU clones
        // need nothing: the kernel model's parameters are shared by every GPU).
        if (!simClone.calibration_from && calibrated.has(id))
          Object.assign(simClone, {
            calibration_from: id,
            calibration_reason: "synthetic benchmark clone of this accelerator",
          });
        simEntries.push(simClone);
      }
    }
  }
  mkdirSync(join(out, "simulator"), { recursive: true });
  cpSync(join(realDir, "simulator"), join(out, "simulator"), { recursive: true });
  writeFileSync(
    join(out, "simulator", "accelerators.yaml"),
    stringify({ accelerators: simEntries }, { aliasDuplicateObjects: false }),
  );

  // Imported MLPerf rounds: each clone set gets them again, its accelerators spelled by their clone ids.
  const mlperfRows: number[] = [];
  const aliases = mlperf.length
    ? (parse(readFileSync(join(realDir, "mlperf", "accelerators.yaml"), "utf8")) as AliasTable)
    : null;
  if (aliases) {
    mkdirSync(join(out, "mlperf"), { recursive: true });
    writeFileSync(
      join(out, "mlperf", "accelerators.yaml"),
      stringify(cloneAliases(aliases, accIds, cloneId, scale), {
        aliasDuplicateObjects: false,
        lineWidth: 0,
      }),
    );
    for (let k = 0; k < scale; k++)
      for (const study of mlperf)
        mlperfRows.push(
          cloneMlperfStudy(realDir, out, study, k, aliases as unknown as MlperfAliases, cloneId),
        );
  }
  // Published-style tables go to the accelerators MLPerf does not cover, so every accelerator has data.
  const covered = new Set(aliases ? [...aliases.accelerators, ...aliases.cpus].map((e) => e.id!) : []);
  const tableAccs = accIds.filter((id) => !covered.has(id.replace(/^s\d+-/, "")));

  // Studies: as many as the real data times scale; tables dealt out round-robin, row counts from the real tables.
  const studyCount = published.length * scale;
  const tableRows = Array.from({ length: scale }, () => tableRowsOf(realDir, published)).flat();
  const perStudy: number[][] = Array.from({ length: studyCount }, () => []);
  for (const [i, rows] of tableRows.entries()) perStudy[i % studyCount]!.push(rows);
  // Tables go to accelerators in turn over the whole data set, so each accelerator carries about as many
  // series at 100× as at 1× (the atlas grows by more accelerators and studies, not by denser ones).
  let dealt = 0;
  perStudy.forEach((tables, s) => {
    const id = `syn-study-${String(s + 1).padStart(5, "0")}`;
    const dir = join(out, "studies", id);
    mkdirSync(dir, { recursive: true });
    const metas = tables.map((rows, t) => {
      const n = s * 100 + t;
      const setup = SETUPS[n % SETUPS.length]!;
      const file = `table-${t + 1}.csv`;
      writeFileSync(join(dir, file), tableCsv(rows, rand));
      return {
        file,
        title: `Inference performance, batch sizes 1 to ${BATCHES[rows - 1]} (synthetic table ${t + 1})`,
        source: `Table ${t + 1}`,
        series: `${id}-t${t + 1}`,
        accelerator: tableAccs[dealt++ % tableAccs.length]!,
        model: MODELS[n % MODELS.length]!,
        input: { width: 224, height: 224, stated: true },
        ...setup,
        columns: COLUMNS,
      };
    });
    const study = {
      id,
      title: `Synthetic study ${s + 1} (benchmark data)`,
      authors: ["Benchmark Generator"],
      year: 2024,
      url: `https://example.org/synthetic/${id}`,
      citation: `Benchmark Generator (2024). Synthetic study ${s + 1}.`,
      license: { redistribution: "allowed", note: "generated for the benchmark" },
      summary:
        "Throughput and latency per batch size, generated in the shape of the NVIDIA DeepLearningExamples tables.",
      method:
        "Generated: throughput saturating with batch size, latency as batch over throughput, percentiles a few per cent above the mean.",
      tables: metas,
    };
    writeFileSync(join(dir, "study.yaml"), stringify(study, { aliasDuplicateObjects: false }));
  });
  return {
    studies: studyCount + mlperf.length * scale,
    tables: tableRows.length + mlperfRows.length,
    rows: [...tableRows, ...mlperfRows].reduce((a, b) => a + b, 0),
    accelerators: accIds.length,
    tableRows: [...tableRows, ...mlperfRows],
  };
}
