/**
 * The one YAML reader (study.yaml, accelerator files, simulator parameters, findings' front matter):
 * YAML 1.2's core schema and nothing else. Directives (`%YAML 1.1` would switch on 1.1's rules:
 * `33:45` as a number, `y`/`off` as booleans, `<<` merges), tags, aliases, merge keys and
 * collections as mapping keys are refused; zod issues are mapped back to line:column, with
 * "did you mean" hints taken from the schema.
 */
import {
  LineCounter,
  Parser,
  Scalar,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type DocumentOptions,
  type Node as YamlNode,
  type ParseOptions,
  type YAMLError,
  type SchemaOptions,
} from "yaml";
import type { z } from "zod";
import { ProblemList, SourceError, quoteFound, type SourceProblem } from "../errors.ts";
import { closest, didYouMean, knownKeysAt } from "./suggest.ts";

/** Metadata files are small; a larger one is almost certainly a mistake (or hostile). */
const MAX_METADATA_BYTES = 1_000_000;
/** Levels of mappings and lists; study.yaml needs 5 (tables → columns → column → …). */
const MAX_NESTING = 12;

/** Every document is read with these, whatever it says about itself (directives are refused anyway). */
const OPTIONS: DocumentOptions & SchemaOptions & ParseOptions = {
  version: "1.2",
  schema: "core",
  merge: false,
  uniqueKeys: true,
  prettyErrors: false,
};

interface ParseYamlOptions {
  /** Line of the file the text starts on (a finding's front matter starts on line 2). */
  firstLine?: number;
  /** What the text is, as messages name it ("front matter"); nothing for a whole YAML file. */
  what?: string;
}

/** Parses, checks and validates one YAML text; throws a SourceError listing every problem it can locate. */
export function parseYaml<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
  options: ParseYamlOptions = {},
): T {
  const shift = (options.firstLine ?? 1) - 1;
  const { doc, lineCounter } = readDocument(file, text, shift);
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + shift, column: p.col };
  };
  const data: unknown = doc.toJS({ maxAliasCount: 0 });
  if (data === null || data === undefined) {
    throw new SourceError([
      {
        file,
        ...(shift ? { line: shift + 1, column: 1 } : { line: 1, column: 1 }),
        message: shift ? "front matter is empty" : "file is empty",
        expected: "a YAML mapping of `key: value` lines (see docs/data-format.md)",
        found: text.trim() === "" ? "nothing" : "only comments",
      },
    ]);
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = new ProblemList();
  const root = doc.contents as YamlNode | null;
  const missing = (issue: z.ZodIssue) => issue.code === "invalid_type" && issue.received === "undefined";
  // A misspelt required field ("titel") is one problem: the unknown field, whose hint names the
  // missing one; the "required field is missing" it causes is not reported beside it.
  const missingPaths = new Set(result.error.issues.filter(missing).map((i) => i.path.join(".")));
  // Per unknown-keys issue: the fields known there, and the one each unknown key most likely means.
  const unknown = new Map<z.ZodIssue, { known: string[]; meant: (string | null)[] }>();
  const misspelt = new Set<string>();
  for (const issue of result.error.issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const known = knownKeysAt(schema as z.ZodTypeAny, data, issue.path);
    const meant = issue.keys.map((key) => closest(key, known));
    unknown.set(issue, { known, meant });
    for (const m of meant) {
      const at = [...issue.path, m ?? ""].join(".");
      if (m !== null && missingPaths.has(at)) misspelt.add(at);
    }
  }
  for (const issue of result.error.issues) {
    const path = issue.path.join(".");
    const where = options.what ? `${options.what}${path ? ` ${path}` : ""}` : path || "document";
    if (issue.code === "unrecognized_keys") {
      const { known, meant: meantOf } = unknown.get(issue)!;
      for (const [k, key] of issue.keys.entries()) {
        const node = keyNodeAt(root, issue.path, key);
        const meant = meantOf[k]!;
        const required = meant !== null && misspelt.has([...issue.path, meant].join("."));
        problems.add({
          file,
          ...pos(node?.range?.[0] ?? nodeAt(root, issue.path)?.node.range?.[0] ?? 0),
          message: `${issue.path.length || options.what ? `${where}: ` : ""}unknown field ${quoteFound(key)}`,
          expected: known.length ? `one of the fields ${known.join(", ")}` : "no other fields",
          found: quoteFound(key),
          ...hint(
            required
              ? `did you mean ${JSON.stringify(meant)}? It is required and missing`
              : didYouMean(key, known),
          ),
        });
      }
      continue;
    }
    if (missing(issue) && misspelt.has(path)) continue;
    const found = nodeAt(root, issue.path);
    const offset = found?.node.range?.[0] ?? 0;
    const value = valueAt(data, issue.path);
    problems.add({
      file,
      ...(found ? pos(offset) : { line: shift + 1, column: 1 }),
      message: `${where}: ${messageOf(issue)}`,
      expected: expectedOf(issue),
      found: found?.exact ? quoteFound(value) : `no \`${String(issue.path.at(-1) ?? "value")}\``,
      ...hint(suggestionFor(issue, value)),
    });
  }
  throw new SourceError(problems.all());
}

