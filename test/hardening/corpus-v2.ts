/**
 * Hardening v2 (issue 19): the inputs a careless or hostile contributor tried that the first corpus
 * did not cover, grouped by the nine defects the issue lists. Each is a change to a copy of
 * test/fixtures/data-minimal and the located problem it must produce; bad-input.test.ts runs them all.
 */
import { cpSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_PROBLEMS_SHOWN } from "../../src/pipeline/errors.ts";
import { edit } from "../helpers/fixtures.ts";
import {
  ACC,
  CSV,
  HEADER,
  META,
  POPART_MATCH_LINE,
  REPO_DATA,
  at,
  finding,
  outside,
  setLine,
  withSimulator,
  type BadInput,
} from "./corpus.ts";

/** Adds a table entry (YAML lines under `tables:`) and its CSV to study-a. */
function addTable(dir: string, file: string, entry: string, csv: string): void {
  edit(dir, META, (t) => t.replace("claims:", `${entry}claims:`));
  writeFileSync(join(dir, "studies/study-a", file), csv);
}

/** A second table of study-a with its own series, model and rows. */
const secondTable = (file: string, series: string, model: string) => `  - file: ${file}
    title: "A second table"
    source: "Table 2"
    series: ${series}
    accelerator: acc-a
    model: ${model}
    input: { width: 224, height: 224, stated: true }
    precision: fp32
    framework: "FixtureFlow 1.0"
    execution: eager
    columns:
      - { name: "Batch Size", field: batch_size, unit: images }
      - { name: "Throughput", field: throughput_img_s, unit: img/s }
`;

/** Moves a folder of the copy out of it and leaves a symbolic link in its place. */
function linkOut(dir: string, rel: string): void {
  const away = join(outside(dir), rel.replaceAll("/", "-"));
  renameSync(join(dir, rel), away);
  symlinkSync(away, join(dir, rel));
}

/** 1. Reads outside the repository: linked folders, not only linked files, are refused. */
const OUTSIDE: BadInput[] = [
  {
    name: "data/findings is a symbolic link to a folder outside data/",
    apply: (d) => {
      finding(d, "published.md", "Read from outside the repository.\n");
      linkOut(d, "findings");
    },
    expect: at("findings", 0, 0, "folder is a symbolic link"),
  },
  {
    name: "data/studies is a symbolic link to a folder outside data/",
    apply: (d) => linkOut(d, "studies"),
    expect: at("studies", 0, 0, "folder is a symbolic link"),
  },
  {
    name: "data/accelerators is a symbolic link to a folder outside data/",
    apply: (d) => linkOut(d, "accelerators"),
    expect: at("accelerators", 0, 0, "folder is a symbolic link"),
  },
  {
    name: "data/simulator is a symbolic link to a folder outside data/",
    apply: (d) => {
      cpSync(join(REPO_DATA, "simulator"), join(d, "simulator"), { recursive: true });
      linkOut(d, "simulator");
    },
    expect: at("simulator", 0, 0, "folder is a symbolic link"),
  },
  {
    name: "symbolic link to a file inside data/",
    apply: (d) => {
      cpSync(join(d, CSV), join(d, "accelerators-copy.csv"));
      rmSync(join(d, CSV));
      symlinkSync(join(d, "accelerators-copy.csv"), join(d, CSV));
    },
    expect: at(CSV, 0, 0, "file is a symbolic link"),
  },
  {
    name: "symbolic link beside the tables of a study",
    apply: (d) => symlinkSync(join(outside(d), "secret.csv"), join(d, "studies/study-a/notes.txt")),
    expect: at("studies/study-a/notes.txt", 0, 0, "file is a symbolic link"),
  },
];

