/**
 * The reviewed table (data/mlperf/accelerators.yaml) that maps how MLPerf system files spell an
 * accelerator to one atlas accelerator id. Matching is exact string equality, never fuzzy: a new
 * spelling stays unmapped (and is listed in the audit) until someone adds it to the table.
 */
import { z } from "zod";
import { SourceError, type SourceProblem } from "../errors.ts";
import { groupBy } from "../group.ts";
import { idSchema } from "../schema.ts";
import { dataEntryKind, linkProblem, readDataFile, type DataRoot } from "../ingest/text.ts";
import { parseYaml, yamlPosition } from "../ingest/yaml.ts";

const spelling = z.string().max(300);

const entrySchema = z
  .object({
    id: idSchema,
    /** accelerator_model_name exactly as printed (for cpus: host_processor_model_name). */
    names: z.array(spelling).min(1).max(200),
    /** Only where the name alone is ambiguous (e.g. "NVIDIA A100-SXM4" in 40 GB and 80 GB): accelerator_memory_capacity as printed. */
    memory: z.array(spelling).min(1).max(50).optional(),
    note: z.string().min(1).max(1000).optional(),
  })
  .strict();

const unmappedSchema = z
  .object({
    names: z.array(spelling).min(1).max(200),
    memory: z.array(spelling).min(1).max(50).optional(),
    /** Why these are not one accelerator of the atlas (a MIG slice, a virtual GPU, a mislabelled field). */
    reason: z.string().min(1).max(1000),
  })
  .strict();

const aliasTableSchema = z
  .object({
    /** accelerator_model_name values that mean "no accelerator": the host processor is then the device. */
    no_accelerator: z.array(spelling).max(50),
    // Generous limits: the benchmark's synthetic data (scripts/lib/synthetic.ts) lists thousands of clones.
    accelerators: z.array(entrySchema).max(20_000),
    cpus: z.array(entrySchema).max(20_000),
    unmapped: z.array(unmappedSchema).max(1000),
  })
  .strict();
export type AliasTable = z.infer<typeof aliasTableSchema>;

const ALIAS_FILE = "mlperf/accelerators.yaml";

/** What a system's accelerator is: an atlas id, or unmapped with the reason. */
type AcceleratorMatch =
  | { kind: "accelerator" | "cpu"; id: string; name: string }
  | { kind: "unmapped"; name: string; reason: string };

interface SystemSpelling {
  acceleratorModel: string;
  acceleratorMemory: string;
  acceleratorsPerNode: string;
  hostProcessor: string;
}

/** A system runs on its host processor when it declares no accelerator (0 per node, or a "none" name). */
function isCpuOnly(table: AliasTable, s: SystemSpelling): boolean {
  const count = s.acceleratorsPerNode.trim();
  if (count === "0") return true;
  // An empty count, or one spelled like a missing accelerator ("N/A"), with no accelerator named.
  return (
    table.no_accelerator.includes(s.acceleratorModel) &&
    (count === "" || table.no_accelerator.includes(count))
  );
}

type Entry = { names: string[]; memory?: string[] | undefined };

/** Each list's entries by spelling, in table order: a scan of the table per result grew with the square of the data. */
const indexes = new WeakMap<readonly Entry[], Map<string, { entry: Entry }[]>>();

/**
 * The first entry of `list` (in table order) that spells `name` and, unless `memory` is null (host
 * processors), whose memory list, where it has one, holds `memory`.
 */
function firstMatch<E extends Entry>(list: readonly E[], name: string, memory: string | null): E | undefined {
  let index = indexes.get(list);
  if (!index) {
    const spellings = list.flatMap((entry) => [...new Set(entry.names)].map((name) => ({ name, entry })));
    index = groupBy(spellings, (x) => x.name);
    indexes.set(list, index);
  }
  const match = index
    .get(name)
    ?.find(({ entry: e }) => memory === null || e.memory === undefined || e.memory.includes(memory));
  return match?.entry as E | undefined;
}

export function matchAccelerator(table: AliasTable, s: SystemSpelling): AcceleratorMatch {
  if (isCpuOnly(table, s)) {
    const e = firstMatch(table.cpus, s.hostProcessor, null);
    if (e) return { kind: "cpu", id: e.id, name: s.hostProcessor };
    const u = firstMatch(table.unmapped, s.hostProcessor, null);
    return {
      kind: "unmapped",
      name: s.hostProcessor,
      reason: u?.reason ?? "this host processor spelling is not in data/mlperf/accelerators.yaml",
    };
  }
  const e = firstMatch(table.accelerators, s.acceleratorModel, s.acceleratorMemory);
  if (e) return { kind: "accelerator", id: e.id, name: s.acceleratorModel };
  const u = firstMatch(table.unmapped, s.acceleratorModel, s.acceleratorMemory);
  return {
    kind: "unmapped",
    name: s.acceleratorModel,
    reason: u?.reason ?? "this accelerator spelling is not in data/mlperf/accelerators.yaml",
  };
}

/** Reads and checks the table: ids must exist, and no spelling may lead to two places. */
export function loadAliasTable(root: DataRoot, accelerators: Set<string>): AliasTable | null {
  const file = `${root.display}/${ALIAS_FILE}`;
  const kind = dataEntryKind(root, ALIAS_FILE);
  if (kind === "missing") return null;
  if (kind === "link") throw linkProblem(file, "file");
  const text = readDataFile(root, ALIAS_FILE);
  const table = parseYaml(file, text, aliasTableSchema);
  const problems: SourceProblem[] = [];
  const at = (p: (string | number)[]) => ({ file, ...yamlPosition(text, p) });
  for (const group of ["accelerators", "cpus"] as const) {
    table[group].forEach((e, i) => {
      if (!accelerators.has(e.id))
        problems.push({
          ...at([group, i, "id"]),
          message: "alias points to an unknown accelerator",
          expected: "an id with a file in data/accelerators/",
          found: JSON.stringify(e.id),
          hint: "add data/accelerators/<id>.yaml first",
        });
    });
  }
  // Each spelling (with its memory, where given) may be claimed once, whatever the targets: two
  // claims overlap when the names are equal and either has no memory or the memories are equal.
  const claims = new Map<string, { memory: string | null; where: string }[]>();
  const claim = (
    spaces: string[],
    group: string,
    i: number,
    names: string[],
    memory: string[] | undefined,
  ) => {
    for (const space of spaces)
      for (const name of names)
        for (const mem of memory ?? [null]) {
          const key = `${space}\u0000${name}`;
          const list = claims.get(key) ?? [];
          const clash = list.find((c) => c.memory === null || mem === null || c.memory === mem);
          if (clash)
            problems.push({
              ...at([group, i, "names"]),
              message: "spelling listed twice",
              expected: "each spelling (with its memory, where given) in one entry only",
              found: `${JSON.stringify(name)}${mem === null ? "" : ` with memory ${JSON.stringify(mem)}`} (also in ${clash.where})`,
            });
          list.push({ memory: mem, where: `${group}[${i}]` });
          claims.set(key, list);
        }
  };
  for (const [i, e] of table.accelerators.entries()) claim(["acc"], "accelerators", i, e.names, e.memory);
  for (const [i, e] of table.cpus.entries()) claim(["cpu"], "cpus", i, e.names, undefined);
  for (const [i, e] of table.unmapped.entries()) claim(["acc", "cpu"], "unmapped", i, e.names, e.memory);
  if (problems.length) throw new SourceError(problems);
  return table;
}
