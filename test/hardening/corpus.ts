/**
 * Hostile and broken inputs, each a change to a copy of test/fixtures/data-minimal, and the located
 * problem it must produce. Generated in code (the big files at test time) so the repository stays small.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { edit } from "../helpers/fixtures.ts";

export interface BadInput {
  name: string;
  /** Changes a copy of data-minimal in a temporary folder. */
  apply: (dir: string) => void;
  /** The start of the problem the case must report: `file:line:column: message`. */
  expect: string;
  /** Further text the message must hold (a hint, the other line of a duplicate, an escaped character). */
  also?: string[];
}

export const CSV = "studies/study-a/latency.csv";
export const META = "studies/study-a/study.yaml";
export const ACC = "accelerators/acc-a.yaml";
export const HEADER = "Batch Size,Latency,Throughput,Run time (s)";
/** Where a problem is, as messages print it: a whole file (line 0) is named without a line and column. */
export const at = (rel: string, line: number, column: number, message: string) =>
  `data/${rel}${line === 0 ? "" : column === 0 ? `:${line}` : `:${line}:${column}`}: ${message}`;

/** Replaces line `n` (1-based) of a file. */
export function setLine(dir: string, rel: string, n: number, text: string): void {
  edit(dir, rel, (t) =>
    t
      .split("\n")
      .map((l, i) => (i === n - 1 ? text : l))
      .join("\n"),
  );
}

/** A finding with valid front matter and the given body. */
export function finding(
  dir: string,
  name: string,
  body: string,
  front = "title: A finding\norder: 1\nheadline: A headline\nverdict: supported\n",
): void {
  mkdirSync(join(dir, "findings"), { recursive: true });
  writeFileSync(join(dir, "findings", name), `---\n${front}---\n${body}`);
}

/** A folder outside the data folder, for links that point out of it. */
export function outside(dir: string): string {
  const o = `${dir}-outside`;
  mkdirSync(o, { recursive: true });
  writeFileSync(join(o, "secret.csv"), `${HEADER}\n1,5.00 ms,200.0,5.00\n`);
  return o;
}

/** The repository's simulator parameters in the copy, with stacks.yaml changed. */
export function withSimulator(dir: string, change: (text: string) => string): void {
  cpSync(join(REPO_DATA, "simulator"), join(dir, "simulator"), { recursive: true });
  edit(dir, "simulator/stacks.yaml", change);
}
export const REPO_DATA = join(import.meta.dirname, "..", "..", "data");
/** Line of the popart stack's `match` in the real stacks.yaml, where the stack-pattern cases edit it. */
export const POPART_MATCH_LINE =
  readFileSync(join(REPO_DATA, "simulator", "stacks.yaml"), "utf8")
    .split("\n")
    .findIndex((l) => l.includes('match: ["popart", "poplar"]')) + 1;

