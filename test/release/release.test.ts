/**
 * The release flow on a temporary repository (a copy of this one with the fixture data, served under a
 * path as a fork's project site is): `npm run release` refuses a dirty tree, builds the snapshot from
 * the committed tree and tags it; `npm run verify-release` rebuilds the tag and compares every byte
 * with archive/v/X.Y.Z/; the live site calls itself the release only while its tree is the release.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { reportVersion, type Release } from "../../src/pipeline/cite/version.ts";
import { treeSourceHash } from "../../scripts/lib/source-tree.ts";
import { MINIMAL } from "../helpers/fixtures.ts";
import { cffErrors } from "../helpers/schemas.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const SITE = "https://example.org/fork/";
let repo: string;

function git(cwd: string, ...args: string[]): string {
  const res = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`git ${args.join(" ")}: ${res.stderr}`);
  return res.stdout.trim();
}

/**
 * The environment of a command run in a shell: without the build's test settings, and without the
 * variables Vitest sets for itself (BASE_URL, MODE…), which Astro would read as its own.
 */
function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (
      /^(ATLAS_|VITEST)/.test(k) ||
      ["BASE_URL", "MODE", "DEV", "PROD", "SSR", "NODE_ENV", "TEST"].includes(k)
    )
      delete env[k];
  return { ...env, ...extra };
}

/** Runs one of the repository's scripts in the temporary repository, as `npm run` would. */
function run(script: string, ...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", `scripts/${script}.ts`, ...args], {
    cwd: repo,
    env: shellEnv(),
    encoding: "utf8",
  });
}

