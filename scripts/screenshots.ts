/**
 * Screenshots of a built site for reviewing presentation changes: the home page, an accelerator page
 * and the claims ledger, at phone (390 px) and laptop (1280 px) widths, light and dark, one viewport
 * high (scrolled to the part each page is about). Uses Debian's chromium like the browser tests.
 *
 *   npx tsx scripts/screenshots.ts <out folder> [site folder, default dist]
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchChromium, serveStatic } from "../test/helpers/browser.ts";

const [out, siteArg = "dist"] = process.argv.slice(2);
if (!out) throw new Error("usage: tsx scripts/screenshots.ts <out folder> [site folder]");
const site = resolve(siteArg);
mkdirSync(out, { recursive: true });

/** Page, file name, and the element the screenshot starts at (null: the top of the page). */
const SHOTS = [
  { path: "/", name: "home", at: null },
  { path: "/", name: "home-summary", at: "#at-a-glance" },
  { path: "/accelerators/t4/", name: "accelerator-t4", at: "figure.atlas-figure" },
  { path: "/findings/claims-ledger/", name: "claims-ledger", at: "table.ledger, .ledger" },
] as const;
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

const server = await serveStatic(site);
const browser = await launchChromium();
try {
  for (const scheme of ["light", "dark"] as const) {
    for (const viewport of WIDTHS) {
      const context = await browser.newContext({ viewport, colorScheme: scheme });
      const page = await context.newPage();
      for (const s of SHOTS) {
        await page.goto(server.url + s.path);
        // A part a page does not have (the summary before issue 17) gives no screenshot.
        if (s.at && (await page.$(s.at)) === null) continue;
        const y = s.at
          ? await page.$eval(s.at, (el) => el.getBoundingClientRect().top + window.scrollY - 8)
          : 0;
        await page.evaluate((top) => window.scrollTo(0, top), y);
        await page.screenshot({ path: join(out, `${s.name}-${viewport.width}-${scheme}.png`) });
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