/** 2. Values that are finite as written but not after the unit factor, and derived values out of range. */
const RANGES: BadInput[] = [
  {
    name: "latency of 1 followed by 306 zeros in seconds (infinite in ms)",
    apply: (d) => {
      setLine(d, META, 24, '      - { name: "Latency", field: latency_ms, unit: s, suffix: "s" }');
      edit(d, CSV, (t) => t.replaceAll(" ms,", " s,"));
      setLine(d, CSV, 3, `2,1${"0".repeat(306)} s,363.6,2.75`);
    },
    expect: at(
      CSV,
      3,
      3,
      'column "Latency" (latency_ms): value outside the physical range after converting s to ms',
    ),
    also: ['found:    "1000000000', "= infinite (too large for a number) ms"],
  },
  {
    name: "latency of 0.000…5 ns (zero in ms)",
    apply: (d) => {
      setLine(d, META, 24, '      - { name: "Latency", field: latency_ms, unit: ns, suffix: "ns" }');
      edit(d, CSV, (t) => t.replaceAll(" ms,", " ns,"));
      setLine(d, CSV, 3, `2,0.${"0".repeat(320)}5 ns,363.6,2.75`);
    },
    expect: at(
      CSV,
      3,
      3,
      'column "Latency" (latency_ms): value outside the physical range after converting ns to ms',
    ),
    also: ["= 0 ms", "expected: a number from 0.000001 to 86,400,000 ms"],
  },
  {
    name: "derived cost from a huge price and a tiny throughput",
    apply: (d) => {
      edit(d, META, (t) =>
        t.replace(
          "    images_per_run: 1000\n",
          "    images_per_run: 1000\n    price_usd_per_hour: 1000000\n",
        ),
      );
      setLine(d, CSV, 3, "2,5.50 ms,0.000001,2.75");
    },
    expect: at(CSV, 3, 11, "derived cost_usd_per_1000_img is outside the physical range"),
    also: [
      'computed from "0.000001" at data/studies/study-a/latency.csv:3:11, price_usd_per_hour 1000000 (study.yaml)',
    ],
  },
  {
    name: "price of 1e300 dollars an hour",
    apply: (d) =>
      edit(d, META, (t) =>
        t.replace("    images_per_run: 1000\n", "    images_per_run: 1000\n    price_usd_per_hour: 1e300\n"),
      ),
    expect: at(META, 22, 25, "tables.0.price_usd_per_hour: a number from 0.000001 to 1,000,000 USD/h"),
  },
  {
    name: "accelerator peak of 1e300 TFLOPS",
    apply: (d) => edit(d, ACC, (t) => t.replace("value: 10,", "value: 1e300,")),
    expect: at(ACC, 7, 30, "specs.peak_fp32_tflops.value: a number from 0.000001 to 100,000 TFLOPS"),
  },
];

/** 3. Duplicate keys: an error at both places, never a merge. */
const DUPLICATES: BadInput[] = [
  {
    name: "the same batch twice in one table",
    apply: (d) => setLine(d, CSV, 5, "8,10.20 ms,784.3,1.28"),
    expect: at(CSV, 4, 1, "rows 4 and 5 are the same point (batch 8)"),
    also: [
      `${at(CSV, 5, 1, "rows 4 and 5 are the same point (batch 8)")}`,
      "found:    the same key on line 5",
    ],
  },
  {
    name: "two corrections for one cell",
    apply: (d) =>
      edit(d, META, (t) =>
        t.replace(
          "    columns:\n",
          '    corrections:\n      - { line: 3, column: "Latency", published: "5.50 ms", read_as: "5.50 ms", reason: "a" }\n      - { line: 3, column: "Latency", published: "5.50 ms", read_as: "5.60 ms", reason: "b" }\n    columns:\n',
        ),
      ),
    expect: at(META, 24, 9, 'two corrections for latency.csv line 3, column "Latency"'),
    also: ["found:    this one and the one at line 23"],
  },
  {
    name: "two tables of one series give the same quantity at the same batch",
    apply: (d) =>
      addTable(
        d,
        "throughput.csv",
        secondTable("throughput.csv", "study-a-fp32", "resnet50_v1.5"),
        "Batch Size,Throughput\n8,801.0\n",
      ),
    expect: at(CSV, 4, 12, "series study-a-fp32 gets throughput_img_s for batch 8 from two tables"),
    also: [
      at("studies/study-a/throughput.csv", 2, 3, "series study-a-fp32 gets throughput_img_s for batch 8"),
      'found:    "800.0" here and "801.0" at data/studies/study-a/throughput.csv:2:3',
    ],
  },
];

