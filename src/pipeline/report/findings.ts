/** data/findings/*.md → validated finding pages: front matter checked, data tokens resolved, figures known. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { SourceError, type SourceProblem } from "../errors.ts";
import { idSchema } from "../schema.ts";
import { readUtf8 } from "../ingest/text.ts";
import { yamlPosition } from "../ingest/yaml.ts";
import {
  renderMarkdownDoc,
  markdownToHtml,
  resolvePlainTokens,
  type Block,
  type TokenResolver,
} from "./markdown.ts";

const frontSchema = z
  .object({
    /** Page title: the question the finding answers. */
    title: z.string().min(1).max(200),
    /** Position on the home page and in the findings list. */
    order: z.number().int().min(0).max(1000),
    /** One-sentence answer shown on the home page; may use data tokens. */
    headline: z.string().min(1).max(1000),
    /** Verdict label: supported, contradicted, mixed, or a short phrase. */
    verdict: z.string().min(1).max(80),
    /** Figure shown with the headline on the home page. */
    key_figure: idSchema.optional(),
  })
  .strict();

/** A finding is a page of prose (the largest is about 5 KB); rendering Markdown gets slow long before 20 MB. */
export const MAX_FINDING_BYTES = 64_000;

export interface Finding {
  id: string;
  file: string;
  title: string;
  order: number;
  /** Headline with tokens resolved, as sanitized inline HTML. */
  headlineHtml: string;
  verdict: string;
  keyFigure: string | null;
  blocks: Block[];
}

export function loadFindings(
  dataDir: string,
  resolve: TokenResolver,
  known: { figures: Set<string>; tables: Set<string> },
  display = "data",
): Finding[] {
  const dir = join(dataDir, "findings");
  const problems: SourceProblem[] = [];
  const out: Finding[] = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const file = `${display}/findings/${name}`;
    const id = name.replace(/\.md$/, "");
    if (!name.endsWith(".md") || !/^[a-z0-9][a-z0-9-]*$/.test(id)) {
      problems.push({
        file,
        line: 0,
        column: 0,
        message: "unexpected file in data/findings",
        expected: "<finding-id>.md with a lower-case id",
        found: JSON.stringify(name),
      });
      continue;
    }
    try {
      const doc = renderMarkdownDoc(file, readUtf8(join(dir, name), file, MAX_FINDING_BYTES), resolve, known);
      const parsed = frontSchema.safeParse(doc.front);
      // Where in the file a front-matter field is (its YAML starts on line 2); line 2 for a missing one.
      const at = (path: (string | number)[]) => {
        const pos = yamlPosition(doc.frontText, path);
        return { line: pos.line + 1, column: pos.column };
      };
      if (!parsed.success) {
        throw new SourceError(
          parsed.error.issues.map((i) => {
            const path = i.code === "unrecognized_keys" ? [...i.path, i.keys[0]!] : i.path;
            return {
              file,
              ...at(path),
              message: `front matter${i.path.length ? ` ${i.path.join(".")}` : ""}: ${i.message}`,
              expected: "the fields listed in src/pipeline/report/findings.ts",
              found: JSON.stringify(
                i.path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc.front),
              ),
            };
          }),
        );
      }
      const front = parsed.data;
      if (front.key_figure && !known.figures.has(front.key_figure)) {
        throw new SourceError([
          {
            file,
            ...at(["key_figure"]),
            message: `key_figure ${JSON.stringify(front.key_figure)} does not exist`,
            expected: "a figure id of the report",
            found: JSON.stringify(front.key_figure),
          },
        ]);
      }
      // Headline and verdict may quote numbers too: the same tokens, rendered as inline text.
      const inline = (text: string) =>
        renderMarkdownDoc(file, `---\n{}\n---\n${text}\n`, resolve, known)
          .blocks.map((b) => (b.kind === "html" ? b.html : ""))
          .join("")
          .replace(/^<p>|<\/p>$/g, "");
      out.push({
        id,
        file,
        title: front.title,
        order: front.order,
        headlineHtml: inline(front.headline),
        verdict: resolvePlainTokens(file, front.verdict, resolve),
        keyFigure: front.key_figure ?? null,
        blocks: doc.blocks,
      });
    } catch (e) {
      if (e instanceof SourceError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new SourceError(problems);
  return out.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

export { markdownToHtml };
