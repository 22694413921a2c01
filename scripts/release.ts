/**
 * `npm run release -- --version X.Y.Z --date YYYY-MM-DD`: cuts a release from committed files only.
 *
 * 1. refuses unless the working tree is clean, the version is new and higher, the date is a date, the
 *    tag vX.Y.Z is free and CHANGELOG.md has entries under Unreleased
 * 2. records the release: package.json (and its lock) version, CHANGELOG.md (Unreleased → X.Y.Z),
 *    CITATION.cff and .zenodo.json, and releases.json with the data hash and the source hash of the
 *    tree (src/pipeline/cite/version.ts), and commits them: "Release X.Y.Z"
 * 3. builds the snapshot from that commit in a temporary worktree (base <site path>v/X.Y.Z/) and checks
 *    that it calls itself release X.Y.Z
 * 4. adds the snapshot to the release commit as archive/v/X.Y.Z/ and tags it vX.Y.Z
 * On any failure after step 1 the branch is reset to where it was (the tree was clean) and nothing stays.
 * `npm run verify-release -- X.Y.Z` rebuilds the tag and compares every byte with the snapshot.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { measurementsCsvChunks } from "../src/pipeline/output/measurements.ts";
import { runPipeline } from "../src/pipeline/run.ts";
import { SEMVER, compareSemver, dataHash, type Release } from "../src/pipeline/cite/version.ts";
import { releaseChangelog, unreleasedChanges } from "./lib/changelog.ts";
import { writeCitationFiles } from "./lib/citation-files.ts";
import { git, tagExists, uncommitted } from "./lib/git.ts";
import { buildSnapshot } from "./lib/snapshot.ts";
import { sourcePaths, treeSourceHash } from "./lib/source-tree.ts";
import { readReleases } from "./lib/stages.ts";

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

// 1. Refusals, before anything is written.
const version = arg("version") ?? fail("--version is required");
const date =
  arg("date") ?? fail("--date is required (the release date is recorded, never read from the clock)");
if (!SEMVER.test(version)) fail(`version ${JSON.stringify(version)} is not MAJOR.MINOR.PATCH`);
if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
  fail(`date ${JSON.stringify(date)} is not YYYY-MM-DD`);
if (process.env.ATLAS_DATA_DIR)
  fail("ATLAS_DATA_DIR is set: a release is made of the repository's own data/");
if (sourcePaths(root) === null)
  fail("run this at the top of the repository's git working tree: a release is committed and tagged");
const dirty = uncommitted(root);
if (dirty.length)
  fail(
    `the working tree has ${dirty.length} uncommitted change(s); a release is built from committed files only, so commit or stash them first:\n${dirty
      .slice(0, 20)
      .map((l) => `  ${l}`)
      .join("\n")}`,
  );
const releases = readReleases(root);
const latest = [...releases].sort((a, b) => compareSemver(b.version, a.version))[0];
if (latest && compareSemver(version, latest.version) <= 0)
  fail(`version ${version} is not higher than the latest release ${latest.version}`);
if (existsSync(join(root, "archive", "v", version))) fail(`archive/v/${version}/ already exists`);
if (tagExists(root, `v${version}`)) fail(`the tag v${version} already exists`);
const changelog = readFileSync(join(root, "CHANGELOG.md"), "utf8");
const changes = unreleasedChanges(changelog);
if (changes.length === 0)
  fail("CHANGELOG.md has no entries under ## [Unreleased]; describe the release there first");

const start = git(root, ["rev-parse", "HEAD"]).trim();
const out = join(root, ".build", `release-${version}-site`);
try {
  // 2. The release records, committed.
  const atlas = runPipeline(join(root, "data"));
  const release: Release = { version, date, dataHash: dataHash(measurementsCsvChunks(atlas.rows)), changes };
  for (const file of ["package.json", "package-lock.json"]) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const json = JSON.parse(readFileSync(path, "utf8")) as {
      version?: string;
      packages?: Record<string, { version?: string }>;
    };
    json.version = version;
    if (json.packages?.[""]) json.packages[""].version = version;
    writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  }
  writeFileSync(join(root, "CHANGELOG.md"), releaseChangelog(changelog, version, date));
  writeCitationFiles(
    root,
    release,
    atlas.studies.map((s) => s.study),
  );
  // Hashed last: every file the site is made of is final now (releases.json itself is not hashed).
  release.sourceHash = treeSourceHash(root)!;
  writeFileSync(
    join(root, "releases.json"),
    `${JSON.stringify([...releases.map(stripDoi), release], null, 2)}\n`,
  );
  git(root, ["add", "-A"]);
  git(root, ["commit", "-q", "-m", `Release ${version}`]);

  // 3. The snapshot, from that commit only.
  buildSnapshot(root, "HEAD", version, out, "release");
  const manifest = JSON.parse(readFileSync(join(out, "figures.json"), "utf8")) as { release: string | null };
  if (manifest.release !== date)
    throw new Error(
      "the snapshot does not call itself this release (its source hash differs from the one recorded): a file the build writes is not ignored by git?",
    );

  // 4. The snapshot joins the release commit, which is tagged.
  mkdirSync(join(root, "archive", "v"), { recursive: true });
  renameSync(out, join(root, "archive", "v", version));
  git(root, ["add", "-A", join("archive", "v", version)]);
  git(root, ["commit", "-q", "--amend", "--no-edit"]);
  git(root, ["tag", "-a", `v${version}`, "-m", `Release ${version} (${date})`]);
} catch (e) {
  git(root, ["reset", "-q", "--hard", start]);
  rmSync(out, { recursive: true, force: true });
  rmSync(join(root, "archive", "v", version), { recursive: true, force: true });
  if (tagExists(root, `v${version}`)) git(root, ["tag", "-d", `v${version}`]);
  fail(
    `${e instanceof Error ? e.message : String(e)}\nNothing was kept: the branch is back at ${start.slice(0, 12)}.`,
  );
}

process.stdout.write(
  `release ${version} (${date}) committed and tagged v${version}, with its snapshot in archive/v/${version}/.\n` +
    `Next: npm run verify-release -- ${version}   (rebuilds the tag and compares every byte)\n` +
    `      git push origin HEAD v${version}, then publish a GitHub release from the tag (Zenodo mints its DOI).\n`,
);

/** DOIs live in dois.json, not in releases.json (readReleases adds them). */
function stripDoi({ doi: _doi, ...r }: Release): Release {
  return r;
}
