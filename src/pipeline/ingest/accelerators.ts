/** Reads data/accelerators/*.yaml into validated accelerator records, sorted by id. */
import { SourceError, addProblems, firstNonAscii, quoteName, type SourceProblem } from "../errors.ts";
import { acceleratorSchema, type Accelerator } from "../schema.ts";
import { parseYaml, yamlPosition } from "./yaml.ts";
import { listDataFolder, readDataFile } from "./text.ts";

export function parseAccelerator(file: string, text: string, expectedId: string): Accelerator {
  const acc = parseYaml(file, text, acceleratorSchema) as Accelerator;
  if (acc.id !== expectedId) {
    throw new SourceError([
      {
        file,
        ...yamlPosition(text, ["id"]),
        message: "accelerator id does not match its file name",
        expected: JSON.stringify(expectedId),
        found: JSON.stringify(acc.id),
      },
    ]);
  }
  return acc;
}

/** `dataDir` is the repository's data/ folder; `display` is how paths appear in messages. */
export function loadAccelerators(dataDir: string, display = "data"): Accelerator[] {
  const root = { dir: dataDir, display };
  const problems: SourceProblem[] = [];
  const out: Accelerator[] = [];
  const names = listDataFolder(root, "accelerators");
  if (!names) {
    throw new SourceError([
      {
        file: `${display}/accelerators`,
        line: 0,
        column: 0,
        message: "no accelerators folder",
        expected: "a folder data/accelerators/ with one <accelerator-id>.yaml per accelerator",
        found: "nothing",
      },
    ]);
  }
  for (const name of names) {
    const file = `${display}/accelerators/${name}`;
    if (!name.endsWith(".yaml")) {
      problems.push({
        file,
        line: 0,
        column: 0,
        message: "unexpected file in data/accelerators",
        expected: "<accelerator-id>.yaml",
        found: quoteName(name),
      });
      continue;
    }
    const other = firstNonAscii(name);
    if (other) {
      problems.push({
        file,
        line: 0,
        column: 0,
        message: "accelerator file name is not a safe id",
        expected: "<accelerator-id>.yaml with lower-case ASCII letters, digits and dashes",
        found: `${quoteName(name)}: ${other}`,
        hint: "a look-alike letter from another alphabet makes an id that reads as valid and is not",
      });
      continue;
    }
    try {
      out.push(
        parseAccelerator(file, readDataFile(root, `accelerators/${name}`), name.slice(0, -".yaml".length)),
      );
    } catch (e) {
      if (e instanceof SourceError) addProblems(problems, e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new SourceError(problems);
  return out;
}
