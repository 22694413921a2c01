/**
 * package.json tells the truth: every package `npm run build` runs is a dependency (not a
 * devDependency that `npm ci --omit=dev` would leave out), and `engines.node` is no lower than what
 * the installed packages declare, except where a package is installed but never loaded.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Installed packages that declare a newer Node than engines.node, and why that is safe. */
const NEVER_LOADED: Record<string, string> = {
  // astro → unifont imports undici dynamically, only to proxy font downloads for Astro's fonts API,
  // which this site does not use.
  undici: "astro's fonts API (unifont), unused",
};

/** Files whose imports the build loads: the site's sources, Astro's config, the build script and its helpers. */
function buildFiles(): string[] {
  const out = ["astro.config.mjs", "scripts/build.ts"];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs|astro)$/.test(e.name)) out.push(p);
    }
  };
  walk("src");
  walk("scripts/lib");
  return out;
}

/** The package a bare import names: `astro/config` → astro, `@resvg/resvg-js` → @resvg/resvg-js. */
function packageOf(specifier: string): string | null {
  if (/^(\.|\/|node:|astro:)/.test(specifier) || builtinModules.includes(specifier)) return null;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

// --- engines ranges (the subset npm packages use: comparators, ^, bare versions, ||) -----------------
type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.split(".").map(Number);
  return [a, b, c];
};
const cmp = (x: Version, y: Version) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split("||").some((alternative) =>
    alternative
      .trim()
      .replace(/([<>=^~]+)\s+/g, "$1")
      .split(/\s+/)
      .every((comparator) => {
        const m = /^(>=|<=|>|<|\^|~|=)?v?(\d+(?:\.\d+){0,2})$/.exec(comparator);
        if (!m) throw new Error(`range ${JSON.stringify(range)}: cannot read ${JSON.stringify(comparator)}`);
        const [, op = "", text] = m;
        const bound = parse(text!);
        const parts = text!.split(".").length;
        if (op === ">=") return cmp(v, bound) >= 0;
        if (op === ">") return cmp(v, bound) > 0;
        if (op === "<=") return cmp(v, bound) <= 0;
        if (op === "<") return cmp(v, bound) < 0;
        if (op === "^") return cmp(v, bound) >= 0 && v[0] === bound[0];
        if (op === "~") return cmp(v, bound) >= 0 && v[0] === bound[0] && (parts < 2 || v[1] === bound[1]);
        // A bare or = version: "20" is any 20.x, "20.3" any 20.3.x, "18.20.8" exactly that.
        return v.slice(0, parts).every((n, i) => n === bound[i]);
      }),
  );
}

describe("engines ranges as read here", () => {
  it("follow npm's meaning", () => {
    expect(satisfies("20.19.0", ">= 20.19.0")).toBe(true);
    expect(satisfies("20.18.3", ">=20.19.0")).toBe(false);
    expect(satisfies("20.19.0", "^20.0.0 || ^22.0.0 || >=24.0.0")).toBe(true);
    expect(satisfies("21.1.0", "^20.0.0 || ^22.0.0 || >=24.0.0")).toBe(false);
    expect(satisfies("20.19.0", "20 || >=22")).toBe(true);
    expect(satisfies("21.0.0", "20 || >=22")).toBe(false);
    expect(satisfies("20.19.0", ">=22.19.0")).toBe(false);
    expect(satisfies("20.2.0", "18.20.8 || ^20.3.0 || >=22.0.0")).toBe(false);
    expect(satisfies("18.20.8", "18.20.8 || ^20.3.0 || >=22.0.0")).toBe(true);
  });
});

describe("package.json", () => {
  it("lists every package the build runs as a dependency", () => {
    const used = new Set<string>();
    // The build's command line: `node --import tsx scripts/build.ts`.
    for (const m of pkg.scripts.build!.matchAll(/--import[= ](\S+)/g)) used.add(packageOf(m[1]!)!);
    for (const file of buildFiles()) {
      // Type-only imports are erased before anything runs.
      const text = readFileSync(join(ROOT, file), "utf8").replace(
        /\bimport\s+type\b[^;]*?\bfrom\s*["'][^"']*["']/g,
        "",
      );
      // A specifier has no spaces or commas: `"--import", "tsx"` in an argument list is not an import.
      for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["']([^"'\s,]+)["']/g)) {
        const name = packageOf(m[1]!);
        if (name) used.add(name);
      }
    }
    expect([...used].sort()).toEqual(expect.arrayContaining(["astro", "pagefind", "tsx"]));
    expect([...used].filter((name) => !(name in pkg.dependencies)).sort()).toEqual([]);
  });

  it("states a Node floor every installed package accepts, on the Node major it is tested on", () => {
    const floor = /^\^(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(floor, `engines.node ${pkg.engines.node} is ^<tested major>.<floor>`).toBeDefined();
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, unknown>;
    };
    const tooLow: string[] = [];
    for (const path of Object.keys(lock.packages)) {
      const manifest = join(ROOT, path, "package.json");
      if (!path || !existsSync(manifest)) continue; // the root, or an optional package npm skipped here
      const dep = JSON.parse(readFileSync(manifest, "utf8")) as { name: string; engines?: { node?: string } };
      const range = dep.engines?.node;
      if (range && !satisfies(floor!, range) && !(dep.name in NEVER_LOADED))
        tooLow.push(`${dep.name} ${range}`);
    }
    expect(tooLow).toEqual([]);
    // The packages excused above really are installed and really declare more (or the excuse goes).
    for (const name of Object.keys(NEVER_LOADED)) {
      const range = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).engines
        .node;
      expect(satisfies(floor!, range), `${name} ${range}`).toBe(false);
    }
  });
});