const hint = (text: string | undefined) => (text ? { hint: text } : {});

function suggestionFor(issue: z.ZodIssue, value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (issue.code === "invalid_enum_value")
    return didYouMean(
      value,
      issue.options.map((o) => String(o)),
    );
  if (issue.code === "invalid_union_discriminator")
    return didYouMean(
      value,
      issue.options.map((o) => String(o)),
    );
  return undefined;
}

/** Zod's words for a type, as a contributor writing YAML would say them. */
const TYPE_WORDS: Record<string, string> = {
  object: "a mapping of `key: value` fields",
  array: "a list",
  string: "text",
  number: "a number",
  boolean: "true or false",
  nan: "NaN (not a number)",
  null: "an empty value",
};

/** The first issue of each branch of a union (`series: id | [id, …]`): what each branch expected. */
const branchIssues = (issue: z.ZodIssue) =>
  issue.code === "invalid_union" ? issue.unionErrors.flatMap((e) => e.issues.slice(0, 1)) : [];

/** Zod's message where it reads as a contributor's problem; its own wording elsewhere. */
function messageOf(issue: z.ZodIssue): string {
  if (issue.code === "invalid_type" && issue.received === "undefined") return "required field is missing";
  const branches = branchIssues(issue);
  if (branches.length > 0 && branches.every((b) => b.code === "invalid_type" && b.received === "undefined"))
    return "required field is missing";
  if (branches.length > 0) return "not a valid value";
  if (issue.code === "invalid_type")
    return `${TYPE_WORDS[issue.received] ?? issue.received} where ${TYPE_WORDS[issue.expected] ?? issue.expected} belongs`;
  if (issue.code === "invalid_enum_value") return "not one of the allowed values";
  if (issue.code === "too_small" && issue.type === "string")
    return Number(issue.minimum) <= 1 ? "empty" : "too short";
  if (issue.code === "too_big" && issue.type === "string") return "too long";
  if (issue.code === "too_small" || issue.code === "too_big") {
    if (issue.type === "array") return issue.code === "too_small" ? "too few items" : "too many items";
    return "value out of range";
  }
  if (issue.code === "invalid_string") return "not a valid value";
  return issue.message;
}

/** What a length or size limit asks for, in words ("text, not empty", "a number greater than 0"). */
function limitOf(issue: z.ZodTooSmallIssue | z.ZodTooBigIssue): string {
  const small = issue.code === "too_small";
  const n = Number(small ? (issue as z.ZodTooSmallIssue).minimum : (issue as z.ZodTooBigIssue).maximum);
  const bound = small
    ? issue.inclusive
      ? "at least"
      : "greater than"
    : issue.inclusive
      ? "at most"
      : "less than";
  switch (issue.type) {
    case "string":
      return small && n === 1 && issue.inclusive ? "text, not empty" : `text of ${bound} ${n} characters`;
    case "array":
      return small && n === 1 && issue.inclusive
        ? "a list of at least one item"
        : `a list of ${bound} ${n} items`;
    case "number":
    case "bigint":
      return `a number ${bound} ${n}`;
    default:
      return issue.message ?? `a value ${bound} ${n}`;
  }
}

