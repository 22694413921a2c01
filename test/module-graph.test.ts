/**
 * The module graph of src/ and scripts/ has no cycle: stages take values and return new ones, so no
 * module may (directly or through others) import one that imports it back. Type-only imports count
 * too; a cycle of types is still two modules that cannot be understood apart.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mjs|astro)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Relative imports of a file (static, dynamic and re-exports), resolved to files of the tree. */
function localImports(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*["']([^"']+)["']/g),
    ...text.matchAll(/(?:^|[\s;])import\s*["']([^"']+)["']/g),
    ...text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers
    .filter((s) => s.startsWith("."))
    .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)))
    .filter((p) => existsSync(join(ROOT, p)));
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
        'import type { A } from "../pipeline/atlas.ts";\nexport { b } from "./nope.ts";',
      ),
    ).toEqual(["src/pipeline/atlas.ts"]);
  });

  it("of src/ and scripts/ has no cycle", () => {
    const files = [...sourceFiles("src"), ...sourceFiles("scripts")];
    expect(files.length).toBeGreaterThan(100);
    const graph = new Map(files.map((f) => [f, localImports(f, readFileSync(join(ROOT, f), "utf8"))]));
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
    expect(findCycle(graph)).toBeNull();
  });
});