/** 4. What crashed with a stack trace: colliding figure ids, noncharacters on their way to the PNG renderer. */
const CRASHES: BadInput[] = [
  {
    name: "two models whose figure ids collide after slugging (resnet50-unversioned and resnet50)",
    apply: (d) => {
      setLine(d, META, 16, "    model: resnet50");
      addTable(
        d,
        "other.csv",
        secondTable("other.csv", "study-a-other", "resnet50-unversioned"),
        "Batch Size,Throughput\n1,100.0\n",
      );
    },
    expect: at(
      META,
      32,
      12,
      'model "resnet50-unversioned" on acc-a gets the same figure ids as the model at data/studies/study-a/study.yaml:16:12',
    ),
    also: ["found:    fig-throughput-acc-a-resnet50-unversioned twice"],
  },
  {
    name: "U+FFFE in an accelerator name (a figure title)",
    apply: (d) => setLine(d, ACC, 2, 'name: "Accelerator \uFFFE A"'),
    expect: at(ACC, 2, 20, "file contains an invisible character"),
    also: ["found:    U+FFFE (noncharacter)"],
  },
  {
    name: "U+FFFF in a CSV header",
    apply: (d) => setLine(d, CSV, 1, "Batch Size,Latency\uFFFF,Throughput,Run time (s)"),
    expect: at(CSV, 1, 19, "file contains an invisible character"),
    also: ["found:    U+FFFF (noncharacter)"],
  },
];

/** Problems past the first thousand of one check are counted, not kept (and never spread into a call). */
CRASHES.push({
  name: "a bad cell in every column of 99,999 rows (400,000 problems; a stack overflow before)",
  apply: (d) => writeFileSync(join(d, CSV), `${HEADER}\n${"x,y,z,w\n".repeat(99_999)}`),
  expect: at(CSV, 2, 1, 'column "Batch Size" (batch_size, images): not a valid value'),
  also: [`… and ${399_996 - MAX_PROBLEMS_SHOWN} more problems`],
});

/** A key of `n` nested flow mappings, as in the issue (700 levels: 1.4 KB). */
export const nestedKey = (n: number) => `${"{".repeat(n)}${"}".repeat(n)}: 1`;

/** 5. Denial of service: refused before any slow work (the timing is asserted in dos.test.ts). */
const SLOW: BadInput[] = [
  {
    name: "stack pattern that backtracks polynomially (.*.*.*…#)",
    apply: (d) =>
      withSimulator(d, (t) =>
        t.replace('match: ["popart", "poplar"]', `match: ["popart", "${".*".repeat(12)}#"]`),
      ),
    expect: at(
      "simulator/stacks.yaml",
      POPART_MATCH_LINE,
      23,
      "stacks.0.match.1: a word or phrase matched as text",
    ),
  },
  {
    name: "stack pattern with a character class and a quantifier",
    apply: (d) => withSimulator(d, (t) => t.replace('match: ["popart", "poplar"]', 'match: ["pop[a-z]+"]')),
    expect: at(
      "simulator/stacks.yaml",
      POPART_MATCH_LINE,
      13,
      "stacks.0.match.0: a word or phrase matched as text",
    ),
  },
  {
    name: "mapping key of 700 nested flow mappings in study.yaml",
    apply: (d) => edit(d, META, (t) => `${t}${nestedKey(700)}\n`),
    expect: at(META, 32, 1, "YAML syntax error (KEY_OVER_1024_CHARS)"),
  },
  {
    name: "mapping key of 300 nested flow mappings in study.yaml",
    apply: (d) => edit(d, META, (t) => `${t}${nestedKey(300)}\n`),
    expect: at(META, 32, 1, "mapping key is not a plain value"),
  },
  {
    name: "explicit mapping key of 700 nested flow mappings in study.yaml",
    apply: (d) => edit(d, META, (t) => `${t}? ${nestedKey(700).slice(0, -3)}\n: 1\n`),
    expect: at(META, 32, 3, "mapping key is not a plain value"),
  },
];

