/** Citations that pages and .bib downloads share, made once per build from the citation records. */
import report from "../../report.config.json";
import { citation, type Citation, type Cited } from "../pipeline/cite/citation.ts";
import type { CslItem } from "../pipeline/cite/csl.ts";
import {
  atlasRecord,
  editionRecord,
  latestRelease,
  originalRecord,
  releaseRecord,
  studyPageRecord,
} from "../pipeline/cite/record.ts";
import type { Study } from "../pipeline/schema.ts";
import { allStudies, once, versionInfo } from "./data.ts";

/** A study page of the atlas, pinned to this version, with the original study. */
export function studyCitation(study: Study): Promise<Citation> {
  return once(`study citation ${study.id}`, async () => {
    const { version } = await versionInfo();
    return citation(studyPageRecord(report, version, study), [originalRecord(study)]);
  });
}

interface AtlasCitation {
  /** The atlas as a whole, every version. */
  atlas: Cited;
  /** The release to cite: this build when it is a release, otherwise the newest release (or, before the first, this build). */
  release: Cited;
  /** Every original work, once (an MLPerf round's two studies cite one). */
  studies: Cited[];
  /** The atlas's study pages that draw on each original, by its key. */
  studiesOf: Map<string, string[]>;
  /** /cite/atlas.bib: all of the above. */
  bibFile: string;
  csl: CslItem[];
}

/** The atlas, its release and every original study: what /cite/ shows and /cite/atlas.bib holds. */
export function atlasCitation(): Promise<AtlasCitation> {
  return once("atlas citation", async () => {
    const { version, releases } = await versionInfo();
    const latest = latestRelease(releases);
    const release = version.release
      ? releaseRecord(report, version.release)
      : latest
        ? releaseRecord(report, latest)
        : editionRecord(report, version);
    const studies = (await allStudies()).map((s) => s.study);
    const originals = studies.map(originalRecord);
    const studiesOf = new Map<string, string[]>();
    for (const [i, s] of studies.entries()) {
      const key = originals[i]!.key;
      studiesOf.set(key, [...(studiesOf.get(key) ?? []), s.id]);
    }
    const all = citation(atlasRecord({ ...report, doi: version.conceptDoi }, releases), [
      release,
      ...originals,
    ]);
    return {
      atlas: all.main,
      release: all.sources[0]!,
      studies: all.sources.slice(1),
      studiesOf,
      bibFile: all.bibFile,
      csl: all.csl,
    };
  });
}
