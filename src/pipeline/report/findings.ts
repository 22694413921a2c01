/** data/findings/*.md → validated finding pages: front matter checked, data tokens resolved, links and figures known. */
import { z } from "zod";
import { SourceError, addProblems, quoteName, type SourceProblem } from "../errors.ts";
import { idSchema } from "../schema.ts";
import { listDataFolder, readDataFile } from "../ingest/text.ts";
import { parseYaml, yamlPositionIn } from "../ingest/yaml.ts";
import {
  renderInlineMarkdown,
  renderMarkdownDoc,
  resolvePlainTokens,
  type Block,
  type KnownIds,
  type TokenResolver,
} from "./markdown.ts";

/** Text a reader sees: not empty and not only spaces. */
const shown = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s.trim() !== "", "text that is not blank");

const frontSchema = z
  .object({
    /** Page title: the question the finding answers. */
    title: shown(200),
    /** Position on the home page and in the findings list. */
    order: z.number().int().min(0).max(1000),
    /** One-sentence answer shown on the home page; may use data tokens. */
    headline: shown(1000),
    /** Verdict label: supported, contradicted, mixed, or a short phrase. */
    verdict: shown(80),
    /** Figure shown with the headline on the home page. */
    key_figure: idSchema.optional(),
  })
  .strict();

/** A finding is a page of prose (the largest is about 5 KB); rendering Markdown gets slow long before 20 MB. */
const MAX_FINDING_BYTES = 64_000;

const FINDING_FILE = /^[a-z0-9][a-z0-9-]*\.md$/;

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
  known: Omit<KnownIds, "findings" | "page">,
  display = "data",
): Finding[] {
  const root = { dir: dataDir, display };
  const problems: SourceProblem[] = [];
  const out: Finding[] = [];
  const names = listDataFolder(root, "findings") ?? [];
  const ids = new Set(names.filter((n) => FINDING_FILE.test(n)).map((n) => n.slice(0, -".md".length)));
  for (const name of names) {
    const file = `${display}/findings/${name}`;
    const id = name.replace(/\.md$/, "");
    if (!FINDING_FILE.test(name)) {
      problems.push({
        file,
        line: 0,
        column: 0,
        message: "unexpected file in data/findings",
        expected: "<finding-id>.md with a lower-case ASCII id",
        found: quoteName(name),
      });
      continue;
    }
    try {
      const page = { ...known, findings: ids, page: `/findings/${id}/` };
      const doc = renderMarkdownDoc(
        file,
        readDataFile(root, `findings/${name}`, MAX_FINDING_BYTES),
        resolve,
        page,
      );
      const front = parseYaml(file, doc.frontText, frontSchema, { firstLine: 2, what: "front matter" });
      // Where a token or link inside a front-matter value is in the file (its YAML starts on line 2).
      const within =
        (field: string) =>
        (needle: string, occurrence: number): { line: number; column: number } => {
          const pos = yamlPositionIn(doc.frontText, [field], needle, occurrence);
          return { line: pos.line + 1, column: pos.column };
        };
      if (front.key_figure && !known.figures.has(front.key_figure)) {
        const pos = within("key_figure")(front.key_figure, 0);
        throw new SourceError([
          {
            file,
            ...pos,
            message: `key_figure ${JSON.stringify(front.key_figure)} does not exist`,
            expected: "a figure id of the report",
            found: JSON.stringify(front.key_figure),
          },
        ]);
      }
      // Headline and verdict may quote numbers too: the same tokens, rendered as inline text.
      const headlineHtml = collect(problems, () =>
        renderInlineMarkdown(file, front.headline, resolve, page, within("headline")),
      );
      const verdict = collect(problems, () =>
        resolvePlainTokens(file, front.verdict, resolve, within("verdict")),
      );
      if (headlineHtml === undefined || verdict === undefined) continue;
      out.push({
        id,
        file,
        title: front.title,
        order: front.order,
        headlineHtml,
        verdict,
        keyFigure: front.key_figure ?? null,
        blocks: doc.blocks,
      });
    } catch (e) {
      if (e instanceof SourceError) addProblems(problems, e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new SourceError(problems);
  return out.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** Runs `f`, adding its SourceError's problems to `problems` (so headline and verdict are both checked). */
function collect<T>(problems: SourceProblem[], f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    addProblems(problems, e.problems);
    return undefined;
  }
}