/** 6. YAML dialects: YAML 1.2 core only, in every file and in front matter. */
const DIALECTS: BadInput[] = [
  {
    name: "%YAML 1.1 directive",
    apply: (d) => edit(d, META, (t) => `%YAML 1.1\n---\n${t}`),
    expect: at(META, 1, 1, "YAML directive"),
    also: ['found:    "%YAML 1.1"'],
  },
  {
    name: "%TAG directive",
    apply: (d) => edit(d, ACC, (t) => `%TAG !e! tag:example.com,2000:\n---\n${t}`),
    expect: at(ACC, 1, 1, "YAML directive"),
  },
  {
    name: "core tag !!str",
    apply: (d) => setLine(d, META, 2, 'title: !!str "Fixture study A"'),
    expect: at(META, 2, 14, "YAML tag"),
    also: ['found:    "!!str"'],
  },
  {
    name: "merge key without an alias",
    apply: (d) =>
      setLine(d, META, 7, 'license: { <<: { redistribution: allowed }, note: "made up for tests" }'),
    expect: at(META, 7, 12, "YAML merge key"),
  },
  {
    name: "list as a mapping key",
    apply: (d) => edit(d, META, (t) => `${t}? [a, b]\n: 1\n`),
    expect: at(META, 32, 3, "mapping key is not a plain value"),
  },
  {
    name: "finding front matter with a tag",
    apply: (d) =>
      finding(
        d,
        "tagged.md",
        "x\n",
        "title: !!binary QSBmaW5kaW5n\norder: 1\nheadline: A headline\nverdict: supported\n",
      ),
    expect: at("findings/tagged.md", 2, 17, "YAML tag"),
  },
  {
    name: "finding front matter with a %YAML directive",
    apply: (d) =>
      finding(
        d,
        "directive.md",
        "x\n",
        "%YAML 1.1\ntitle: A finding\norder: 1\nheadline: A headline\nverdict: y\n",
      ),
    expect: at("findings/directive.md", 2, 1, "YAML directive"),
  },
];