function expectedOf(issue: z.ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return TYPE_WORDS[issue.expected] ?? issue.expected;
    case "invalid_union": {
      const types = branchIssues(issue).flatMap((b) => (b.code === "invalid_type" ? [b.expected] : []));
      return types.length > 0
        ? [...new Set(types.map((t) => TYPE_WORDS[t] ?? t))].join(" or ")
        : issue.message;
    }
    case "invalid_enum_value":
    case "invalid_union_discriminator":
      return `one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}`;
    case "too_small":
    case "too_big":
      return limitOf(issue);
    case "invalid_string":
      return issue.validation === "url"
        ? "a web address starting with https:// (or http://)"
        : issue.validation === "regex" && issue.message === "Invalid"
          ? "text of the documented form (docs/data-format.md)"
          : issue.message;
    default:
      return issue.message;
  }
}

/**
 * Size, byte-order mark, directives, syntax, then one walk over the tree for what YAML's core schema
 * would accept but the atlas refuses (aliases, tags, merge keys, collections as keys, deep nesting).
 * Everything here is linear in the size of the text.
 */
function readDocument(
  file: string,
  text: string,
  shift: number,
): { doc: Document.Parsed; lineCounter: LineCounter } {
  const fail = (p: Omit<SourceProblem, "file">) => new SourceError([{ file, ...p }]);
  const size = Buffer.byteLength(text, "utf8");
  if (size > MAX_METADATA_BYTES) {
    throw fail({
      line: 0,
      column: 0,
      message: "metadata file is too large",
      expected: `at most ${MAX_METADATA_BYTES} bytes`,
      found: `${size} bytes`,
    });
  }
  if (text.charCodeAt(0) === 0xfeff) {
    throw fail({
      line: 1,
      column: 1,
      message: "file starts with a byte-order mark",
      expected: "UTF-8 without a byte-order mark",
      found: "U+FEFF at the start of the file",
      hint: "save the file as plain UTF-8",
    });
  }
  const lineCounter = new LineCounter();
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + shift, column: p.col };
  };
  // The lexer sees directives before any document; the composer would obey them.
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    if (token.type === "directive") {
      throw fail({
        ...pos(token.offset),
        message: "YAML directive",
        expected: "plain YAML 1.2 (no % directive lines)",
        found: quoteFound(token.source.trim()),
        hint: "delete the line: `%YAML 1.1` changes how values are read (33:45 becomes a number, off becomes false)",
      });
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...OPTIONS, lineCounter: lines });
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line + shift, column: p.col };
  };
  const problems = new ProblemList();
  // An unclosed "{" or "[" is found by the parser only on a later line, often as several errors:
  // one problem at the bracket instead.
  const unclosed = unclosedFlow(text, doc.errors);
  if (unclosed) {
    const kind = unclosed.bracket === "{" ? "map" : "list";
    const close = unclosed.bracket === "{" ? "}" : "]";
    const where = at(unclosed.offset);
    const later = at(unclosed.errorOffset).line;
    problems.add({
      file,
      ...where,
      message: `YAML syntax error: the flow ${kind} opened by "${unclosed.bracket}" here is still open where line ${later} starts`,
      expected: `"${close}" on line ${where.line}, or line ${later} and the ${kind}'s other lines indented more than line ${where.line}`,
      found: `line ${later} indented no more than line ${where.line}`,
    });
  }
  // Warnings count too: an unknown tag (`!!js/function`) would otherwise silently become a string.
  // Where an open bracket was found, the parser's errors from it on are its consequences.
  const consequence = (e: YAMLError) =>
    unclosed !== null && e.pos[0] >= unclosed.offset && FLOW_CONSEQUENCES.has(e.code);
  for (const err of [...doc.errors.filter((e) => !consequence(e)), ...doc.warnings]) {
    problems.add({
      file,
      ...at(err.pos[0]),
      message: `YAML ${err.name === "YAMLWarning" ? "problem" : "syntax error"} (${err.code})`,
      expected: "valid YAML",
      found: (err.message.split("\n")[0] ?? err.code).slice(0, 200),
    });
  }
  problems.throwIfAny();
  for (const p of refusedConstructs(doc.contents as YamlNode | null))
    problems.add({ file, ...at(p.offset), ...p.problem });
  problems.throwIfAny();
  return { doc, lineCounter: lines };
}

/**
 * The "{" or "[" left open where the parser reports a flow collection that does not end (its
 * BAD_INDENT "Flow map … must … end with a }"), found by scanning the text before the error for
 * brackets that open a value (not those inside quoted text, comments, block scalars or plain text)
 * and are not closed. Null when there is no such error, or the scan cannot tell (a closing bracket of
 * the other kind, a quote still open): the parser's own errors are reported then.
 */
