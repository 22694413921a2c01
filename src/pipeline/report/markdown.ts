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
import { parse as parseYamlText } from "yaml";
import { SourceError, type SourceProblem } from "../errors.ts";

export type Block = { kind: "html"; html: string } | { kind: "figure"; id: string } | { kind: "table"; name: string };

/** Resolves an inline token (`kind`, `args`) to text, or returns an error message. */
export type TokenResolver = (kind: string, args: string[]) => { ok: true; text: string; title?: string } | { ok: false; error: string };

export interface MarkdownDoc {
  front: Record<string, unknown>;
  blocks: Block[];
  /** Token values, for tests and the "numbers from data" audit trail. */
  tokens: { token: string; text: string }[];
}

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkRehype).use(rehypeSanitize).use(rehypeStringify);

export function markdownToHtml(md: string): string {
  return String(processor.processSync(md));
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
  const { front, body, bodyLine } = splitFrontMatter(file, source);
  const lines = body.split("\n");
  const tokens: MarkdownDoc["tokens"] = [];
  // Inline tokens first, line by line, so an error can say where the token is.
  const resolved = lines.map((line, i) =>
    line.replace(INLINE, (whole, kind: string, argText: string, offset: number) => {
      if (kind === "figure" || kind === "table") return whole;
      const res = resolve(kind, argText.split(":"));
      if (!res.ok) {
        problems.push({ file, line: bodyLine + i, column: offset + 1, message: `data token ${whole} cannot be resolved`, expected: "a token naming data that exists", found: res.error });
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
    if (text) blocks.push({ kind: "html", html: markdownToHtml(text) });
    chunk = [];
  };
  resolved.forEach((line, i) => {
    const m = BLOCK.exec(line.trim());
    if (!m) return void chunk.push(line);
    const [, kind, id] = m as unknown as [string, "figure" | "table", string];
    const set = kind === "figure" ? known.figures : known.tables;
    if (!set.has(id)) {
      problems.push({ file, line: bodyLine + i, column: line.indexOf("{{") + 1, message: `unknown ${kind} ${JSON.stringify(id)}`, expected: `one of: ${[...set].sort().join(", ")}`, found: JSON.stringify(id) });
      return;
    }
    flush();
    blocks.push(kind === "figure" ? { kind, id } : { kind, name: id });
  });
  flush();
  if (problems.length) throw new SourceError(problems);
  return { front, blocks, tokens };
}

function splitFrontMatter(file: string, source: string): { front: Record<string, unknown>; body: string; bodyLine: number } {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(source);
  if (!m) throw new SourceError([{ file, line: 1, column: 1, message: "finding has no front matter", expected: "a YAML block between --- lines at the top", found: JSON.stringify(source.slice(0, 40)) }]);
  let front: unknown;
  try {
    front = parseYamlText(m[1]!);
  } catch (e) {
    throw new SourceError([{ file, line: 2, column: 1, message: "front matter is not valid YAML", expected: "YAML", found: (e as Error).message.split("\n")[0]! }]);
  }
  if (!front || typeof front !== "object" || Array.isArray(front)) {
    throw new SourceError([{ file, line: 2, column: 1, message: "front matter is not a mapping", expected: "key: value lines", found: JSON.stringify(front) }]);
  }
  return { front: front as Record<string, unknown>, body: source.slice(m[0].length), bodyLine: m[0].split("\n").length };
}

/** Token values are plain text; keep Markdown from reading `*` or `_` in them as formatting. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, "\\$1");
}