/** 8. Accepted though wrong. */
const WRONG: BadInput[] = [
  {
    name: "claim test field with a typo",
    apply: (d) =>
      edit(
        d,
        META,
        (t) =>
          `${t}  - id: thr-8\n    text: "800 img/s at batch 8."\n    where: "Table 1"\n    test: { kind: value, series: study-a-fp32, field: throughput_img_sec, batch: 8, expected: 800, tolerance: 0.01 }\n`,
      ),
    expect: at(META, 35, 55, "claims.1.test.field: not one of the allowed values"),
    also: ['hint:     did you mean "throughput_img_s"?'],
  },
  {
    name: "unknown field in study.yaml",
    apply: (d) => setLine(d, META, 2, 'titel: "Fixture study A"'),
    expect: at(META, 2, 1, 'unknown field "titel"'),
    // One problem: the misspelt field, whose hint names the missing one (not also "title: required field is missing").
    also: ['hint:     did you mean "title"? It is required and missing'],
  },
  {
    name: "unknown field in a table",
    apply: (d) => setLine(d, META, 18, "    precission: fp32"),
    expect: at(META, 18, 5, 'tables.0: unknown field "precission"'),
    also: ['hint:     did you mean "precision"?'],
  },
  {
    name: "blank title",
    apply: (d) => setLine(d, META, 2, 'title: "   "'),
    expect: at(META, 2, 8, "title: text that is not blank"),
  },
  {
    name: "blank finding title",
    apply: (d) =>
      finding(d, "blank.md", "x\n", 'title: " "\norder: 1\nheadline: A headline\nverdict: supported\n'),
    expect: at("findings/blank.md", 2, 8, "front matter title: text that is not blank"),
  },
  {
    name: "simulated claim about an input of 1e200 pixels (∞ MB)",
    apply: (d) =>
      edit(
        d,
        META,
        (t) =>
          `${t}  - id: inf\n    text: "Needs memory."\n    where: "p. 1"\n    test: { kind: simulated, quantity: peakActivationBytes, model: resnet50_v1.5, input: { width: 1e200, height: 1e200 }, precision: int8, expected: 1000, tolerance: 0.1, comparison: greater-than }\n`,
      ),
    expect: at(META, 35, 99, "claims.1.test.input.width: value out of range"),
  },
  {
    name: "data token that gives ∞ MB in a finding",
    apply: (d) => {
      withSimulator(d, (t) => t);
      finding(
        d,
        "inf.md",
        `Needs {{sim:peakActivationBytes:resnet50_v1.5:${"9".repeat(200)}x${"9".repeat(200)}:int8}} of memory.\n`,
      );
    },
    expect: at("findings/inf.md", 7, 7, "data token {{sim:peakActivationBytes:resnet50_v1.5:"),
    also: ["gives a number that is not finite", 'found:    "∞ MB"'],
  },
  {
    name: "finding that links to a study that does not exist",
    apply: (d) => finding(d, "dead.md", "See [the study](../../studies/no-such-study/).\n"),
    expect: at("findings/dead.md", 7, 5, "link to a study that does not exist"),
    also: ['found:    "no-such-study"'],
  },
  {
    name: "finding that links to a figure that does not exist",
    apply: (d) => finding(d, "deadfig.md", "Intro.\n\nSee [the figure](/figures/fig-none.svg).\n"),
    expect: at("findings/deadfig.md", 9, 5, "link to a figure that does not exist"),
  },
  {
    name: "finding with a remote tracking image",
    apply: (d) => finding(d, "pixel.md", "Text ![](https://tracker.example/p.gif?u=1) more.\n"),
    expect: at("findings/pixel.md", 7, 6, "image from another site in a finding"),
  },
  {
    name: "finding with a javascript: image (refused before the sanitizer sees it)",
    apply: (d) => finding(d, "jsimage.md", "![image](javascript:window.__pwned='md-image')\n"),
    expect: at("findings/jsimage.md", 7, 1, "image in a finding"),
  },
  {
    name: "finding with a remote image in its headline",
    apply: (d) =>
      finding(
        d,
        "pixel2.md",
        "x\n",
        "title: A finding\norder: 1\nheadline: Look ![](https://tracker.example/p.gif)\nverdict: supported\n",
      ),
    expect: at("findings/pixel2.md", 4, 20, "image from another site in a finding"),
  },
  {
    name: "table saved as Extra.CSV",
    apply: (d) => writeFileSync(join(d, "studies/study-a/Extra.CSV"), `${HEADER}\n1,5.00 ms,200.0,5.00\n`),
    expect: at("studies/study-a/Extra.CSV", 0, 0, "unexpected file in a study folder"),
    also: ["lower-case .csv name"],
  },
  {
    name: "table saved as .tsv",
    apply: (d) => writeFileSync(join(d, "studies/study-a/latency.tsv"), "a\tb\n1\t2\n"),
    expect: at("studies/study-a/latency.tsv", 0, 0, "unexpected file in a study folder"),
  },
  {
    name: "subfolder in a study folder",
    apply: (d) => mkdirSync(join(d, "studies/study-a/raw")),
    expect: at("studies/study-a/raw", 0, 0, "unexpected folder in a study folder"),
  },
  {
    name: "zero-width space in a batch cell",
    apply: (d) => setLine(d, CSV, 4, "8\u200B,10.00 ms,800.0,1.25"),
    expect: at(CSV, 4, 2, "file contains an invisible character"),
    also: ["found:    U+200B (zero width space)"],
  },
  {
    name: "right-to-left mark in a framework label",
    apply: (d) => setLine(d, META, 19, '    framework: "FixtureFlow\u200F 1.0"'),
    expect: at(META, 19, 28, "file contains an invisible character"),
    also: ["found:    U+200F (right-to-left mark)"],
  },
  {
    name: "batch of 10^21 images",
    apply: (d) => setLine(d, CSV, 6, "1000000000000000000000,20.00 ms,800.0,12.50"),
    expect: at(CSV, 6, 1, 'column "Batch Size" (batch_size): value outside the physical range'),
    also: ["expected: a whole number from 1 to 1,000,000 images"],
  },
  {
    name: "claim about a batch of 10^21 images",
    apply: (d) =>
      setLine(
        d,
        META,
        31,
        "    test: { kind: peak-fraction, series: study-a-fp32, batch: 1e21, expected: 0.9 }",
      ),
    expect: at(META, 31, 63, "claims.0.test.batch: value out of range"),
  },
];

