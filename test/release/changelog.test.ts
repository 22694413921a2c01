import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { releaseChangelog, unreleasedChanges } from "../../scripts/lib/changelog.ts";

const LOG = `# Changelog

## [Unreleased]

### Changed
- One change,
  on two lines.
- Another.

### Fixed
- A fix.

## [0.1.0] - 2026-11-23

### Added
- Old.
`;

describe("the changelog as a release reads it", () => {
  it("takes each Unreleased bullet as one change, joins its lines and leaves the section headings out", () => {
    expect(unreleasedChanges(LOG)).toEqual(["One change, on two lines.", "Another.", "A fix."]);
    expect(unreleasedChanges("# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-11-23\n- Old.\n")).toEqual(
      [],
    );
  });

  it("moves the Unreleased entries under the new version and leaves Unreleased empty", () => {
    const out = releaseChangelog(LOG, "0.2.0", "2026-12-01");
    expect(out).toContain("## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n### Changed\n- One change,");
    expect(unreleasedChanges(out)).toEqual([]);
  });

  it("reads the repository's own changelog without a heading inside any change", () => {
    const log = readFileSync(join(import.meta.dirname, "..", "..", "CHANGELOG.md"), "utf8");
    // Unreleased is empty right after a release: read the newest release's section the same way,
    // as `npm run release` read it when it was still Unreleased.
    const newest = log
      .replace(/## \[Unreleased\][\s\S]*?(?=\n## \[)/, "")
      .replace(/^## \[\d+\.\d+\.\d+\] - .*$/m, "## [Unreleased]");
    const changes = [...unreleasedChanges(log), ...unreleasedChanges(newest)];
    expect(changes.length).toBeGreaterThan(5);
    for (const c of changes) expect(c).not.toMatch(/#{2,} [A-Z]/);
  });
});
