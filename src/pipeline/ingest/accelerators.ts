/** Reads data/accelerators/*.yaml into validated accelerator records, sorted by id. */
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SourceError, type SourceProblem } from "../errors.ts";
import { acceleratorSchema, type Accelerator } from "../schema.ts";
import { parseYaml, yamlPosition } from "./yaml.ts";
import { readUtf8 } from "./text.ts";

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
  const dir = join(dataDir, "accelerators");
  const problems: SourceProblem[] = [];
  const out: Accelerator[] = [];
  if (!existsSync(dir) || !lstatSync(dir).isDirectory()) {
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
  for (const name of readdirSync(dir).sort()) {
    const file = `${display}/accelerators/${name}`;
    if (!name.endsWith(".yaml")) {
      problems.push({
        file,
        line: 0,
        column: 0,
        message: "unexpected file in data/accelerators",
        expected: "<accelerator-id>.yaml",
        found: JSON.stringify(name),
      });
      continue;
    }
    try {
      out.push(parseAccelerator(file, readUtf8(join(dir, name), file), name.slice(0, -".yaml".length)));
    } catch (e) {
      if (e instanceof SourceError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new SourceError(problems);
  return out;
}
