/**
 * Astro's floor for the benchmark: a throwaway Astro project with `pages` plain pages (a heading, a
 * paragraph and a small table; no charts, no data pipeline) built with this repository's Astro.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PAGE = `---
export function getStaticPaths() {
  return Array.from({ length: Number(process.env.FLOOR_PAGES) }, (_, i) => ({ params: { id: String(i) } }));
}
const { id } = Astro.params;
const rows = Array.from({ length: 9 }, (_, i) => ({ batch: 2 ** i, thr: (1000 * 2 ** i) / (2 ** i + 8) }));
---
<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Page {id}</title></head>
  <body>
    <main>
      <h1>Page {id}</h1>
      <p>A plain page of the same count as the atlas's, to show what Astro costs with no charts and no data.</p>
      <table>{rows.map((r) => <tr><td>{r.batch}</td><td>{r.thr.toFixed(2)}</td></tr>)}</table>
    </main>
  </body>
</html>
`;

/** Builds `pages` plain pages; returns the wall time in seconds (null when the build failed or timed out). */
export function astroFloor(
  repoRoot: string,
  pages: number,
  timeoutS: number,
): { seconds: number | null; error?: string } {
  const dir = mkdtempSync(join(tmpdir(), "atlas-floor-"));
  try {
    mkdirSync(join(dir, "src", "pages", "p"), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "astro-floor", private: true, type: "module" }),
    );
    writeFileSync(
      join(dir, "astro.config.mjs"),
      `export default { build: { format: "directory" }, devToolbar: { enabled: false } };\n`,
    );
    writeFileSync(join(dir, "src", "pages", "p", "[id].astro"), PAGE);
    const start = performance.now();
    const res = spawnSync(
      process.execPath,
      [join(repoRoot, "node_modules", "astro", "astro.js"), "build", "--silent"],
      {
        cwd: dir,
        env: { ...process.env, FLOOR_PAGES: String(pages), ASTRO_TELEMETRY_DISABLED: "1" },
        encoding: "utf8",
        timeout: timeoutS * 1000,
      },
    );
    const seconds = (performance.now() - start) / 1000;
    if (res.status !== 0)
      return { seconds: null, error: `${res.signal ?? `exit ${res.status}`}: ${res.stderr.slice(-400)}` };
    return { seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