const read = (path: string) => readFileSync(join(repo, path), "utf8");

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "atlas-release-"));
  // The repository as a clone has it (committed or not yet committed here), without its data and releases.
  const files = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    .split("\0")
    .filter((p) => p && !/^(archive|data|test)\//.test(p) && existsSync(join(ROOT, p)));
  for (const p of files) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    cpSync(join(ROOT, p), join(repo, p));
  }
  cpSync(MINIMAL, join(repo, "data"), { recursive: true });
  writeFileSync(join(repo, "releases.json"), "[]\n");
  writeFileSync(join(repo, "dois.json"), '{ "concept": null, "versions": {} }\n');
  writeFileSync(join(repo, "retired-figures.json"), "[]\n");
  const config = JSON.parse(read("report.config.json")) as Record<string, unknown>;
  writeFileSync(
    join(repo, "report.config.json"),
    `${JSON.stringify({ ...config, siteUrl: SITE }, null, 2)}\n`,
  );
  writeFileSync(
    join(repo, "CHANGELOG.md"),
    "# Changelog\n\n## [Unreleased]\n\n### Added\n- The fork's first release:\n  fixture study A.\n\n### Fixed\n- A typo.\n",
  );
  symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"));
  git(repo, "init", "-q", "-b", "main");
  git(repo, "config", "user.email", "release-test@example.org");
  git(repo, "config", "user.name", "Release test");
  git(repo, "config", "commit.gpgsign", "false");
  git(repo, "config", "tag.gpgsign", "false");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "A fork of the atlas");
}, 120_000);
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("npm run release", () => {
  it("refuses a dirty working tree, changing nothing", () => {
    const head = git(repo, "rev-parse", "HEAD");
    writeFileSync(join(repo, "notes.txt"), "not committed\n");
    const res = run("release", "--version", "0.2.0", "--date", "2026-12-01");
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("uncommitted change");
    expect(res.stderr).toContain("notes.txt");
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(git(repo, "tag")).toBe("");
    expect(read("releases.json")).toBe("[]\n");
    rmSync(join(repo, "notes.txt"));
    const bad = run("release", "--version", "0.2.0", "--date", "2026-13-45");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("is not YYYY-MM-DD");
  });

  it("puts everything back when the snapshot cannot be built after the release commit", () => {
    const config = read("report.config.json");
    writeFileSync(join(repo, "report.config.json"), config.replace(SITE, "not a url"));
    git(repo, "commit", "-q", "-am", "A broken site address");
    const head = git(repo, "rev-parse", "HEAD");
    const res = run("release", "--version", "0.2.0", "--date", "2026-12-01");
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("Nothing was kept");
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(git(repo, "status", "--porcelain")).toBe("");
    expect(git(repo, "tag")).toBe("");
    expect(existsSync(join(repo, "archive"))).toBe(false);
    writeFileSync(join(repo, "report.config.json"), config);
    git(repo, "commit", "-q", "-am", "The site address again");
  });

  it("commits the release records and the snapshot built from that commit, and tags it", () => {
    const res = run("release", "--version", "0.2.0", "--date", "2026-12-01");
    expect(res.status, res.stderr).toBe(0);
    expect(git(repo, "status", "--porcelain")).toBe("");
    expect(git(repo, "rev-parse", "v0.2.0^{commit}")).toBe(git(repo, "rev-parse", "HEAD"));
    expect(git(repo, "log", "-1", "--format=%s")).toBe("Release 0.2.0");
    const [release] = JSON.parse(read("releases.json")) as Release[];
    expect(release).toMatchObject({
      version: "0.2.0",
      date: "2026-12-01",
      changes: ["The fork's first release: fixture study A.", "A typo."],
    });
    expect(release!.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(read("package.json")).version).toBe("0.2.0");
    expect(JSON.parse(read("package-lock.json")).packages[""].version).toBe("0.2.0");
    expect(read("CHANGELOG.md")).toContain("## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n### Added");
    const cff = parse(read("CITATION.cff")) as Record<string, unknown>;
    expect(cffErrors(cff)).toEqual([]);
    expect(cff).toMatchObject({ version: "0.2.0", "date-released": "2026-12-01", type: "dataset" });
    expect(JSON.parse(read(".zenodo.json"))).toMatchObject({ version: "0.2.0", upload_type: "dataset" });

    // The snapshot calls itself the release, lives under the fork's path and pins every link and download there.
    const index = read("archive/v/0.2.0/index.html");
    expect(index).toContain(`release 0.2.0 (2026-12-01, data ${release!.dataHash})`);
    const figure = read("archive/v/0.2.0/figures/fig-throughput-acc-a-resnet50/index.html");
    expect(figure).toContain('href="/fork/v/0.2.0/figures/fig-throughput-acc-a-resnet50.svg"');
    expect(figure).toContain('href="/fork/v/0.2.0/figures/fig-throughput-acc-a-resnet50.bib"');
    expect(figure).toContain('href="/fork/versions/"');
    expect(read("archive/v/0.2.0/figures/fig-throughput-acc-a-resnet50.bib")).toContain(
      `url = {${SITE}v/0.2.0/figures/fig-throughput-acc-a-resnet50/}`,
    );
    expect(read("archive/v/0.2.0/figures/fig-throughput-acc-a-resnet50.svg")).toContain(
      `Permalink: ${SITE}v/0.2.0/figures/fig-throughput-acc-a-resnet50/`,
    );
    expect(JSON.parse(read("archive/v/0.2.0/figures.json")).release).toBe("2026-12-01");

    const again = run("release", "--version", "0.2.0", "--date", "2026-12-02");
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("not higher than the latest release 0.2.0");
  }, 600_000);

  it("rebuilds the release from its tag and finds every byte of the snapshot, naming any file that differs", () => {
    // One byte changed in the snapshot: the rebuild must differ in exactly that file and no other.
    appendFileSync(join(repo, "archive/v/0.2.0/figures/fig-throughput-acc-a-resnet50.bib"), "%");
    const res = run("verify-release", "0.2.0");
    expect(res.status, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/differs from archive\/v\/0\.2\.0\/ in 1 file\(s\) \((\d+) identical\)/);
    expect(Number(/\((\d+) identical\)/.exec(res.stderr)![1])).toBeGreaterThan(50);
    expect(res.stderr).toContain("  differs: figures/fig-throughput-acc-a-resnet50.bib");
    git(repo, "checkout", "--", "archive");
    expect(run("verify-release", "0.3.0").stderr).toContain("archive/v/0.3.0/ does not exist");
  }, 600_000);

  it("builds the live site at the tag as that release, with downloads pinned to /v/0.2.0/; any later change makes it a development build", () => {
    const out = join(mkdtempSync(join(tmpdir(), "atlas-live-")), "dist");
    const env = shellEnv({ ATLAS_OUT_DIR: out, ATLAS_WORK_DIR: join(dirname(out), "work") });
    const res = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
      cwd: repo,
      env,
      encoding: "utf8",
    });
    expect(res.status, res.stderr).toBe(0);
    const [release] = JSON.parse(read("releases.json")) as Release[];
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain(
      `release 0.2.0 (2026-12-01, data ${release!.dataHash})`,
    );
    const figure = readFileSync(join(out, "figures", "fig-throughput-acc-a-resnet50", "index.html"), "utf8");
    expect(figure).toContain('href="/fork/v/0.2.0/figures/fig-throughput-acc-a-resnet50.png"');
    expect(existsSync(join(out, "v", "0.2.0", "figures", "fig-throughput-acc-a-resnet50.png"))).toBe(true);
    rmSync(dirname(out), { recursive: true, force: true });

    // A DOI minted afterwards does not change the tree the site is made of; a new finding does.
    writeFileSync(
      join(repo, "dois.json"),
      '{ "concept": "10.5281/zenodo.1", "versions": { "0.2.0": "10.5281/zenodo.2" } }\n',
    );
    expect(treeSourceHash(repo)).toBe(release!.sourceHash);
    writeFileSync(join(repo, "docs", "build.md"), `${read("docs/build.md")}\nOne more line.\n`);
    git(repo, "commit", "-q", "-am", "After the release");
    expect(treeSourceHash(repo)).not.toBe(release!.sourceHash);
    expect(reportVersion("0.2.0", release!.dataHash, treeSourceHash(repo), [release!]).release).toBeNull();
  }, 600_000);
});
