/**
 * Post-render steps of the build: the release archive, the /v/latest/ alias, pages for retired figure
 * ids and the figures.json manifest.
 */
import { cpSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../src/pipeline/output/files.ts";
import { idSchema } from "../../src/pipeline/schema.ts";
import { compareSemver, SEMVER, type Release, type ReportVersion } from "../../src/pipeline/cite/version.ts";

/** Copies the immutable release snapshots (archive/v/<version>/) into the site, untouched. */
export function copyArchive(root: string, site: string, releases: Release[]): void {
  for (const r of releases) {
    const from = join(root, "archive", "v", r.version);
    if (!existsSync(from))
      throw new Error(`releases.json lists ${r.version} but archive/v/${r.version}/ is missing`);
    cpSync(from, join(site, "v", r.version), { recursive: true });
  }
  const latest = [...releases].sort((a, b) => compareSemver(b.version, a.version))[0];
  if (latest) {
    // A static redirect (no JavaScript) so /v/latest/ always leads to the newest release.
    writeFileAtomic(
      join(site, "v", "latest", "index.html"),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Latest release: ${latest.version}</title>` +
        `<meta http-equiv="refresh" content="0; url=../${latest.version}/"><link rel="canonical" href="../${latest.version}/"></head>` +
        `<body><p>The latest release is <a href="../${latest.version}/">${latest.version}</a>.</p></body></html>\n`,
    );
  }
}

interface ManifestFigure {
  id: string;
  title: string;
  page: string;
  downloads: Record<string, { path: string; sha256: string; bytes: number }>;
}

/** Lists every figure with a SHA-256 of each download, so a citer can check a file is the cited one. */
export function writeFigureManifest(
  site: string,
  version: ReportVersion,
  figures: { id: string; title: string }[],
): ManifestFigure[] {
  const dir = join(site, "figures");
  const files = new Set(existsSync(dir) ? readdirSync(dir) : []);
  const entries = figures.map((f) => {
    const downloads: ManifestFigure["downloads"] = {};
    for (const ext of ["svg", "png", "csv", "json", "bib"]) {
      const name = `${f.id}.${ext}`;
      if (!files.has(name)) continue;
      const bytes = readFileSync(join(dir, name));
      downloads[ext] = {
        path: `figures/${name}`,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        bytes: bytes.length,
      };
    }
    return { id: f.id, title: f.title, page: `figures/${f.id}/`, downloads };
  });
  writeFileAtomic(
    join(site, "figures.json"),
    `${JSON.stringify(
      {
        version: version.version,
        release: version.release?.date ?? null,
        dataHash: version.dataHash,
        figures: entries,
      },
      null,
      1,
    )}\n`,
  );
  return entries;
}

/**
 * retired-figures.json: figure ids of past releases that the current build no longer has, each with the
 * release that retired it, the figures that replace it and why. Ids are permanent (README, "Cite it"):
 * a retired id keeps a page that says this.
 */
const retiredSchema = z.array(
  z
    .object({
      id: idSchema,
      retiredIn: z.string().regex(SEMVER, "a version MAJOR.MINOR.PATCH"),
      replacedBy: z.array(idSchema).max(20),
      reason: z.string().min(1).max(1000),
    })
    .strict(),
);
type RetiredFigure = z.infer<typeof retiredSchema>[number];

export function readRetiredFigures(root: string): RetiredFigure[] {
  const file = join(root, "retired-figures.json");
  const parsed = retiredSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(
      `retired-figures.json: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

/** Figure ids of each release, from its snapshot's figures.json. */
export function releasedFigureIds(root: string, releases: Release[]): Map<string, string[]> {
  return new Map(
    releases.map((r) => {
      const manifest = join(root, "archive", "v", r.version, "figures.json");
      const ids = existsSync(manifest)
        ? (JSON.parse(readFileSync(manifest, "utf8")) as { figures: { id: string }[] }).figures.map(
            (f) => f.id,
          )
        : [];
      return [r.version, ids];
    }),
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A page at /figures/<id>/ for each retired id, saying what replaced it and where the figure as
 * released still is. Links are relative, so the page works under any base path.
 */
export function writeRetiredFigurePages(
  site: string,
  retired: RetiredFigure[],
  currentIds: Set<string>,
  released: Map<string, string[]>,
): void {
  for (const r of retired) {
    if (currentIds.has(r.id))
      throw new Error(`retired-figures.json: ${r.id} is retired but the build still makes that figure`);
    const missing = r.replacedBy.filter((id) => !currentIds.has(id));
    if (missing.length)
      throw new Error(
        `retired-figures.json: ${r.id} is replaced by ${missing.join(", ")}, which the build does not make`,
      );
    const copies = [...released].filter(([, ids]) => ids.includes(r.id)).map(([v]) => v);
    const replacements = r.replacedBy.length
      ? `<p>Replaced by: ${r.replacedBy.map((id) => `<a href="../${id}/">${id}</a>`).join(", ")}.</p>`
      : "<p>No figure replaces it.</p>";
    const archived = copies.length
      ? `<p>The figure as released: ${copies.map((v) => `<a href="../../v/${v}/figures/${r.id}/">release ${v}</a>`).join(", ")}.</p>`
      : "";
    writeFileAtomic(
      join(site, "figures", r.id, "index.html"),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>Figure ${r.id} was retired</title></head><body><main><h1>Figure <code>${r.id}</code> was retired in ${r.retiredIn}</h1>` +
        `<p>${escapeHtml(r.reason)}</p>${replacements}${archived}<p><a href="../">All figures</a></p></main></body></html>\n`,
    );
  }
}
