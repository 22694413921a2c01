/** YAML metadata files → validated objects, with zod issues mapped back to line:column. */
import { LineCounter, parseDocument, isMap, isSeq, visit, type Alias, type Node as YamlNode } from "yaml";
import type { z } from "zod";
import { ProblemList, SourceError, quoteFound } from "../errors.ts";

/** Metadata files are small; a larger one is almost certainly a mistake (or hostile). */
export const MAX_METADATA_BYTES = 1_000_000;
/** Levels of mappings and lists; study.yaml needs 5 (tables → columns → column → …). */
export const MAX_NESTING = 12;

export function parseYaml<T>(file: string, text: string, schema: z.ZodType<T>): T {
  const problems = new ProblemList();
  const size = Buffer.byteLength(text, "utf8");
  if (size > MAX_METADATA_BYTES) {
    throw new SourceError([
      {
        file,
        line: 0,
        column: 0,
        message: "metadata file is too large",
        expected: `at most ${MAX_METADATA_BYTES} bytes`,
        found: `${size} bytes`,
      },
    ]);
  }
  if (text.charCodeAt(0) === 0xfeff) {
    throw new SourceError([
      {
        file,
        line: 1,
        column: 1,
        message: "file starts with a byte-order mark",
        expected: "UTF-8 without a byte-order mark",
        found: "U+FEFF at the start of the file",
        hint: "save the file as plain UTF-8",
      },
    ]);
  }
  const lineCounter = new LineCounter();
  // Aliases are refused: they are the "billion laughs" vector and never needed in metadata.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // Warnings count too: an unknown tag (`!!js/function`) would otherwise silently become a string.
  for (const err of [...doc.errors, ...doc.warnings]) {
    const pos = lineCounter.linePos(err.pos[0]);
    problems.add({
      file,
      line: pos.line,
      column: pos.col,
      message: `YAML ${err.name === "YAMLWarning" ? "problem" : "syntax error"} (${err.code})`,
      expected: "valid YAML",
      found: err.message.split("\n")[0] ?? err.code,
    });
  }
  problems.throwIfAny();
  const deep = tooDeep(doc.contents as YamlNode | null, MAX_NESTING);
  if (deep) {
    const pos = lineCounter.linePos(deep.range?.[0] ?? 0);
    throw new SourceError([
      {
        file,
        line: pos.line,
        column: pos.col,
        message: "metadata is nested too deeply",
        expected: `at most ${MAX_NESTING} levels`,
        found: `more than ${MAX_NESTING} levels`,
      },
    ]);
  }
  let alias: Alias | null = null;
  visit(doc, {
    Alias(_, node) {
      alias = node;
      return visit.BREAK;
    },
  });
  if (alias) {
    const pos = lineCounter.linePos((alias as Alias).range?.[0] ?? 0);
    throw new SourceError([
      {
        file,
        line: pos.line,
        column: pos.col,
        message: "YAML alias",
        expected: "plain YAML without aliases (*name) or merge keys",
        found: quoteFound(`*${(alias as Alias).source}`),
        hint: "write the value out in full",
      },
    ]);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    throw new SourceError([
      {
        file,
        line: 1,
        column: 1,
        message: "YAML could not be read",
        expected: "plain YAML without aliases",
        found: (e as Error).message,
      },
    ]);
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const node = nodeAt(doc.contents as YamlNode | null, issue.path);
    const offset = node?.node?.range?.[0] ?? 0;
    const pos = node ? lineCounter.linePos(offset) : { line: 1, col: 1 };
    const found = node?.exact ? valueAt(data, issue.path) : undefined;
    problems.add({
      file,
      line: pos.line,
      column: pos.col,
      message: `${issue.path.length ? issue.path.join(".") : "document"}: ${issue.message}`,
      expected: expectedOf(issue),
      found: node?.exact ? quoteFound(found) : `no \`${String(issue.path.at(-1))}\``,
    });
  }
  throw new SourceError(problems.items);
}

function expectedOf(issue: z.ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected;
    case "invalid_enum_value":
      return `one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}`;
    case "unrecognized_keys":
      return "only the keys listed in docs/data-format.md";
    default:
      return issue.message;
  }
}

/** The first collection nested deeper than `max` levels, or null. Iterative: no stack to overflow. */
function tooDeep(root: YamlNode | null, max: number): YamlNode | null {
  const stack: [YamlNode | null, number][] = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    const children = isMap(node)
      ? node.items.map((p) => p.value as YamlNode | null)
      : isSeq(node)
        ? (node.items as (YamlNode | null)[])
        : null;
    if (!children) continue;
    if (depth + 1 > max) return node;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return null;
}

/** The deepest YAML node along a zod path; `exact` is false when the path ends at a missing key. */
function nodeAt(root: YamlNode | null, path: (string | number)[]): { node: YamlNode; exact: boolean } | null {
  let node = root;
  if (!node) return null;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) next = node.get(key, true);
    else if (isSeq(node)) next = node.get(Number(key), true);
    if (!next || typeof next !== "object") return { node, exact: false };
    node = next as YamlNode;
  }
  return { node, exact: true };
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let v: unknown = data;
  for (const k of path)
    v = v && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/** Line and column of the value at `path` in a YAML text (1:1 when the path is not there). Used for cross-file errors. */
export function yamlPosition(text: string, path: (string | number)[]): { line: number; column: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const found = nodeAt(doc.contents as YamlNode | null, path);
  if (!found?.node.range) return { line: 1, column: 1 };
  const pos = lineCounter.linePos(found.node.range[0]);
  return { line: pos.line, column: pos.col };
}
