/**
 * The module graph of src/ and scripts/ has no cycle: stages take values and return new ones, so no
 * module may (directly or through others) import one that imports it back. Type-only imports count
 * too; a cycle of types is still two modules that cannot be understood apart.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mjs|astro)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** The TypeScript of a file: an .astro file's frontmatter and <script> bodies (the HTML between is not code). */
function codeOf(file: string, text: string): string[] {
  if (!file.endsWith(".astro")) return [text];
  const front = /^\s*---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? "";
  return [front, ...[...text.matchAll(/<script\b(?:[^>]*[^/>])?>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)];
}

/**
 * Relative imports of a file, found by TypeScript's own pre-processor (static, dynamic, re-exports,
 * type-only) plus worker entry points (`new URL("./x.mjs", import.meta.url)`), resolved to files of the
 * tree. A relative specifier that names no file is returned as missing, never dropped.
 */
function localImports(file: string, text: string): { files: string[]; missing: string[] } {
  const specifiers = codeOf(file, text).flatMap((code) => [
    ...ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName),
    ...[...code.matchAll(/new URL\(\s*["'](\.[^"']+)["']\s*,\s*import\.meta\.url/g)].map((m) => m[1]!),
  ]);
  const paths = specifiers
    .filter((sp) => sp.startsWith("."))
    .map((sp) => relative(ROOT, resolve(ROOT, dirname(file), sp)));
  return {
    files: paths.filter((p) => existsSync(join(ROOT, p))),
    missing: paths.filter((p) => !existsSync(join(ROOT, p))),
  };
}

/** One cycle of the graph, as the files along it (first = last), or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return null;
}

describe("the module graph", () => {
  it("finds a cycle when there is one (the check itself)", () => {
    expect(
      findCycle(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
        ]),
      ),
    ).toEqual(["a", "b", "c", "a"]);
    expect(
      findCycle(
        new Map([
          ["a", ["b", "c"]],
          ["b", ["c"]],
          ["c", []],
        ]),
      ),
    ).toBeNull();
    expect(
      localImports(
        "src/x/y.ts",
        'import type { A } from "../pipeline/atlas.ts";\nexport { b } from "./nope.ts";\n' +
          "import {\n  c, // the user's c\n} from './z.ts';\n" +
          'new Worker(new URL("../pipeline/w.mjs", import.meta.url));',
      ),
    ).toEqual({
      files: ["src/pipeline/atlas.ts"],
      missing: ["src/x/nope.ts", "src/x/z.ts", "src/pipeline/w.mjs"],
    });
    expect(
      localImports(
        "src/pages/p.astro",
        "---\nimport A from '../components/A.astro';\n---\n<p>don't</p>\n<script src=\"/x.js\" />\n<p>import '../not/code.ts'</p>\n<script>import '../client/b.ts';</script>",
      ).missing,
    ).toEqual(["src/components/A.astro", "src/client/b.ts"]);
  });

  it("of src/ and scripts/ has no cycle", () => {
    const files = [...sourceFiles("src"), ...sourceFiles("scripts")];
    expect(files.length).toBeGreaterThan(100);
    const imports = new Map(files.map((f) => [f, localImports(f, readFileSync(join(ROOT, f), "utf8"))]));
    // Every relative import names a file as written: one that resolved only by some bundler's guess
    // (no extension, .js for .ts) would be an edge this check cannot see.
    expect([...imports].flatMap(([f, i]) => i.missing.map((m) => `${f} → ${m}`))).toEqual([]);
    const graph = new Map([...imports].map(([f, i]) => [f, i.files]));
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
    expect(findCycle(graph)).toBeNull();
  });
});