function unclosedFlow(
  text: string,
  errors: readonly YAMLError[],
): { bracket: "{" | "["; offset: number; errorOffset: number } | null {
  const err = errors.find((e) => e.code === "BAD_INDENT" && /^Flow (map|sequence) /.test(e.message));
  if (!err) return null;
  const want = err.message.startsWith("Flow map") ? "{" : "[";
  const end = Math.min(err.pos[0], text.length);
  const open: { bracket: "{" | "["; offset: number }[] = [];
  // Whether the next character starts a value: at a line's start, or after ": ", "- ", "{", "[" or ",".
  let valueStart = true;
  let lineIndent = 0;
  // Inside a block scalar (`|`, `>`): the lines indented more than its key's line, and blank lines.
  let blockIndent: number | null = null;
  for (let i = 0; i < end; i++) {
    const c = text[i]!;
    if (c === "\n" || i === 0) {
      const from = c === "\n" ? i + 1 : 0;
      let next = text.indexOf("\n", from);
      if (next === -1) next = text.length;
      const line = text.slice(from, next);
      const indent = line.length - line.trimStart().length;
      if (blockIndent !== null && (line.trim() === "" || indent > blockIndent)) {
        i = next - 1; // the loop's i++ lands on the line's newline
        continue;
      }
      blockIndent = null;
      lineIndent = indent;
      valueStart = true;
      if (c === "\n") continue;
    }
    if (c === " " || c === "\t") continue;
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < end && text[i + 1] !== "\n") i++;
      continue;
    }
    if (valueStart && (c === '"' || c === "'")) {
      // A quoted value, which may span lines: skip to its closing quote ("\" escapes in double
      // quotes, '' in single ones).
      let closed = false;
      for (i++; i < end; i++) {
        if (c === '"' && text[i] === "\\") i++;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else {
            closed = true;
            break;
          }
        }
      }
      if (!closed) return null;
      valueStart = false;
      continue;
    }
    if (valueStart && (c === "|" || c === ">") && /^[|>][-+0-9]*[ \t]*(#.*)?$/.test(lineRest(text, i))) {
      blockIndent = lineIndent;
      while (i + 1 < end && text[i + 1] !== "\n") i++;
      continue;
    }
    if (valueStart && (c === "{" || c === "[")) {
      open.push({ bracket: c, offset: i });
      continue;
    }
    if ((c === "}" || c === "]") && open.length > 0) {
      if (open.pop()!.bracket !== (c === "}" ? "{" : "[")) return null;
      valueStart = false;
      continue;
    }
    if (c === "," && open.length > 0) {
      valueStart = true;
      continue;
    }
    if ((c === ":" || c === "-") && /\s/.test(text[i + 1] ?? "\n")) {
      valueStart = true;
      continue;
    }
    valueStart = false;
  }
  const innermost = open.filter((o) => o.bracket === want).at(-1);
  // The parser's error must be on a later line than the bracket: on its own line it is another
  // mistake (a closing bracket of the other kind), which the parser's message describes better.
  if (!innermost || text.lastIndexOf("\n", end - 1) < innermost.offset) return null;
  return { ...innermost, errorOffset: err.pos[0] };
}

/** The rest of the line from offset `i`, without its line break. */
function lineRest(text: string, i: number): string {
  const nl = text.indexOf("\n", i);
  return text.slice(i, nl === -1 ? text.length : nl).replace(/\r$/, "");
}

/** The parser's errors that follow from a flow collection left open (the lines after it misread). */
const FLOW_CONSEQUENCES = new Set<string>([
  "BAD_INDENT",
  "BLOCK_AS_IMPLICIT_KEY",
  "MULTILINE_IMPLICIT_KEY",
  "UNEXPECTED_TOKEN",
  "MISSING_CHAR",
]);

type Refused = { offset: number; problem: Omit<SourceProblem, "file" | "line" | "column"> };

/**
 * The first alias, tag, merge key, collection used as a key and over-deep collection, in document
 * order. Iterative (a file nested 100,000 deep has no stack to overflow) and never descends into a
 * refused key, so a 700-level key costs no more than its length.
 */
