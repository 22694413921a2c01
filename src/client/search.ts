/**
 * The search page in the browser: queries the Pagefind index the build writes to /pagefind/ (loaded
 * on this page only, never bundled) and lists results with their kind, title and excerpt. The query
 * lives in `?q=`, which is also where the header's search box sends it.
 */
import { url } from "../site/urls.ts";
import { esc } from "./html.ts";

/** The part of Pagefind's browser API used here (pagefind.js, written by the build). */
interface Pagefind {
  options(o: { baseUrl?: string; excerptLength?: number }): Promise<void>;
  init(): Promise<void>;
  debouncedSearch(
    q: string,
    o?: object,
    ms?: number,
  ): Promise<{ results: { data(): Promise<PagefindData> }[] } | null>;
}
interface PagefindData {
  url: string;
  excerpt: string;
  meta: { title?: string };
}

const MAX_RESULTS = 40;
/**
 * Result groups by first path segment, in the order shown: a reader looking for a study or chip by name
 * sees those first. Figures are found on the report pages that show them: their permalink pages repeat
 * those titles and captions and are not indexed (scripts/lib/search-index.ts).
 */
const KINDS: Record<string, string> = {
  studies: "Studies",
  accelerators: "Accelerators",
  findings: "Findings",
  docs: "Documentation",
  explore: "Explore",
};
const OTHER = "Other pages";

/** Studies, Accelerators, … from the first path segment under the site's base. */
function kindOf(href: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/$/, "");
  const path = href.startsWith(base) ? href.slice(base.length) : href;
  return KINDS[path.split("/")[1] ?? ""] ?? OTHER;
}

/** Pagefind's excerpt is escaped text with <mark> around matches: keep only those tags. */
const excerptHtml = (e: string): string => e.replace(/<(?!\/?mark>)[^>]*>/g, "");

async function main(): Promise<void> {
  const form = document.getElementById("search-form") as HTMLFormElement | null;
  const input = document.getElementById("search-q") as HTMLInputElement | null;
  const list = document.getElementById("search-results");
  const status = document.getElementById("search-status");
  if (!form || !input || !list || !status) return;
  let pagefind: Pagefind;
  try {
    pagefind = (await import(/* @vite-ignore */ url("/pagefind/pagefind.js"))) as Pagefind;
  } catch (e) {
    // A module that cannot be fetched rejects with a TypeError in every browser; anything else (a
    // module that fails to run) is a bug and goes to the console.
    if (!(e instanceof TypeError)) throw e;
    status.textContent =
      "The search index is missing: it is written by `npm run build`, not by the development server.";
    return;
  }
  await pagefind.options({ baseUrl: import.meta.env.BASE_URL, excerptLength: 24 });
  await pagefind.init();
  for (const el of document.querySelectorAll<HTMLElement>("[data-no-js]")) el.hidden = true;

  async function run(q: string): Promise<void> {
    history.replaceState(null, "", q ? `?q=${encodeURIComponent(q)}` : location.pathname);
    if (!q.trim()) {
      list!.hidden = true;
      status!.textContent = "";
      return;
    }
    const search = await pagefind.debouncedSearch(q, {}, 150);
    // null: a newer query superseded this one.
    if (search === null) return;
    const data = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    // Grouped by kind, each group in Pagefind's relevance order.
    list!.innerHTML = [...Object.values(KINDS), OTHER]
      .map((kind) => [kind, data.filter((d) => kindOf(d.url) === kind)] as const)
      .filter(([, items]) => items.length > 0)
      .map(
        ([kind, items]) =>
          `<h2>${kind} (${items.length})</h2><ol>${items.map((d) => `<li><a href="${esc(d.url)}">${esc(d.meta.title ?? d.url)}</a><p>${excerptHtml(d.excerpt)}</p></li>`).join("")}</ol>`,
      )
      .join("");
    list!.hidden = data.length === 0;
    const n = search.results.length;
    status!.textContent =
      n === 0
        ? `Nothing found for “${q}”.`
        : `${n} page${n === 1 ? "" : "s"} found for “${q}”${n > MAX_RESULTS ? `; the first ${MAX_RESULTS} are shown` : ""}.`;
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void run(input.value);
  });
  input.addEventListener("input", () => void run(input.value));
  const q = new URLSearchParams(location.search).get("q") ?? "";
  input.value = q;
  if (q) void run(q);
}

void main();
