/**
 * `npm run release -- --version X.Y.Z --date YYYY-MM-DD`: records a release and builds its immutable
 * snapshot under archive/v/X.Y.Z/ (served at /v/X.Y.Z/). Afterwards: commit, and tag vX.Y.Z.
 *
 * 1. check the arguments (a new, higher version; a calendar date)
 * 2. compute the data hash of the current data
 * 3. update package.json, releases.json, CHANGELOG.md (Unreleased → the version) and CITATION.cff
 * 4. build the site with base /v/X.Y.Z/ into archive/v/X.Y.Z/; on failure restore the files of step 3
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { runPipeline } from "../src/pipeline/run.ts";
import { measurementsCsvChunks } from "../src/pipeline/output/measurements.ts";
import { SEMVER, compareSemver, dataHash, type Release } from "../src/pipeline/cite/version.ts";
import { dataDirOf, readReleases } from "./lib/stages.ts";

const USAGE = "usage: npm run release -- --version X.Y.Z --date YYYY-MM-DD";
const root = process.cwd();

function fail(message: string): never {
  process.stderr.write(`release: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// 1. Arguments.
const version = arg("version") ?? fail("--version is required");
const date =
  arg("date") ?? fail("--date is required (the release date is recorded, never read from the clock)");
if (!SEMVER.test(version)) fail(`version ${JSON.stringify(version)} is not MAJOR.MINOR.PATCH`);
if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
  fail(`date ${JSON.stringify(date)} is not YYYY-MM-DD`);
const releases = readReleases(root);
const latest = [...releases].sort((a, b) => compareSemver(b.version, a.version))[0];
if (latest && compareSemver(version, latest.version) <= 0)
  fail(`version ${version} is not higher than the latest release ${latest.version}`);
if (existsSync(join(root, "archive", "v", version))) fail(`archive/v/${version}/ already exists`);

// 2. Data hash of exactly what the build will publish.
const atlas = runPipeline(dataDirOf(root));
const hash = dataHash(measurementsCsvChunks(atlas.rows));

// 3. Release records.
const files = ["package.json", "releases.json", "CHANGELOG.md", "CITATION.cff"].map((f) => join(root, f));
const backup = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
const changelog = backup.get(join(root, "CHANGELOG.md"))!;
const unreleased = /## \[Unreleased\]\n([\s\S]*?)(?=\n## \[|$)/.exec(changelog);
// One change per bullet; indented continuation lines belong to the bullet above.
const changes = (unreleased?.[1] ?? "")
  .split(/\n(?=- )/)
  .filter((b) => b.startsWith("- "))
  .map((b) =>
    b
      .slice(2)
      .replace(/\s*\n\s*/g, " ")
      .trim(),
  );
if (changes.length === 0)
  fail("CHANGELOG.md has no entries under ## [Unreleased]; describe the release there first");
const release: Release = { version, date, dataHash: hash, changes };

const pkg = JSON.parse(backup.get(join(root, "package.json"))!) as Record<string, unknown>;
pkg.version = version;
writeFileSync(join(root, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(join(root, "releases.json"), `${JSON.stringify([...releases, release], null, 2)}\n`);
writeFileSync(
  join(root, "CHANGELOG.md"),
  changelog.replace("## [Unreleased]\n", `## [Unreleased]\n\n## [${version}] - ${date}\n`),
);
const cff = backup
  .get(join(root, "CITATION.cff"))!
  .replace(/^version: .*$/m, `version: "${version}"`)
  .replace(/^date-released: .*\n/m, "");
writeFileSync(join(root, "CITATION.cff"), cff.replace(/^(version: .*)$/m, `$1\ndate-released: "${date}"`));

// 4. The snapshot, built with its own base path so every link stays inside /v/X.Y.Z/.
const out = join(root, "archive", "v", version);
const res = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, ATLAS_BASE: `/v/${version}/`, ATLAS_OUT_DIR: out, ATLAS_NO_ARCHIVE: "1" },
});
if (res.status !== 0) {
  for (const [f, text] of backup) writeFileSync(f, text);
  rmSync(out, { recursive: true, force: true });
  fail("the snapshot build failed; release files restored");
}
process.stdout.write(
  `release ${version} (${date}, data ${hash}) recorded and built into archive/v/${version}/.\n` +
    `Next: git add -A && git commit -m "Release ${version}" && git tag v${version}\n`,
);
