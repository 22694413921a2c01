/**
 * `tsx scripts/check-site-url.ts <address>`: exit 1 unless report.config.json's siteUrl is <address>
 * (GitHub Pages' base_url in the deploy workflow), so a fork that has not set its address does not
 * publish citations and permalinks that point at someone else's site.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const pages = process.argv[2];
const { siteUrl } = JSON.parse(readFileSync(join(process.cwd(), "report.config.json"), "utf8")) as {
  siteUrl: string;
};
const norm = (u: string) => u.replace(/\/+$/, "");
if (!pages) {
  process.stderr.write("usage: tsx scripts/check-site-url.ts <the address the site is served at>\n");
  process.exit(2);
}
if (norm(pages) !== norm(siteUrl)) {
  process.stderr.write(
    `report.config.json says the site is at ${siteUrl}, but GitHub Pages serves this repository at ${pages}.\n` +
      `Set "siteUrl": "${norm(pages)}/" in report.config.json (every permalink, citation and download link is made from it) and push again.\n`,
  );
  process.exit(1);
}
process.stdout.write(`siteUrl ${siteUrl} is where GitHub Pages serves this repository.\n`);
