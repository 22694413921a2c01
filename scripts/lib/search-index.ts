/**
 * The site's search index: Pagefind over the rendered pages of a staging folder, written to its
 * pagefind/ folder (the search page loads it). Runs before release snapshots are copied in, so only
 * this build's pages are indexed. Pagefind's binary comes from its npm package (@pagefind/<platform>).
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as pagefind from "pagefind";

export const SEARCH_DIR = "pagefind";

/** Page parts that are not worth searching: data tables, code, chart internals, download links. */
const EXCLUDE = ["table", "pre", "svg", "form", ".downloads", "[data-no-js]"];

/** Pagefind's own search interfaces; the site has its own (src/client/search.ts). */
const UNUSED = /^pagefind-(component-ui|modular-ui|ui|highlight)\.(js|css)$/;

export async function writeSearchIndex(site: string): Promise<{ pages: number }> {
  const { index, errors } = await pagefind.createIndex({ rootSelector: "main", excludeSelectors: EXCLUDE, forceLanguage: "en" });
  try {
    if (!index) throw new Error(`search index: ${errors.join("; ")}`);
    const added = await index.addDirectory({ path: site });
    if (added.errors.length) throw new Error(`search index: ${added.errors.join("; ")}`);
    const written = await index.writeFiles({ outputPath: join(site, SEARCH_DIR) });
    if (written.errors.length) throw new Error(`search index: ${written.errors.join("; ")}`);
    for (const f of readdirSync(join(site, SEARCH_DIR))) if (UNUSED.test(f)) rmSync(join(site, SEARCH_DIR, f));
    return { pages: added.page_count };
  } finally {
    await pagefind.close();
  }
}