function refusedConstructs(root: YamlNode | null): Refused[] {
  const found = new Map<string, Refused>();
  const note = (kind: string, offset: number, problem: Refused["problem"]) => {
    if (!found.has(kind)) found.set(kind, { offset, problem });
  };
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!node || typeof node !== "object") continue;
    const start = (node as YamlNode).range?.[0] ?? 0;
    if (isAlias(node)) {
      note("alias", start, {
        message: "YAML alias",
        expected: "plain YAML without aliases (*name) or merge keys",
        found: quoteFound(`*${node.source}`),
        hint: "write the value out in full",
      });
      continue;
    }
    const tagged = (node as { tag?: string }).tag;
    if ((isScalar(node) || isMap(node) || isSeq(node)) && tagged) {
      note("tag", start, {
        message: "YAML tag",
        expected: "plain YAML values without tags (!!str, !name)",
        found: quoteFound(tagged.replace(/^tag:yaml\.org,2002:/, "!!")),
        hint: "remove the tag; quote the value if it must be text",
      });
    }
    const children: unknown[] = [];
    if (isMap(node)) {
      if (depth + 1 > MAX_NESTING) {
        note("deep", start, deepProblem());
        continue;
      }
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        if (key && !isScalar(key)) {
          note("key", key.range?.[0] ?? start, {
            message: "mapping key is not a plain value",
            expected: "a name as the key (`key: value`)",
            found: isAlias(key) ? "an alias" : isMap(key) ? "a mapping" : "a list",
            hint: "YAML's `? ` complex keys and `{…}: value` are not used in data files",
          });
          continue;
        }
        if (isScalar(key) && key.type === Scalar.PLAIN && key.source === "<<") {
          note("merge", key.range?.[0] ?? start, {
            message: "YAML merge key",
            expected: "plain YAML without merge keys (<<)",
            found: '"<<"',
            hint: "write the fields out in full",
          });
        }
        if (isScalar(key) && key.tag) children.push(key);
        children.push(pair.value);
      }
    } else if (isSeq(node)) {
      if (depth + 1 > MAX_NESTING) {
        note("deep", start, deepProblem());
        continue;
      }
      for (const item of node.items) children.push(item);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
  }
  return [...found.values()].sort((a, b) => a.offset - b.offset);
}

const deepProblem = () => ({
  message: "metadata is nested too deeply",
  expected: `at most ${MAX_NESTING} levels`,
  found: `more than ${MAX_NESTING} levels`,
});

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

/** The key node `key` of the mapping at `path`, for pointing at an unknown field itself. */
function keyNodeAt(root: YamlNode | null, path: (string | number)[], key: string): YamlNode | null {
  const found = nodeAt(root, path);
  if (!found?.exact || !isMap(found.node)) return null;
  const pair = found.node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return (pair?.key as YamlNode | undefined) ?? null;
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let v: unknown = data;
  for (const k of path)
    v = v && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/** A parsed text kept for locating many problems in it: one parse, however many problems. */
interface Located {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}
let last: Located | null = null;

function located(text: string): Located {
  // The same text (the same string, usually) is asked about once per problem: parse it once.
  if (last?.text !== text) {
    const lineCounter = new LineCounter();
    last = { text, doc: parseDocument(text, { ...OPTIONS, lineCounter }), lineCounter };
  }
  return last;
}

/** Line and column of the value at `path` in a YAML text (1:1 when the path is not there). Used for cross-file errors. */
export function yamlPosition(text: string, path: (string | number)[]): { line: number; column: number } {
  const { doc, lineCounter } = located(text);
  const found = nodeAt(doc.contents as YamlNode | null, path);
  if (!found?.node.range) return { line: 1, column: 1 };
  const pos = lineCounter.linePos(found.node.range[0]);
  return { line: pos.line, column: pos.col };
}

/**
 * Where the `occurrence`-th copy of `needle` sits in the source of the scalar at `path` (a data
 * token inside a front-matter value), or the value's start when it cannot be found there.
 */
export function yamlPositionIn(
  text: string,
  path: (string | number)[],
  needle: string,
  occurrence = 0,
): { line: number; column: number } {
  const { doc, lineCounter } = located(text);
  const found = nodeAt(doc.contents as YamlNode | null, path);
  const range = found?.exact ? found.node.range : undefined;
  if (!range) return { line: 1, column: 1 };
  const source = text.slice(range[0], range[1]);
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = source.indexOf(needle, at + 1);
    if (at < 0) break;
  }
  const pos = lineCounter.linePos(range[0] + Math.max(0, at));
  return { line: pos.line, column: pos.col };
}
