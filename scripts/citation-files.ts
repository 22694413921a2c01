/**
 * `npm run citation-files`: writes CITATION.cff and .zenodo.json again for the newest release, with the
 * DOIs in dois.json (run it after Zenodo has minted them: README, "Cite it"). References are the
 * studies of that release (the study pages of its snapshot), with their current metadata.
 */
import { latestRelease } from "../src/pipeline/cite/record.ts";
import { loadData } from "../src/pipeline/ingest/index.ts";
import { writeCitationFiles, releasedStudyIds } from "./lib/citation-files.ts";
import { dataDirOf, readReleases } from "./lib/stages.ts";

const root = process.cwd();
const release = latestRelease(readReleases(root));
if (!release) {
  process.stderr.write(
    "citation-files: releases.json lists no release yet; `npm run release` writes both files\n",
  );
  process.exit(2);
}
const released = releasedStudyIds(root, release.version);
const studies = loadData(dataDirOf(root)).studies.map((s) => s.study);
const cited = released ? studies.filter((s) => released.has(s.id)) : studies;
const missing = released ? [...released].filter((id) => !studies.some((s) => s.id === id)) : [];
if (missing.length)
  process.stderr.write(
    `citation-files: ${missing.join(", ")} of release ${release.version} are no longer in data/ and are not cited\n`,
  );
writeCitationFiles(root, release, cited);
process.stdout.write(
  `citation-files: CITATION.cff and .zenodo.json written for release ${release.version} (${cited.length} studies)\n`,
);
