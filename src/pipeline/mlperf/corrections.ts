/**
 * Hand-reviewed corrections of the accelerator or processor count of an MLPerf system
 * (data/mlperf/corrections.yaml): the count divides a system's throughput into per-device values, so a
 * count the submitter got wrong (cores given as processors) makes them wrong by that factor. results.csv
 * keeps what was published (the importer rewrites it); the correction says what it is read as, why,
 * and from which file of the results repository. Every correction must match an imported result.
 */
import { z } from "zod";
import type { SourceProblem } from "../errors.ts";
import type { ParsedStudy } from "../ingest/study.ts";
import { dataEntryKind, linkProblem, readDataFile, type DataRoot } from "../ingest/text.ts";
import { parseYaml, yamlPosition } from "../ingest/yaml.ts";
import type { MlperfRecord } from "./ingest.ts";
import { matchAccelerator, type AliasTable } from "./aliases.ts";

const CORRECTIONS_FILE = "mlperf/corrections.yaml";

/** The results.csv count each correctable field is. */
const RECORD_FIELD = {
  host_processors_per_node: "hostProcessorsPerNode",
  accelerators_per_node: "acceleratorsPerNode",
} as const satisfies Record<string, keyof MlperfRecord>;

const correctionsSchema = z
  .object({
    corrections: z
      .array(
        z
          .object({
            round: z.string().regex(/^v\d+\.\d+$/, "a round such as v3.0"),
            submitter: z.string().min(1).max(200),
            /** The system's id as results.csv gives it (the system file's name). */
            system: z.string().min(1).max(300),
            field: z.enum(["host_processors_per_node", "accelerators_per_node"]),
            published: z.string().min(1).max(20),
            read_as: z.string().regex(/^[1-9]\d{0,5}$/, "a whole number from 1"),
            reason: z.string().min(1).max(2000),
            /** Where the evidence is: repository@commit:path. */
            source: z.string().min(1).max(1000),
          })
          .strict(),
      )
      .max(1000),
  })
  .strict();

/**
 * Reads data/mlperf/corrections.yaml (if any) and applies each correction to every record of its
 * round, submitter and system, in place; returns the problems (a correction that matches no result, or
 * whose published count is not the one in results.csv), located in the file.
 */
export function applyMlperfCorrections(
  root: DataRoot,
  studies: ParsedStudy[],
  aliases: AliasTable | null,
): SourceProblem[] {
  const file = `${root.display}/${CORRECTIONS_FILE}`;
  const kind = dataEntryKind(root, CORRECTIONS_FILE);
  if (kind === "missing") return [];
  if (kind === "link") throw linkProblem(file, "file");
  const text = readDataFile(root, CORRECTIONS_FILE);
  const { corrections } = parseYaml(file, text, correctionsSchema);
  const problems: SourceProblem[] = [];
  const seen = new Map<string, number>();
  corrections.forEach((c, i) => {
    const at = (key: string) => ({ file, ...yamlPosition(text, ["corrections", i, key]) });
    const key = `${c.round}\u0000${c.submitter}\u0000${c.system}\u0000${c.field}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        ...at("system"),
        message: "a second correction of one count",
        expected: "one correction per round, submitter, system and field",
        found: `this one and the one at line ${yamlPosition(text, ["corrections", first, "system"]).line}`,
      });
      return;
    }
    seen.set(key, i);
    const records = studies
      .filter((s) => s.study.mlperf?.round === c.round)
      .flatMap((s) => s.mlperf?.records ?? [])
      .filter((r) => r.submitter === c.submitter && r.system === c.system);
    if (records.length === 0) {
      problems.push({
        ...at("system"),
        message: "the correction names no imported result",
        expected: `a system of submitter ${JSON.stringify(c.submitter)} in an imported ${c.round} round`,
        found: JSON.stringify(c.system),
      });
      return;
    }
    // The count the build divides by: processors for a system without accelerators, else accelerators.
    const field = (r: MlperfRecord) =>
      aliases && matchAccelerator(aliases, r).kind === "cpu"
        ? "host_processors_per_node"
        : "accelerators_per_node";
    const wrongField = records.find((r) => field(r) !== c.field);
    if (wrongField) {
      problems.push({
        ...at("field"),
        message: "the correction changes a count the build does not divide this system's results by",
        expected: field(wrongField),
        found: c.field,
      });
      return;
    }
    const column = RECORD_FIELD[c.field];
    // One correction per count (above), so each compares with the value results.csv gives.
    const other = records.find((r) => r[column] !== c.published);
    if (other) {
      problems.push({
        ...at("published"),
        message: `the correction's published ${c.field} is not the one results.csv gives`,
        expected: JSON.stringify(other[column]),
        found: JSON.stringify(c.published),
      });
      return;
    }
    for (const r of records) {
      r[column] = c.read_as;
      r.corrected = {
        field: c.field,
        published: c.published,
        readAs: c.read_as,
        reason: c.reason,
        source: c.source,
      };
    }
  });
  return problems;
}
