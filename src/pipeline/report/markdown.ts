/**
 * Finding prose: Markdown (GFM) with data tokens. Numbers in prose are never typed by hand; they are
 * `{{kind:args}}` tokens resolved from the data. A paragraph that is only `{{figure:id}}` or
 * `{{table:name}}` becomes a block the page renders itself. Everything else is sanitized HTML.
 */
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import remarkRehype from "remark-rehype";
import rehypeSanitize from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import { parse as parseYamlText, YAMLError } from "yaml";
import { SourceError, type SourceProblem } from "../errors.ts";

export type Block =
  | { kind: "html"; html: string }
  | { kind: "figure"; id: string }
  | { kind: "table"; name: string };

/** Resolves an inline token (`kind`, `args`) to text, or returns an error message. */
export type TokenResolver = (
  kind: string,
  args: string[],
) => { ok: true; text: string; title?: string } | { ok: false; error: string };

export interface MarkdownDoc {
  front: Record<string, unknown>;
  /** The front matter as written (it starts on line 2 of the file), for locating errors in it. */
  frontText: string;
  blocks: Block[];
  /** Token values, for tests and the "numbers from data" audit trail. */
  tokens: { token: string; text: string }[];
}

/** A node of the HTML tree rehype works on (only what the two plugins below read and write). */
interface HastNode {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

const textOf = (n: HastNode): string => n.value ?? (n.children ?? []).map(textOf).join("");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function slugify(text: string, seen: Map<string, number>): string {
  const base = text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
  const n = seen.get(base) ?? 0;
  seen.set(base, n + 1);
  return n === 0 ? base : `${base}-${n}`;
}

/**
 * After sanitizing (which would prefix ids): headings get GitHub's ids, so a document's own
 * `[Contents](#section)` links resolve, and tables get a box that scrolls on its own on a phone.
 */
function rehypeAtlas() {
  return (tree: HastNode) => {
    const seen = new Map<string, number>();
    const walk = (node: HastNode) => {
      node.children = (node.children ?? []).map((child) => {
        if (child.type !== "element") return child;
        if (/^h[1-6]$/.test(child.tagName!))
          child.properties = { ...child.properties, id: slugify(textOf(child), seen) };
        walk(child);
        // Scrolling boxes take the keyboard focus, so they can be scrolled without a mouse.
        if (child.tagName === "pre") child.properties = { ...child.properties, tabIndex: 0 };
        return child.tagName === "table"
          ? {
              type: "element",
              tagName: "div",
              properties: { className: ["table-wrap"], tabIndex: 0 },
              children: [child],
            }
          : child;
      });
    };
    walk(tree);
  };
}

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(rehypeSanitize)
  .use(rehypeAtlas)
  .use(rehypeStringify);

export function markdownToHtml(md: string): string {
  return String(processor.processSync(md));
}

/**
 * A prose field of a data file (a study's summary, a note, a caveat) as HTML: plain text, escaped, in
 * which `code spans` render as code. Not full Markdown: such fields quote sources verbatim, and their
 * `*`, `_` and `<` must stay the characters the source printed.
 */
export function proseHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return escaped.replace(/`([^`\n]+)`/g, "<code>$1</code>");
}

const BLOCK = /^\{\{(figure|table):([a-z0-9][a-z0-9-]*)\}\}$/;
const INLINE = /\{\{([a-z-]+):([^{}]*)\}\}/g;

export function renderMarkdownDoc(
  file: string,
  source: string,
  resolve: TokenResolver,
  known: { figures: Set<string>; tables: Set<string> },
): MarkdownDoc {
  const problems: SourceProblem[] = [];
  const { front, frontText, body, bodyLine } = splitFrontMatter(file, source);
  const lines = body.split("\n");
  const tooComplex = checkComplexity(lines);
  if (tooComplex)
    throw new SourceError([{ file, line: bodyLine + tooComplex.index, column: 1, ...tooComplex.problem }]);
  const tokens: MarkdownDoc["tokens"] = [];
  // Inline tokens first, line by line, so an error can say where the token is.
  const resolved = lines.map((line, i) =>
    line.replace(INLINE, (whole, kind: string, argText: string, offset: number) => {
      if (kind === "figure" || kind === "table") return whole;
      const res = resolve(kind, argText.split(":"));
      if (!res.ok) {
        problems.push({
          file,
          line: bodyLine + i,
          column: offset + 1,
          message: `data token ${whole} cannot be resolved`,
          expected: "a token naming data that exists",
          found: res.error,
        });
        return whole;
      }
      tokens.push({ token: whole, text: res.text });
      return escapeMarkdown(res.text);
    }),
  );
  // Then split into blocks at figure/table paragraphs.
  const blocks: Block[] = [];
  let chunk: string[] = [];
  const flush = () => {
    const text = chunk.join("\n").trim();
    if (text) {
      try {
        blocks.push({ kind: "html", html: markdownToHtml(text) });
      } catch (e) {
        // The limits above should make this unreachable; a parser failure still reports the file.
        problems.push({
          file,
          line: bodyLine,
          column: 1,
          message: "Markdown could not be rendered",
          expected: "ordinary Markdown prose",
          found: (e as Error).message.split("\n")[0]!,
        });
      }
    }
    chunk = [];
  };
  resolved.forEach((line, i) => {
    const m = BLOCK.exec(line.trim());
    if (!m) {
      chunk.push(line);
      return;
    }
    const [, kind, id] = m as unknown as [string, "figure" | "table", string];
    const set = kind === "figure" ? known.figures : known.tables;
    if (!set.has(id)) {
      problems.push({
        file,
        line: bodyLine + i,
        column: line.indexOf("{{") + 1,
        message: `unknown ${kind} ${JSON.stringify(id)}`,
        expected: `one of: ${[...set].sort().join(", ")}`,
        found: JSON.stringify(id),
      });
      return;
    }
    flush();
    blocks.push(kind === "figure" ? { kind, id } : { kind, name: id });
  });
  flush();
  if (problems.length) throw new SourceError(problems);
  return { front, frontText, blocks, tokens };
}

function splitFrontMatter(
  file: string,
  source: string,
): { front: Record<string, unknown>; frontText: string; body: string; bodyLine: number } {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(source);
  if (!m)
    throw new SourceError([
      {
        file,
        line: 1,
        column: 1,
        message: "finding has no front matter",
        expected: "a YAML block between --- lines at the top",
        found: JSON.stringify(source.slice(0, 40)),
      },
    ]);
  let front: unknown;
  try {
    front = parseYamlText(m[1]!);
  } catch (e) {
    // The front matter starts on line 2, after the opening ---.
    const at =
      e instanceof YAMLError && e.linePos
        ? { line: e.linePos[0].line + 1, column: e.linePos[0].col }
        : { line: 2, column: 1 };
    throw new SourceError([
      {
        file,
        ...at,
        message: "front matter is not valid YAML",
        expected: "YAML",
        found: (e as Error).message.split("\n")[0]!,
      },
    ]);
  }
  if (!front || typeof front !== "object" || Array.isArray(front)) {
    throw new SourceError([
      {
        file,
        line: 2,
        column: 1,
        message: "front matter is not a mapping",
        expected: "key: value lines",
        found: JSON.stringify(front),
      },
    ]);
  }
  return {
    front: front as Record<string, unknown>,
    frontText: m[1]!,
    body: source.slice(m[0].length),
    bodyLine: m[0].split("\n").length,
  };
}

/** Nesting levels (quotes, lists) per line and columns of indentation a finding may use. */
export const MAX_MARKDOWN_NESTING = 16;
/** Emphasis, link, code and HTML markers per paragraph: remark's time grows with their square. */
export const MAX_INLINE_MARKERS = 1000;

/**
 * Finds the first line that would make remark slow or overflow its stack (hostile or broken prose):
 * quotes or lists nested too deeply, or a paragraph with thousands of `*`, `_`, `[`, `` ` `` or `<`.
 */
function checkComplexity(
  lines: string[],
): { index: number; problem: { message: string; expected: string; found: string } } | null {
  let markers = 0;
  let paragraphStart = 0;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") {
      markers = 0;
      paragraphStart = i + 1;
      continue;
    }
    const indent = /^[ \t]*/.exec(line)![0].replace(/\t/g, "    ").length;
    let depth = 0;
    for (let rest = line; ; depth++) {
      const m = /^[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))/.exec(rest);
      if (!m) break;
      rest = rest.slice(m[0].length);
    }
    if (depth > MAX_MARKDOWN_NESTING || indent > 4 * MAX_MARKDOWN_NESTING) {
      return {
        index: i,
        problem: {
          message: "Markdown is nested too deeply",
          expected: `at most ${MAX_MARKDOWN_NESTING} levels of quotes and lists`,
          found: indent > 4 * MAX_MARKDOWN_NESTING ? `${indent} columns of indentation` : `${depth} levels`,
        },
      };
    }
    markers += line.replace(/[^*_[\]`<~]/g, "").length;
    if (markers > MAX_INLINE_MARKERS) {
      return {
        index: paragraphStart,
        problem: {
          message: "paragraph has too much inline markup",
          expected: `at most ${MAX_INLINE_MARKERS} of * _ [ ] \` < ~ per paragraph`,
          found: `more than ${MAX_INLINE_MARKERS}`,
        },
      };
    }
  }
  return null;
}

/** Token values are plain text; keep Markdown from reading `*` or `_` in them as formatting. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, "\\$1");
}

/** Resolves inline data tokens in a plain-text field (no Markdown): the text stays text, escaped by the page. */
export function resolvePlainTokens(file: string, text: string, resolve: TokenResolver): string {
  const problems: SourceProblem[] = [];
  const out = text.replace(INLINE, (whole, kind: string, argText: string) => {
    const res = resolve(kind, argText.split(":"));
    if (res.ok) return res.text;
    problems.push({
      file,
      line: 1,
      column: 1,
      message: `data token ${whole} in the front matter cannot be resolved`,
      expected: "a token naming data that exists",
      found: res.error,
    });
    return whole;
  });
  if (problems.length) throw new SourceError(problems);
  return out;
}
