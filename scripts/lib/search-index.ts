/**
 * The site's search index: Pagefind over the rendered pages of a staging folder, written to its
 * pagefind/ folder (the search page loads it). Runs before release snapshots are copied in, so only
 * this build's pages are indexed. Pagefind's binary comes from its npm package (@pagefind/<platform>).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import * as pagefind from "pagefind";
import { writeFileAtomic } from "../../src/pipeline/output/files.ts";

const SEARCH_DIR = "pagefind";

/** Page parts that are not worth searching: data tables, code, chart internals, download links. */
const EXCLUDE = ["table", "pre", "svg", "form", ".downloads", "[data-no-js]"];

/** Pagefind's own search interfaces; the site has its own (src/client/search.ts). */
const UNUSED = /^pagefind-(component-ui|modular-ui|ui|highlight)\.(js|css)$/;

/**
 * Every page but the figures' permalink pages: each repeats the title and caption of the report page
 * that shows its figure, so searches find that page instead (at 100× the data they were two thirds of
 * the pages and of Pagefind's time). A glob of the site's own top-level entries, so new sections are
 * searched with no change here.
 */
function pagesToSearch(site: string): string {
  const parts = readdirSync(site, { withFileTypes: true })
    .map((e) =>
      e.isDirectory() ? (e.name === "figures" ? "figures/index.html" : `${e.name}/**/*.html`) : e.name,
    )
    .filter((p) => p.endsWith(".html"));
  return `{${parts.sort().join(",")}}`;
}

export async function writeSearchIndex(site: string): Promise<{ pages: number }> {
  const { index, errors } = await pagefind.createIndex({
    rootSelector: "main",
    excludeSelectors: EXCLUDE,
    forceLanguage: "en",
  });
  try {
    if (!index) throw new Error(`search index: ${errors.join("; ")}`);
    const added = await index.addDirectory({ path: site, glob: pagesToSearch(site) });
    if (added.errors.length) throw new Error(`search index: ${added.errors.join("; ")}`);
    // Written here, not by Pagefind: Pagefind 1.5.2 acknowledges writeFiles before its last writes
    // reach the disk, and close() then stops it, leaving e.g. an empty pagefind-entry.json (seen under
    // load; fixed upstream after 1.5.2, Pagefind/pagefind#1272).
    const built = await index.getFiles();
    if (built.errors.length) throw new Error(`search index: ${built.errors.join("; ")}`);
    for (const { path, content } of built.files)
      if (!UNUSED.test(path)) writeFileAtomic(join(site, SEARCH_DIR, path), content);
    return { pages: added.page_count };
  } finally {
    await pagefind.close();
  }
}
