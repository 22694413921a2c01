/** CHANGELOG.md (Keep a Changelog) as `npm run release` reads and writes it. */

/** The bullets under `## [Unreleased]`, one change each, continuation lines joined; section headings dropped. */
export function unreleasedChanges(changelog: string): string[] {
  const section = /## \[Unreleased\]\n([\s\S]*?)(?=\n## \[|$)/.exec(changelog)?.[1] ?? "";
  const lines = section.split("\n").filter((l) => !/^#{1,6}\s/.test(l));
  return lines
    .join("\n")
    .split(/\n(?=- )/)
    .map((b) => b.trim())
    .filter((b) => b.startsWith("- "))
    .map((b) =>
      b
        .slice(2)
        .replace(/\s*\n\s*/g, " ")
        .trim(),
    );
}

/** The changelog with the Unreleased entries moved under `## [version] - date`, Unreleased left empty. */
export function releaseChangelog(changelog: string, version: string, date: string): string {
  return changelog.replace("## [Unreleased]\n", `## [Unreleased]\n\n## [${version}] - ${date}\n`);
}