const laughs = (n: number) =>
  [
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
    ...Array.from(
      { length: n },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(", ")}]`,
    ),
  ].join("\n");

export const CSV_CASES: BadInput[] = [
  {
    name: "ragged row: more cells than the header",
    apply: (d) => setLine(d, CSV, 3, "2,5.50 ms,363.6,2.75,9"),
    expect: at(CSV, 3, 22, "row has more cells than the header"),
  },
  {
    name: "unquoted decimal comma (a ragged row, with a hint)",
    apply: (d) => setLine(d, CSV, 3, "2,5,50 ms,363.6,2.75"),
    expect: at(CSV, 3, 17, "row has more cells than the header"),
    also: ['if "2,5" (cells 1 and 2) or "5,50 ms" (cells 2 and 3) is one number written with a comma'],
  },
  {
    name: "ragged row: fewer cells than the header",
    apply: (d) => setLine(d, CSV, 3, "2,5.50 ms,363.6"),
    expect: at(CSV, 3, 16, "row has fewer cells than the header"),
  },
  {
    name: "quote left open",
    apply: (d) => setLine(d, CSV, 3, '2,"5.50 ms,363.6,2.75'),
    expect: at(CSV, 3, 3, "CSV syntax error (MissingQuotes)"),
  },
  {
    name: "stray quote after a quoted cell",
    apply: (d) => setLine(d, CSV, 4, '8,"10.00 ms"x,800.0,1.25'),
    expect: at(CSV, 4, 3, "CSV syntax error (InvalidQuotes)"),
  },
  {
    name: "quoted cell spanning two lines",
    apply: (d) => setLine(d, CSV, 4, '8,"10.00\nms",800.0,1.25'),
    expect: at(CSV, 4, 3, "a cell spans more than one line"),
  },
  {
    name: "byte-order mark",
    apply: (d) => edit(d, CSV, (t) => `\uFEFF${t}`),
    expect: at(CSV, 1, 1, "file starts with a byte-order mark"),
  },
  {
    name: "semicolon delimiter",
    apply: (d) => edit(d, CSV, (t) => t.replaceAll(",", ";")),
    expect: at(CSV, 1, 1, "wrong delimiter"),
  },
  {
    name: "tab delimiter",
    apply: (d) => edit(d, CSV, (t) => t.replaceAll(",", "\t")),
    expect: at(CSV, 1, 1, "wrong delimiter"),
  },
  {
    name: "empty file",
    apply: (d) => writeFileSync(join(d, CSV), ""),
    expect: at(CSV, 1, 1, "file is empty"),
  },
  {
    name: "only blank lines",
    apply: (d) => writeFileSync(join(d, CSV), "\n\n  \n"),
    expect: at(CSV, 1, 1, "file is empty"),
  },
  {
    name: "header only",
    apply: (d) => writeFileSync(join(d, CSV), `${HEADER}\n`),
    expect: at(CSV, 1, 1, "table has a header but no rows"),
  },
  {
    name: "empty line inside the table",
    apply: (d) => setLine(d, CSV, 3, ""),
    expect: at(CSV, 3, 1, "empty line inside the table"),
  },
  {
    name: "bytes that are not UTF-8 (Latin-1 µ)",
    apply: (d) =>
      writeFileSync(
        join(d, CSV),
        Buffer.concat([
          Buffer.from(`${HEADER}\n1,5.00 ms,200.0,5.00\n2,5.50 `),
          Buffer.from([0xb5]),
          Buffer.from("s,363.6,2.75\n"),
        ]),
      ),
    expect: at(CSV, 3, 8, "file is not valid UTF-8"),
  },
  {
    name: "NaN",
    apply: (d) => setLine(d, CSV, 3, "2,5.50 ms,NaN,2.75"),
    expect: at(CSV, 3, 11, 'column "Throughput" (throughput_img_s, img/s): not a valid value'),
  },
  {
    name: "Infinity",
    apply: (d) => setLine(d, CSV, 3, "2,Infinity ms,363.6,2.75"),
    expect: at(CSV, 3, 3, 'column "Latency" (latency_ms, ms): not a valid value'),
  },
  {
    name: "a number too large for a double",
    apply: (d) => setLine(d, CSV, 3, `2,5.50 ms,${"9".repeat(400)},2.75`),
    expect: at(CSV, 3, 11, 'column "Throughput"'),
  },
  {
    name: "negative throughput",
    apply: (d) => setLine(d, CSV, 3, "2,5.50 ms,-363.6,2.75"),
    expect: at(CSV, 3, 11, 'column "Throughput"'),
  },
  {
    name: "zero batch size",
    apply: (d) => setLine(d, CSV, 3, "0,5.50 ms,363.6,2.75"),
    expect: at(CSV, 3, 1, 'column "Batch Size"'),
  },
  {
    name: "decimal comma in a quoted cell",
    apply: (d) => setLine(d, CSV, 3, '2,"5,50 ms",363.6,2.75'),
    expect: at(CSV, 3, 3, 'column "Latency"'),
  },
  {
    name: "unit the column does not declare",
    apply: (d) => setLine(d, CSV, 3, "2,5.50 s,363.6,2.75"),
    expect: at(CSV, 3, 3, 'column "Latency"'),
  },
  {
    name: "bell character in a cell",
    apply: (d) => setLine(d, CSV, 3, "2,5.50\u0007 ms,363.6,2.75"),
    expect: at(CSV, 3, 7, "file contains a control character"),
  },
  {
    name: "NUL byte",
    apply: (d) => setLine(d, CSV, 5, "8 (run 2)\u0000,10.20 ms,784.3,1.28"),
    expect: at(CSV, 5, 10, "file contains a control character"),
  },
  {
    name: "terminal escape sequence in the header",
    apply: (d) => setLine(d, CSV, 1, "Batch Size,\u001b[2JLatency,Throughput,Run time (s)"),
    expect: at(CSV, 1, 12, "file contains a control character"),
  },
  {
    name: "right-to-left override (Trojan Source)",
    apply: (d) => setLine(d, CSV, 2, "1,5.00 ms,\u202E0.002,5.00"),
    expect: at(CSV, 2, 11, "file contains a control character"),
  },
  {
    name: "old Mac line endings (CR only)",
    apply: (d) => edit(d, CSV, (t) => t.replaceAll("\n", "\r")),
    expect: at(CSV, 1, 43, "line break is a carriage return alone"),
  },
  {
    name: "cell longer than 1000 characters",
    apply: (d) => setLine(d, CSV, 3, `2,5.50 ms,363.6,${"2".repeat(1001)}`),
    expect: at(CSV, 3, 17, "cell is too long"),
  },
  {
    name: "duplicate column name",
    apply: (d) => setLine(d, CSV, 1, "Batch Size,Latency,Latency,Run time (s)"),
    expect: at(CSV, 1, 20, "duplicate column name in header"),
  },
  {
    name: "100,000 columns",
    apply: (d) =>
      writeFileSync(
        join(d, CSV),
        `${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(",")}\n${"1,".repeat(99_999)}1\n`,
      ),
    expect: at(CSV, 1, 247, "too many columns"),
  },
  {
    name: "a million tiny rows",
    apply: (d) => writeFileSync(join(d, CSV), `${HEADER}\n${"1,1 ms,1,1\n".repeat(1_000_000)}`),
    expect: at(CSV, 100_002, 1, "too many rows"),
  },
  {
    name: "a 50 MB file",
    apply: (d) =>
      writeFileSync(
        join(d, CSV),
        Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(50_000_000, "1,5.00 ms,200.0,5.00\n")]),
      ),
    expect: at(CSV, 0, 0, "file is too large"),
  },
  {
    name: "CSV not described in study.yaml",
    apply: (d) => writeFileSync(join(d, "studies/study-a/extra.csv"), "a,b\n1,2\n"),
    expect: at("studies/study-a/extra.csv", 0, 0, "CSV file is not described in study.yaml"),
  },
  {
    name: "symbolic link to a file outside data/",
    apply: (d) => {
      rmSync(join(d, CSV));
      symlinkSync(join(outside(d), "secret.csv"), join(d, CSV));
    },
    expect: at(CSV, 0, 0, "file is a symbolic link"),
  },
  {
    name: "named pipe where the CSV belongs (would block a read forever)",
    apply: (d) => {
      rmSync(join(d, CSV));
      execFileSync("mkfifo", [join(d, CSV)]);
    },
    expect: at(META, 11, 11, "table file listed in study.yaml does not exist"),
  },
];

export const METADATA_CASES: BadInput[] = [
  {
    name: "unit nobody knows",
    apply: (d) =>
      setLine(d, META, 25, '      - { name: "Throughput", field: throughput_img_s, unit: frames/fortnight }'),
    expect: at(META, 25, 62, 'unknown unit "frames/fortnight"'),
  },
  {
    // Studies are read in folder order: the new study (study-0) comes first, so the problem is found at
    // the existing one, and must name the new study's file too.
    name: "series id another study already uses",
    apply: (d) => {
      mkdirSync(join(d, "studies/study-0"));
      copyFileSync(join(d, CSV), join(d, "studies/study-0/latency.csv"));
      const meta = readFileSync(join(d, META), "utf8").replace("id: study-a", "id: study-0");
      writeFileSync(join(d, "studies/study-0/study.yaml"), meta.replace(/\nclaims:[\s\S]*$/, "\n"));
    },
    expect: at(
      META,
      14,
      13,
      "series id is also used by study study-0 at data/studies/study-0/study.yaml:14:13",
    ),
    also: ["rename the series of the study you are adding"],
  },
  {
    name: "unknown accelerator",
    apply: (d) => setLine(d, META, 15, "    accelerator: acc-zz"),
    expect: at(META, 15, 18, "unknown accelerator id in table latency.csv"),
  },
  {
    name: "duplicate study id (a copied folder)",
    apply: (d) => {
      mkdirSync(join(d, "studies/study-b"));
      for (const f of ["study.yaml", "latency.csv"])
        copyFileSync(join(d, "studies/study-a", f), join(d, "studies/study-b", f));
    },
    expect: at("studies/study-b/study.yaml", 1, 5, "study id does not match its folder name"),
  },
  {
    name: "duplicate claim id",
    apply: (d) => edit(d, META, (t) => `${t}  - { id: batch-8-peak, text: "Again.", where: "p. 2" }\n`),
    expect: at(META, 32, 11, "duplicate claim id"),
  },
  {
    name: "claim names a candidate table that does not exist",
    apply: (d) =>
      setLine(
        d,
        META,
        31,
        "    test: { kind: peak-fraction, series: [study-a-fp32, study-a-fp33], batch: 8, expected: 0.9 }",
      ),
    // Located at the list entry itself, with the near miss suggested.
    expect: at(META, 31, 57, "claim batch-8-peak tests a series that does not exist"),
    also: ['"study-a-fp33"', 'did you mean "study-a-fp32"?'],
  },
  {
    name: "claim states a fraction that is not a positive number",
    apply: (d) =>
      setLine(
        d,
        META,
        30,
        '    where: "Abstract"\n    stated: { batch: 8, reference_batch: 16, fraction: -0.9 }',
      ),
    expect: at(META, 31, 56, "claims.0.stated.fraction: value out of range"),
    also: ["expected: a number greater than 0", 'found:    "-0.9"'],
  },
  {
    name: "claim's ratio test names a model no table measures",
    apply: (d) =>
      setLine(
        d,
        META,
        31,
        "    test: { kind: throughput-ratio, accelerator: acc-a, model: resnet-50, batch: 8, reference_batch: 1, expected: 4, tolerance: 0.1 }",
      ),
    expect: at(META, 31, 64, "claim batch-8-peak names a model no table measures"),
    also: ['"resnet-50"'],
  },
  {
    name: "claim's ratio test names an accelerator id with a typo",
    apply: (d) =>
      setLine(
        d,
        META,
        31,
        "    test: { kind: throughput-ratio, accelerator: acc-aa, model: resnet50_v1.5, batch: 8, reference_batch: 1, expected: 4, tolerance: 0.1 }",
      ),
    expect: at(META, 31, 50, "claim batch-8-peak names an unknown accelerator"),
    also: ['did you mean "acc-a"?'],
  },
  {
    name: "table listed twice",
    apply: (d) =>
      edit(d, META, (t) =>
        t.replace("claims:", `  - file: latency.csv\n${t.split("\n").slice(11, 26).join("\n")}\nclaims:`),
      ),
    expect: at(META, 27, 11, "table listed twice"),
  },
  {
    name: "series id with path characters",
    apply: (d) => setLine(d, META, 14, "    series: ../../etc"),
    expect: at(META, 14, 13, "tables.0.series:"),
  },
  {
    name: "table file name with path characters",
    apply: (d) => setLine(d, META, 11, "  - file: ../../../etc/passwd.csv"),
    expect: at(META, 11, 11, "tables.0.file:"),
  },
  {
    name: "accelerator id that is not its file name",
    apply: (d) => setLine(d, ACC, 1, "id: acc-b"),
    expect: at(ACC, 1, 5, "accelerator id does not match its file name"),
  },
  {
    name: "YAML alias",
    apply: (d) => edit(d, META, (t) => `${t}caveats: &c ["lol"]\nnotes: *c\n`),
    expect: at(META, 33, 8, "YAML alias"),
  },
  {
    name: "billion laughs as the whole file",
    apply: (d) => writeFileSync(join(d, META), `${laughs(8)}\n`),
    expect: at(META, 2, 8, "YAML alias"),
  },
  {
    name: "YAML merge key",
    apply: (d) =>
      edit(d, META, (t) =>
        t.replace("license: {", "defaults: &l { redistribution: allowed }\nlicense: { <<: *l,"),
      ),
    expect: at(META, 8, 16, "YAML alias"),
  },
  {
    // The parser notices only on the next line, with three errors; the problem is the bracket.
    name: "YAML flow map left open",
    apply: (d) => setLine(d, META, 17, "    input: { width: 224, height: 224, stated: true"),
    expect: at(
      META,
      17,
      12,
      'YAML syntax error: the flow map opened by "{" here is still open where line 18 starts',
    ),
    also: ['expected: "}" on line 17, or line 18 and the map\'s other lines indented more than line 17'],
  },
  {
    name: "YAML flow list left open, after quoted text holding brackets",
    apply: (d) => setLine(d, META, 3, 'authors: ["A. {Tester] # [x", "B. Tester"'),
    expect: at(
      META,
      3,
      10,
      'YAML syntax error: the flow list opened by "[" here is still open where line 4 starts',
    ),
  },
  {
    // Brackets and quotes inside a block scalar are text: the bracket left open is the later one.
    name: "YAML flow map left open after a block scalar holding a bracket and a quote",
    apply: (d) => {
      setLine(d, META, 9, "method: |\n  made up [sic\n  'a quote left open");
      setLine(d, META, 19, "    input: { width: 224, height: 224, stated: true");
    },
    expect: at(
      META,
      19,
      12,
      'YAML syntax error: the flow map opened by "{" here is still open where line 20 starts',
    ),
  },
  {
    // The bracket's problem replaces the parser's errors that follow from it, not the others.
    name: "YAML flow map left open in a file with a duplicate key",
    apply: (d) => {
      setLine(d, META, 2, "year: 2024");
      setLine(d, META, 17, "    input: { width: 224, height: 224, stated: true");
    },
    expect: at(
      META,
      17,
      12,
      'YAML syntax error: the flow map opened by "{" here is still open where line 18 starts',
    ),
    also: [`${at(META, 4, 1, "YAML syntax error (DUPLICATE_KEY)")}`],
  },
  {
    // A closing bracket of the other kind: the parser's own messages, which name the bracket it expected.
    name: "YAML flow list closed by a brace",
    apply: (d) => setLine(d, META, 17, "    input: { width: 224, height: [224, stated: true }"),
    expect: at(META, 17, 53, "YAML syntax error (BAD_INDENT)"),
    also: ["must be sufficiently indented and end with a ]"],
  },
  {
    name: "duplicate YAML key",
    apply: (d) => edit(d, META, (t) => t.replace("year: 2024\n", "year: 2024\nyear: 1999\n")),
    expect: at(META, 5, 1, "YAML syntax error (DUPLICATE_KEY)"),
  },
  {
    name: "two YAML documents in one file",
    apply: (d) => edit(d, META, (t) => `${t}---\nid: other\n`),
    expect: at(META, 32, 1, "YAML syntax error (MULTIPLE_DOCS)"),
  },
  {
    name: "unknown YAML tag (!!js/function)",
    apply: (d) => setLine(d, META, 2, 'title: !!js/function "function () { return 1 }"'),
    expect: at(META, 2, 8, "YAML problem (TAG_RESOLVE_FAILED)"),
  },
  {
    name: "metadata nested 20 levels deep",
    apply: (d) => edit(d, META, (t) => `${t}notes: ${"[".repeat(20)}x${"]".repeat(20)}\n`),
    expect: at(META, 32, 19, "metadata is nested too deeply"),
  },
  {
    name: "metadata nested 100,000 levels deep",
    apply: (d) => edit(d, META, (t) => `${t}notes: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`),
    expect: `data/${META}:32:`,
  },
  {
    name: "metadata larger than 1 MB",
    apply: (d) => edit(d, META, (t) => `${t}# ${"x".repeat(1_100_000)}\n`),
    expect: at(META, 0, 0, "metadata file is too large"),
  },
  {
    name: "huge flow list under the size limit",
    apply: (d) =>
      edit(d, META, (t) => t.replace('authors: ["A. Tester"]', `authors: [${'"A", '.repeat(150_000)}"B"]`)),
    expect: at(META, 3, 10, "authors: too many items"),
  },
  {
    name: "YAML byte-order mark",
    apply: (d) => edit(d, META, (t) => `\uFEFF${t}`),
    expect: at(META, 1, 1, "file starts with a byte-order mark"),
  },
  {
    name: "YAML not UTF-8",
    apply: (d) =>
      writeFileSync(
        join(d, ACC),
        Buffer.concat([Buffer.from('id: acc-a\nname: "Acc'), Buffer.from([0xe9]), Buffer.from('l"\n')]),
      ),
    expect: at(ACC, 2, 11, "file is not valid UTF-8"),
  },
  {
    name: "escape character in a title",
    apply: (d) => setLine(d, META, 2, 'title: "Fixture \u001b]0;owned\u0007 study"'),
    expect: at(META, 2, 17, "file contains a control character"),
  },
  {
    name: "NaN and Infinity in YAML numbers",
    apply: (d) =>
      edit(d, ACC, (t) => t.replace("value: 10,", "value: .nan,").replace("value: 500,", "value: .inf,")),
    expect: at(ACC, 7, 30, "specs.peak_fp32_tflops.value: NaN (not a number) where a number belongs"),
  },
  {
    name: "negative spec value",
    apply: (d) => edit(d, ACC, (t) => t.replace("value: 250,", "value: -250,")),
    expect: at(ACC, 10, 19, "specs.tdp_w.value: value out of range"),
    also: ["expected: a number greater than 0"],
  },
  {
    name: "javascript: URL as the study url",
    apply: (d) => setLine(d, META, 5, "url: javascript:alert(document.cookie)"),
    expect: at(META, 5, 6, "url: an http(s) URL"),
  },
  {
    name: "javascript: URL as a spec source url",
    apply: (d) =>
      setLine(d, ACC, 10, '  tdp_w: { value: 250, source: "fixture", url: "javascript:alert(1)" }'),
    expect: at(ACC, 10, 48, "specs.tdp_w.url: an http(s) URL"),
  },
  {
    name: "data: URL as a table source_url",
    apply: (d) =>
      edit(d, META, (t) =>
        t.replace(
          '    source: "Table 1"\n',
          '    source: "Table 1"\n    source_url: "data:text/html,<script>alert(1)</script>"\n',
        ),
      ),
    expect: at(META, 14, 17, "tables.0.source_url: an http(s) URL"),
  },
  {
    name: "study folder name with spaces and capitals",
    apply: (d) => renameSync(join(d, "studies/study-a"), join(d, "studies/Study A")),
    expect: at("studies/Study A", 0, 0, "study folder name is not a safe id"),
  },
  {
    name: "study folder name with a terminal escape",
    apply: (d) => renameSync(join(d, "studies/study-a"), join(d, "studies/study-a\u001b[2J")),
    expect: "data/studies/study-a\\u001b[2J: study folder name is not a safe id",
  },
  {
    name: "study folder that is a symbolic link outside data/",
    apply: (d) => symlinkSync(outside(d), join(d, "studies/study-b")),
    expect: at("studies/study-b", 0, 0, "study folder is a symbolic link"),
  },
  {
    name: "dangling symbolic link as an accelerator file",
    apply: (d) => symlinkSync("/nonexistent/acc.yaml", join(d, "accelerators/acc-b.yaml")),
    expect: at("accelerators/acc-b.yaml", 0, 0, "file is a symbolic link"),
  },
  {
    name: "folder where an accelerator file belongs",
    apply: (d) => mkdirSync(join(d, "accelerators/acc-b.yaml")),
    expect: at("accelerators/acc-b.yaml", 0, 0, "not a regular file"),
  },
  {
    name: "no accelerators folder",
    apply: (d) => rmSync(join(d, "accelerators"), { recursive: true }),
    expect: at("accelerators", 0, 0, "no accelerators folder"),
  },
  {
    name: "study folder without study.yaml",
    apply: (d) => rmSync(join(d, META)),
    expect: at(META, 0, 0, "study folder has no metadata file"),
  },
  {
    name: "simulator stack pattern that does not compile",
    apply: (d) =>
      withSimulator(d, (t) => t.replace('match: ["popart", "poplar"]', 'match: ["(popart", "poplar"]')),
    expect: at(
      "simulator/stacks.yaml",
      POPART_MATCH_LINE,
      13,
      "stacks.0.match.0: a word or phrase matched as text",
    ),
  },
  {
    name: "simulator stack pattern with exponential backtracking",
    apply: (d) =>
      withSimulator(d, (t) => t.replace('match: ["popart", "poplar"]', 'match: ["popart", "(a+)+$"]')),
    expect: at(
      "simulator/stacks.yaml",
      POPART_MATCH_LINE,
      23,
      "stacks.0.match.1: a word or phrase matched as text",
    ),
  },
  {
    name: "finding larger than 64 KB",
    apply: (d) => finding(d, "big.md", "Words. ".repeat(10_000)),
    expect: at("findings/big.md", 0, 0, "file is too large"),
  },
  {
    name: "finding with quotes nested 5,000 deep",
    apply: (d) => finding(d, "deep.md", `${"> ".repeat(5000)}x\n`),
    expect: at("findings/deep.md", 7, 1, "Markdown is nested too deeply"),
  },
  {
    name: "finding with a flood of emphasis markers",
    apply: (d) => finding(d, "stars.md", `Intro.\n\n${"*a_".repeat(2000)}\n`),
    expect: at("findings/stars.md", 9, 1, "paragraph has too much inline markup"),
  },
  {
    name: "finding with aliases in its front matter",
    apply: (d) => finding(d, "laughs.md", "x\n", `${laughs(6)}\n`),
    expect: at("findings/laughs.md", 3, 8, "YAML alias"),
  },
  {
    name: "finding whose front matter has a wrong field",
    apply: (d) =>
      finding(
        d,
        "front.md",
        "x\n",
        "title: A finding\norder: first\nheadline: A headline\nverdict: supported\n",
      ),
    expect: at("findings/front.md", 3, 8, "front matter order: text where a number belongs"),
  },
  {
    name: "finding whose front matter has an unknown field",
    apply: (d) =>
      finding(
        d,
        "extra.md",
        "x\n",
        "title: A finding\norder: 1\nheadline: A headline\nverdict: supported\nscript: <b>x</b>\n",
      ),
    expect: at("findings/extra.md", 6, 1, 'front matter: unknown field "script"'),
  },
  {
    name: "finding that names a figure that does not exist",
    apply: (d) => finding(d, "fig.md", "Text.\n\n{{figure:fig-does-not-exist}}\n"),
    expect: at("findings/fig.md", 9, 1, 'unknown figure "fig-does-not-exist"'),
  },
  {
    name: "finding file name with odd characters",
    apply: (d) => finding(d, "Bad Name.md", "x\n"),
    expect: at("findings/Bad Name.md", 0, 0, "unexpected file in data/findings"),
  },
];

export const BAD_INPUTS: BadInput[] = [...CSV_CASES, ...METADATA_CASES];
