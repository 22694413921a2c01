/** Reads all of data/: accelerators, then studies, then cross-file checks. Nothing here writes. */
import { didYouMean } from "./suggest.ts";
import { SourceError, addProblems, firstNonAscii, quoteName, type SourceProblem } from "../errors.ts";
import { MODEL_IDS, modelName, seriesFigureId } from "../labels.ts";
import { ID_PATTERN, SPEC_KEYS, type Accelerator } from "../schema.ts";
import { loadAccelerators } from "./accelerators.ts";
import { loadStudy, type ParsedStudy } from "./study.ts";
import { dataEntryKind, linkProblem, listDataFolder, readDataFile } from "./text.ts";
import { yamlPosition } from "./yaml.ts";
import { loadAliasTable, type AliasTable } from "../mlperf/aliases.ts";
import { applyMlperfCorrections } from "../mlperf/corrections.ts";

interface DataSet {
  accelerators: Accelerator[];
  studies: ParsedStudy[];
  /** data/mlperf/accelerators.yaml: how MLPerf spellings map to accelerator ids (null without the file). */
  mlperfAliases: AliasTable | null;
}

/** Loads and validates everything under `dataDir`; throws one SourceError listing every problem. */
export function loadData(dataDir: string, display = "data"): DataSet {
  const problems: SourceProblem[] = [];
  const collect = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (e instanceof SourceError) addProblems(problems, e.problems);
      else throw e;
      return undefined;
    }
  };
  const accelerators = collect(() => loadAccelerators(dataDir, display)) ?? [];
  const root = { dir: dataDir, display };
  const studies: ParsedStudy[] = [];
  for (const name of collect(() => listDataFolder(root, "studies")) ?? []) {
    const folder = `${display}/studies/${name}`;
    // A symbolic link is refused, not followed (it could lead outside data/).
    const kind = collect(() => dataEntryKind(root, `studies/${name}`));
    if (kind === undefined) continue;
    if (kind === "link") {
      addProblems(problems, linkProblem(folder, "study folder").problems);
      continue;
    }
    if (kind !== "folder") {
      problems.push({
        file: folder,
        line: 0,
        column: 0,
        message: "unexpected file in data/studies",
        expected: "one folder per study",
        found: quoteName(name),
      });
      continue;
    }
    if (!ID_PATTERN.test(name) || name.length > 64) {
      const other = firstNonAscii(name);
      problems.push({
        file: folder,
        line: 0,
        column: 0,
        message: "study folder name is not a safe id",
        expected: "lower-case ASCII letters, digits and dashes",
        found: other ? `${quoteName(name)}: ${other}` : quoteName(name),
        ...(other
          ? { hint: "a look-alike letter from another alphabet makes an id that reads as valid and is not" }
          : {}),
      });
      continue;
    }
    const s = collect(() => loadStudy(root, name));
    if (s) studies.push(s);
  }
  const mlperfAliases = collect(() => loadAliasTable(root, new Set(accelerators.map((a) => a.id)))) ?? null;
  if (problems.length === 0)
    addProblems(problems, collect(() => applyMlperfCorrections(root, studies, mlperfAliases)) ?? []);
  if (problems.length === 0) addProblems(problems, crossCheck(root, accelerators, studies));
  if (problems.length) throw new SourceError(problems);
  return { accelerators, studies, mlperfAliases };
}

/** A spec read on a measured board names a study that exists and measured that accelerator. */
function measuredSpecProblems(
  root: { dir: string; display: string },
  accelerators: Accelerator[],
  studies: ParsedStudy[],
): SourceProblem[] {
  const problems: SourceProblem[] = [];
  for (const a of accelerators) {
    for (const k of SPEC_KEYS) {
      const id = a.specs[k]?.measured_in;
      if (id === undefined) continue;
      const study = studies.find((s) => s.study.id === id);
      if (study?.study.tables.some((t) => t.accelerator === a.id)) continue;
      const file = `accelerators/${a.id}.yaml`;
      problems.push({
        file: `${root.display}/${file}`,
        ...yamlPosition(readDataFile(root, file), ["specs", k, "measured_in"]),
        message: `spec ${k} says it was read in a study that ${study ? "did not measure this accelerator" : "does not exist"}`,
        expected: `a folder name under data/studies/ whose tables measured ${a.id}`,
        found: JSON.stringify(id),
      });
    }
  }
  return problems;
}

/** A model id not in the registry (labels.ts), at its place in study.yaml. */
function unknownModel(
  place: { file: string; line: number; column: number },
  model: string,
  where: string,
): SourceProblem {
  return {
    ...place,
    message: `unknown model id in ${where}`,
    expected: `one of the atlas's model ids: ${MODEL_IDS.map((id) => `${id} (${modelName(id)})`).join(", ")}`,
    found: JSON.stringify(model),
    hint:
      didYouMean(model, [...MODEL_IDS]) ??
      "a model the atlas does not know yet is added to MODEL_NAMES in src/pipeline/labels.ts, with the name readers see",
  };
}

