/**
 * `npm run verify-release -- X.Y.Z`: rebuilds release X.Y.Z from its tag vX.Y.Z, in a temporary worktree,
 * and compares every file, byte for byte, with the snapshot in archive/v/X.Y.Z/. Exit 0 when they are
 * identical, 1 with the differing files listed otherwise, 2 when it cannot check.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SEMVER } from "../src/pipeline/cite/version.ts";
import { tagExists } from "./lib/git.ts";
import { buildSnapshot, compareTrees } from "./lib/snapshot.ts";

const root = process.cwd();
const version = (process.argv.slice(2).find((a) => !a.startsWith("-")) ?? "").replace(/^v/, "");

function fail(message: string, code = 2): never {
  process.stderr.write(`verify-release: ${message}\n`);
  process.exit(code);
}

if (!SEMVER.test(version)) fail("usage: npm run verify-release -- X.Y.Z");
const snapshot = join(root, "archive", "v", version);
if (!existsSync(snapshot)) fail(`archive/v/${version}/ does not exist`);
if (!tagExists(root, `v${version}`))
  fail(`there is no tag v${version} (fetch tags: git fetch --tags; releases before 0.2.0 were not tagged)`);

const out = join(root, ".build", `verify-${version}-site`);
try {
  buildSnapshot(root, `v${version}`, version, out, "verify");
} catch (e) {
  rmSync(out, { recursive: true, force: true });
  fail(e instanceof Error ? e.message : String(e));
}
const diff = compareTrees(snapshot, out);
rmSync(out, { recursive: true, force: true });
const problems = [
  ...diff.changed.map((p) => `  differs: ${p}`),
  ...diff.missing.map((p) => `  only in archive/v/${version}/: ${p}`),
  ...diff.extra.map((p) => `  only in the rebuild: ${p}`),
];
if (problems.length) {
  fail(
    `release ${version} rebuilt from v${version} differs from archive/v/${version}/ in ${problems.length} file(s) (${diff.same} identical):\n${problems.join("\n")}`,
    1,
  );
}
process.stdout.write(
  `verify-release: release ${version} rebuilt from tag v${version} is identical to archive/v/${version}/ (${diff.same} files, every byte)\n`,
);
