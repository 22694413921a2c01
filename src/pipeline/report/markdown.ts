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
import { z } from "zod";
import { SourceError, quoteFound, type SourceProblem } from "../errors.ts";
import { parseYaml } from "../ingest/yaml.ts";

export type Block =
  | { kind: "html"; html: string }
  | { kind: "figure"; id: string }
  | { kind: "table"; name: string };

/** Resolves an inline token (`kind`, `args`) to text, or returns an error message. */
export type TokenResolver = (
  kind: string,
  args: string[],
) => { ok: true; text: string; title?: string } | { ok: false; error: string };

/** Ids a finding may link to or embed; a link to a study, accelerator, finding or figure not listed is an error. */
export interface KnownIds {
  figures: Set<string>;
  tables: Set<string>;
  studies?: Set<string>;
  accelerators?: Set<string>;
  findings?: Set<string>;
  /** The page the prose is shown on (`/findings/<id>/`): relative links are resolved against it. */
  page?: string;
}

interface MarkdownDoc {
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
function slugify(text: string, seen: Map<string, number>): string {
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
  known: KnownIds,
): MarkdownDoc {
  const problems: SourceProblem[] = [];
  const { frontText, body, bodyLine } = splitFrontMatter(file, source);
  // The one YAML reader (core schema, no tags, aliases or directives); the page validates the fields.
  const front = parseYaml(file, frontText, z.record(z.string(), z.unknown()), {
    firstLine: 2,
    what: "front matter",
  });
  const lines = body.split("\n");
  const tooComplex = checkComplexity(lines);
  if (tooComplex)
    throw new SourceError([{ file, line: bodyLine + tooComplex.index, column: 1, ...tooComplex.problem }]);
  problems.push(...checkLinks(body, known).map((p) => ({ file, ...p, line: bodyLine + p.line - 1 })));
  const tokens: MarkdownDoc["tokens"] = [];
  // Inline tokens first, line by line, so an error can say where the token is.
  const resolved = lines.map((line, i) =>
    line.replace(INLINE, (whole, kind: string, argText: string, offset: number) => {
      if (kind === "figure" || kind === "table") return whole;
      const res = resolveToken(whole, kind, argText, resolve);
      if (!res.ok) {
        problems.push({ file, line: bodyLine + i, column: offset + 1, ...res.problem });
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

/** Where a token or link in a one-line text (a front-matter value) is in the file. */
type Locate = (needle: string, occurrence: number) => { line: number; column: number };

/**
 * A front-matter value as inline Markdown (the headline): tokens resolved and links checked like
 * the body's, each problem located in the file by `locate`; returns sanitized inline HTML.
 */
export function renderInlineMarkdown(
  file: string,
  text: string,
  resolve: TokenResolver,
  known: KnownIds,
  locate: Locate,
): string {
  const problems: SourceProblem[] = checkLinks(text, known).map((p) => ({
    file,
    ...p,
    ...locate(p.needle, 0),
  }));
  const seen = new Map<string, number>();
  const out = text.replace(INLINE, (whole, kind: string, argText: string) => {
    const occurrence = seen.get(whole) ?? 0;
    seen.set(whole, occurrence + 1);
    const res = resolveToken(whole, kind, argText, resolve);
    if (res.ok) return escapeMarkdown(res.text);
    problems.push({ file, ...locate(whole, occurrence), ...res.problem });
    return whole;
  });
  if (problems.length) throw new SourceError(problems);
  return markdownToHtml(out)
    .trim()
    .replace(/^<p>|<\/p>$/g, "");
}

type Resolved =
  | { ok: true; text: string }
  | { ok: false; problem: Omit<SourceProblem, "file" | "line" | "column"> };

/** One data token: its text, or the problem (unknown data, or a number that is not finite: "∞ MB"). */
function resolveToken(whole: string, kind: string, argText: string, resolve: TokenResolver): Resolved {
  const res = resolve(kind, argText.split(":"));
  if (!res.ok)
    return {
      ok: false,
      problem: {
        message: `data token ${whole} cannot be resolved`,
        expected: "a token naming data that exists",
        found: res.error,
      },
    };
  if (/∞|NaN/.test(res.text))
    return {
      ok: false,
      problem: {
        message: `data token ${whole} gives a number that is not finite`,
        expected: "a finite number",
        found: quoteFound(res.text),
        hint: "check the token's arguments (an input size or batch far beyond any real one?)",
      },
    };
  return { ok: true, text: res.text };
}

const markdownParser = unified().use(remarkParse).use(remarkGfm);

interface MdNode {
  type: string;
  url?: string;
  children?: MdNode[];
  position?: { start: { line: number; column: number } };
}

/** Link targets on the site that name an entity: the id after the prefix must exist. */
const ENTITY_LINK = /^\/(studies|accelerators|findings|figures)\/([^/]+)/;

/**
 * Images and links in Markdown: images are refused (figures come from `{{figure:id}}`; an image from
 * another site would load for every reader, a tracking pixel), and a link to a study, accelerator,
 * finding or figure of the atlas must name one that exists. Lines and columns are the text's own.
 */
function checkLinks(text: string, known: KnownIds): (Omit<SourceProblem, "file"> & { needle: string })[] {
  const problems: (Omit<SourceProblem, "file"> & { needle: string })[] = [];
  const stack: MdNode[] = [markdownParser.parse(text) as unknown as MdNode];
  const page = known.page ?? "/findings/finding/";
  while (stack.length) {
    const node = stack.pop()!;
    if (node.children) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    const at = { line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1 };
    const url = node.url ?? "";
    if (node.type === "image" || node.type === "imageReference") {
      const remote = /^(https?:)?\/\//i.test(url.trim());
      problems.push({
        ...at,
        needle: url || "![",
        message: remote ? "image from another site in a finding" : "image in a finding",
        expected: "figures embedded with {{figure:<id>}}",
        found: quoteFound(url || "an image reference"),
        hint: remote
          ? "an image from elsewhere loads for every reader (it can track them) and can change after publication"
          : "images are not published with findings; embed a figure of the report instead",
      });
      continue;
    }
    if ((node.type !== "link" && node.type !== "definition") || !url) continue;
    if (/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(url)) continue;
    let path: string;
    try {
      path = decodeURIComponent(new URL(url, `https://atlas.invalid${page}`).pathname);
    } catch {
      continue;
    }
    const m = ENTITY_LINK.exec(path);
    if (!m) continue;
    const kind = m[1] as "studies" | "accelerators" | "findings" | "figures";
    const id = kind === "figures" ? m[2]!.replace(/\.(svg|png|csv|json)$/, "") : m[2]!;
    const set = known[kind];
    if (!set || set.has(id)) continue;
    const what = { studies: "study", accelerators: "accelerator", findings: "finding", figures: "figure" }[
      kind
    ];
    problems.push({
      ...at,
      needle: url,
      message: `link to a ${what} that does not exist`,
      expected: `a ${what} id of the atlas (link ${JSON.stringify(url)} leads to ${path})`,
      found: quoteFound(id),
    });
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * The front matter between the opening and closing `---` lines, and the body after it. Windows line
 * ends are read as plain ones (a CRLF file is a valid finding; line and column numbers do not change).
 */
function splitFrontMatter(file: string, raw: string): { frontText: string; body: string; bodyLine: number } {
  const fail = (
    line: number,
    column: number,
    message: string,
    expected: string,
    found: string,
    hint?: string,
  ) => new SourceError([{ file, line, column, message, expected, found, ...(hint ? { hint } : {}) }]);
  if (raw.charCodeAt(0) === 0xfeff)
    throw fail(
      1,
      1,
      "file starts with a byte-order mark",
      "UTF-8 without a byte-order mark",
      "U+FEFF at the start of the file",
      "save the file as plain UTF-8 (no BOM)",
    );
  const loneCr = /\r(?!\n)/.exec(raw);
  if (loneCr) {
    const before = raw.slice(0, loneCr.index);
    throw fail(
      before.split("\n").length,
      loneCr.index - before.lastIndexOf("\n"),
      "line break is a carriage return alone",
      "lines ending in \\n (or \\r\\n)",
      "\\r not followed by \\n",
      "save the file with Unix (LF) or Windows (CRLF) line endings",
    );
  }
  const source = raw.replace(/\r\n/g, "\n");
  const m = /^---\n(?:([\s\S]*?)\n)?---(?:\n|$)/.exec(source);
  if (!m) {
    if (/^---\n/.test(source))
      throw fail(
        1,
        1,
        "front matter is not closed",
        "a line with only --- after the front matter",
        "no closing --- line",
      );
    throw fail(
      1,
      1,
      "finding has no front matter",
      "a YAML block between --- lines at the top",
      quoteFound(source.slice(0, 40)),
    );
  }
  return { frontText: m[1] ?? "", body: source.slice(m[0].length), bodyLine: m[0].split("\n").length };
}

/** Nesting levels (quotes, lists) per line and columns of indentation a finding may use. */
const MAX_MARKDOWN_NESTING = 16;
/** Emphasis, link, code and HTML markers per paragraph: remark's time grows with their square. */
const MAX_INLINE_MARKERS = 1000;

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

/**
 * Resolves inline data tokens in a plain-text field (no Markdown): the text stays text, escaped by the
 * page. `locate` places a token in the file (line 1, column 1 without it).
 */
export function resolvePlainTokens(
  file: string,
  text: string,
  resolve: TokenResolver,
  locate: Locate = () => ({ line: 1, column: 1 }),
): string {
  const problems: SourceProblem[] = [];
  const seen = new Map<string, number>();
  const out = text.replace(INLINE, (whole, kind: string, argText: string) => {
    const occurrence = seen.get(whole) ?? 0;
    seen.set(whole, occurrence + 1);
    const res = resolveToken(whole, kind, argText, resolve);
    if (res.ok) return res.text;
    problems.push({ file, ...locate(whole, occurrence), ...res.problem });
    return whole;
  });
  if (problems.length) throw new SourceError(problems);
  return out;
}