/** Ids one file uses must exist in another; series must be unique and consistent across studies. */
function crossCheck(
  root: { dir: string; display: string },
  accelerators: Accelerator[],
  studies: ParsedStudy[],
): SourceProblem[] {
  const problems: SourceProblem[] = measuredSpecProblems(root, accelerators, studies);
  const accIds = new Set(accelerators.map((a) => a.id));
  const studyIds = new Set(studies.map((s) => s.study.id));
  // The first table of each series: its study and its place there (which names its accelerator and model).
  const seriesOwner = new Map<string, { key: string; parsed: ParsedStudy; table: number }>();
  const ownerTable = (o: { parsed: ParsedStudy; table: number }) => o.parsed.study.tables[o.table]!;
  const tableModels = [...new Set(studies.flatMap((s) => s.study.tables.map((t) => t.model)))];
  const at = (s: ParsedStudy, path: (string | number)[]) => ({
    file: s.metaFile,
    ...yamlPosition(s.metaText, path),
  });
  // Figures per accelerator and model are named fig-<metric>-<accelerator>-<model slug>: two pairs
  // that give the same name would make two figures with one id.
  // Positions are looked up only for a problem: finding one parses the study file again.
  const figureNames = new Map<string, { pair: string; study: ParsedStudy; table: number }>();
  // An MLPerf round is one work to cite (its results repository at one commit): the round's studies of
  // each benchmark must come from the same commit, or the atlas would cite two works under one key.
  const roundSource = new Map<string, { study: ParsedStudy; commit: string }>();
  for (const s of studies) {
    const m = s.study.mlperf;
    if (!m) continue;
    const first = roundSource.get(m.repository);
    if (!first) roundSource.set(m.repository, { study: s, commit: m.commit });
    else if (first.commit !== m.commit)
      problems.push({
        ...at(s, ["mlperf", "commit"]),
        message: `imported from another commit of ${m.repository} than ${first.study.study.id}`,
        expected: first.commit,
        found: m.commit,
        hint: "import every benchmark of a round from one checkout (npm run import:mlperf)",
      });
  }
  for (const s of studies) {
    const imported = s.study.mlperf?.model;
    if (imported !== undefined && !MODEL_IDS.includes(imported))
      problems.push(unknownModel(at(s, ["mlperf", "model"]), imported, "the MLPerf import"));
    s.study.tables.forEach((t, i) => {
      const name = seriesFigureId("throughput", t.accelerator, t.model);
      const pair = `${t.accelerator}\u0000${t.model}`;
      const first = figureNames.get(name);
      if (!first) figureNames.set(name, { pair, study: s, table: i });
      else if (first.pair !== pair) {
        const there = at(first.study, ["tables", first.table, "model"]);
        problems.push({
          ...at(s, ["tables", i, "model"]),
          message: `model ${JSON.stringify(t.model)} on ${t.accelerator} gets the same figure ids as the model at ${there.file}:${there.line}:${there.column}`,
          expected: "model and accelerator ids whose figure ids (fig-<metric>-<accelerator>-<model>) differ",
          found: `${name} twice`,
          hint: "use the model id the other table uses if it is the same model, or one that differs by more than punctuation",
        });
      }
      if (!MODEL_IDS.includes(t.model))
        problems.push(unknownModel(at(s, ["tables", i, "model"]), t.model, `table ${t.file}`));
      if (!accIds.has(t.accelerator)) {
        problems.push({
          ...at(s, ["tables", i, "accelerator"]),
          message: `unknown accelerator id in table ${t.file}`,
          expected: `an id with a file in data/accelerators/ (${[...accIds].join(", ")})`,
          found: JSON.stringify(t.accelerator),
          hint: didYouMean(t.accelerator, [...accIds]) ?? "add data/accelerators/<id>.yaml first",
        });
      }
      const key = JSON.stringify([
        t.accelerator,
        t.model,
        t.input.width,
        t.input.height,
        t.precision,
        t.framework,
        t.execution,
        t.devices ?? 1,
      ]);
      const owner = seriesOwner.get(t.series);
      if (!owner) seriesOwner.set(t.series, { key, parsed: s, table: i });
      else if (owner.parsed.study.id !== s.study.id) {
        // Studies are read in folder order, so the one named here need not be the one just added:
        // the message gives both places.
        const there = at(owner.parsed, ["tables", owner.table, "series"]);
        problems.push({
          ...at(s, ["tables", i, "series"]),
          message: `series id is also used by study ${owner.parsed.study.id} at ${there.file}:${there.line}:${there.column}`,
          expected: "a series id unique across the atlas",
          found: `${JSON.stringify(t.series)} in both studies`,
          hint: "rename the series of the study you are adding",
        });
      } else if (owner.key !== key) {
        problems.push({
          ...at(s, ["tables", i, "series"]),
          message:
            "tables of one series disagree on accelerator, model, input, precision, framework, execution or devices",
          expected: "identical setup for every table of a series",
          found: `${JSON.stringify(t.series)} in ${t.file}`,
        });
      }
    });
    (s.study.references_studies ?? []).forEach((ref, i) => {
      if (!studyIds.has(ref))
        problems.push({
          ...at(s, ["references_studies", i]),
          message: "references a study that does not exist",
          expected: "a folder name under data/studies/",
          found: JSON.stringify(ref),
        });
    });
  }
  // Claims may name series of any study, so check them once all series are known.
  for (const s of studies) {
    (s.study.claims ?? []).forEach((c, i) => {
      const t = c.test;
      const test = ["claims", i, "test"];
      // The ids a test names under one key (one id or a list), each with where it is written.
      const idsAt = (key: string, value: string | readonly string[] | undefined) =>
        value === undefined
          ? []
          : typeof value === "string"
            ? [{ id: value, path: [...test, key] }]
            : value.map((id, j) => ({ id, path: [...test, key, j] }));
      const series = !t
        ? []
        : t.kind === "ratio"
          ? [...idsAt("series", t.series), ...idsAt("reference_series", t.reference_series)]
          : t.kind === "peak-fraction" || t.kind === "value" || t.kind === "throughput-ratio"
            ? idsAt("series", t.series)
            : [];
      for (const { id, path } of series.filter((x) => !seriesOwner.has(x.id)))
        problems.push({
          ...at(s, path),
          message: `claim ${c.id} tests a series that does not exist`,
          expected: "a series id declared in some study's tables",
          found: JSON.stringify(id),
          hint: didYouMean(id, [...seriesOwner.keys()]),
        });
      // Accelerators and models a test selects series by (throughput-ratio, peak-fraction), and the subject's.
      const selects = t?.kind === "throughput-ratio" || t?.kind === "peak-fraction" ? t : undefined;
      const accs = [
        ...idsAt("accelerator", selects?.accelerator),
        ...(c.subject?.accelerator
          ? [{ id: c.subject.accelerator, path: ["claims", i, "subject", "accelerator"] }]
          : []),
      ];
      for (const { id, path } of accs.filter((x) => !accIds.has(x.id)))
        problems.push({
          ...at(s, path),
          message: `claim ${c.id} names an unknown accelerator`,
          expected: "an id with a file in data/accelerators/",
          found: JSON.stringify(id),
          hint: didYouMean(id, [...accIds]),
        });
      // A model no table uses would leave the test "not testable" without a word.
      const unknownModels = idsAt("model", selects?.model).filter((x) => !tableModels.includes(x.id));
      for (const { id, path } of unknownModels)
        problems.push({
          ...at(s, path),
          message: `claim ${c.id} names a model no table measures`,
          expected: "the model id of a table in data/studies/",
          found: JSON.stringify(id),
          hint: didYouMean(id, tableModels),
        });
      if (t?.kind === "peak-fraction") {
        const given = [t.series && "series", t.accelerator && "accelerator", t.model && "model"].filter(
          Boolean,
        );
        if (!["series", "accelerator,model"].includes(given.join()))
          problems.push({
            ...at(s, test),
            message: `claim ${c.id} must name its series, or an accelerator and a model (not both)`,
            expected: "series, or accelerator and model",
            found: given.join(", ") || "none of them",
          });
        if (t.up_to_batch !== undefined && t.up_to_batch < t.batch)
          problems.push({
            ...at(s, [...test, "up_to_batch"]),
            message: `claim ${c.id} takes the peak up to a batch below the one it tests`,
            expected: `up_to_batch of at least batch (${t.batch})`,
            found: String(t.up_to_batch),
          });
      }
      // A throughput-ratio test's named series must be one of the accelerator and model it selects.
      if (t?.kind === "throughput-ratio" && unknownModels.length === 0) {
        const found = t.series === undefined ? undefined : seriesOwner.get(t.series);
        const owner = found && ownerTable(found);
        if (owner && (owner.accelerator !== t.accelerator || owner.model !== t.model))
          problems.push({
            ...at(s, [...test, "series"]),
            message: `claim ${c.id} tests a series of another accelerator or model`,
            expected: `a series of ${t.model} on ${t.accelerator}`,
            found: `${JSON.stringify(t.series)}: ${owner.model} on ${owner.accelerator}`,
          });
      }
    });
  }
  return problems;
}
