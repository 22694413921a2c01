/** Post-render steps of the build: the release archive, the /v/latest/ alias and the figures.json manifest. */
import { cpSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/pipeline/output/files.ts";
import { compareSemver, type Release, type ReportVersion } from "../../src/pipeline/cite/version.ts";

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

export interface ManifestFigure {
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
    for (const ext of ["svg", "png", "csv", "json"]) {
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