/** 9. Messages that misled: now located and readable. */
const MESSAGES: BadInput[] = [
  {
    name: "zero-width space in a CSV header",
    apply: (d) => setLine(d, CSV, 1, "Batch Size,Latency\u200B,Throughput,Run time (s)"),
    expect: at(CSV, 1, 19, "file contains an invisible character"),
    also: ["found:    U+200B (zero width space)"],
  },
  {
    name: "study folder name with a Cyrillic у (homoglyph)",
    apply: (d) => renameSync(join(d, "studies/study-a"), join(d, "studies/stud\u0443-a")),
    expect: "data/studies/stud\\u0443-a: study folder name is not a safe id",
    also: ['found:    "stud\\u0443-a": U+0443 at character 5 is not ASCII'],
  },
  {
    name: "accelerator file name with a Cyrillic а (homoglyph)",
    apply: (d) => {
      renameSync(join(d, ACC), join(d, "accelerators/\u0430cc-a.yaml"));
    },
    expect: "data/accelerators/\\u0430cc-a.yaml: accelerator file name is not a safe id",
    also: ["U+0430 at character 1 is not ASCII"],
  },
  {
    name: "id with a Cyrillic е in study.yaml",
    apply: (d) => setLine(d, META, 14, "    series: study-a-fp32-\u0435"),
    expect: at(META, 14, 13, "tables.0.series: an id of lower-case ASCII letters"),
    also: ["U+0435 at character 14 is not ASCII"],
  },
  {
    name: "finding with a byte-order mark",
    apply: (d) => {
      finding(d, "bom.md", "Text.\n");
      edit(d, "findings/bom.md", (t) => `\uFEFF${t}`);
    },
    expect: at("findings/bom.md", 1, 1, "file starts with a byte-order mark"),
  },
  {
    name: "headline token that cannot be resolved, at its own line and column",
    apply: (d) =>
      finding(
        d,
        "headline.md",
        "x\n",
        "title: A finding\norder: 1\nheadline: Peak is {{peak:no-such-series}} img/s\nverdict: supported\n",
      ),
    expect: at("findings/headline.md", 4, 19, "data token {{peak:no-such-series}} cannot be resolved"),
  },
  {
    name: "verdict token that cannot be resolved, at its own line and column",
    apply: (d) =>
      finding(
        d,
        "verdict.md",
        "x\n",
        'title: A finding\norder: 1\nheadline: A headline\nverdict: "holds at {{peakbatch:nope}}"\n',
      ),
    expect: at("findings/verdict.md", 5, 20, "data token {{peakbatch:nope}} cannot be resolved"),
  },
  {
    name: "empty study.yaml",
    apply: (d) => writeFileSync(join(d, META), ""),
    expect: at(META, 1, 1, "file is empty"),
    also: ["found:    nothing"],
  },
  {
    name: "study.yaml with only comments",
    apply: (d) => writeFileSync(join(d, META), "# to do\n"),
    expect: at(META, 1, 1, "file is empty"),
    also: ["found:    only comments"],
  },
];

export const V2_CASES: BadInput[] = [
  ...OUTSIDE,
  ...RANGES,
  ...DUPLICATES,
  ...CRASHES,
  ...SLOW,
  ...DIALECTS,
  ...WRONG,
  ...MESSAGES,
];
