/**
 * Every error class a contributor can hit: each must name file, line and column, say what was
 * expected and what was found, and leave the data folder untouched.
 */
import { describe, expect, it } from "vitest";
import { copyFileSync, mkdirSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runPipeline } from "../../../src/pipeline/run.ts";
import { SourceError } from "../../../src/pipeline/errors.ts";
import { copyFixture, edit, treeHash } from "../../helpers/fixtures.ts";

const CSV = "studies/study-a/latency.csv";
const META = "studies/study-a/study.yaml";

function failWith(change: (dir: string) => void): string {
  const dir = copyFixture();
  change(dir);
  const before = treeHash(dir);
  let message = "";
  try {
    runPipeline(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    message = (e as Error).message;
  }
  expect(treeHash(dir)).toBe(before);
  rmSync(dir, { recursive: true, force: true });
  expect(message, "expected the pipeline to reject the input").not.toBe("");
  return message;
}

const cases: [string, (dir: string) => void, string[]][] = [
  [
    "missing column",
    (d) =>
      edit(d, CSV, (t) =>
        t
          .replace("Batch Size,Latency,Throughput,Run time (s)", "Batch Size,Latency,Run time (s)")
          .replace(/,200\.0|,363\.6|,800\.0|,784\.3/g, ""),
      ),
    [
      'data/studies/study-a/latency.csv:1:1: missing column "Throughput"',
      'expected: header "Batch Size","Latency","Throughput","Run time (s)"',
      // The header found is shown as the expected one is, so the two can be compared by eye.
      'found:    header "Batch Size","Latency","Run time (s)"',
    ],
  ],

  [
    "non-numeric cell",
    (d) => edit(d, CSV, (t) => t.replace("363.6", "n/a")),
    [
      'data/studies/study-a/latency.csv:3:11: column "Throughput" (throughput_img_s, img/s): not a valid value',
      'found:    "n/a"',
    ],
  ],
  [
    "zero latency",
    (d) => edit(d, CSV, (t) => t.replace("5.50 ms", "0 ms")),
    ["data/studies/study-a/latency.csv:3:3:", "expected: a number greater than zero", 'found:    "0 ms"'],
  ],
  [
    "negative latency",
    (d) => edit(d, CSV, (t) => t.replace("5.50 ms", "-5.50 ms")),
    ["data/studies/study-a/latency.csv:3:3:", "expected: a number greater than zero"],
  ],
  [
    "NaN and Infinity",
    (d) => edit(d, CSV, (t) => t.replace("363.6", "NaN").replace("200.0", "Infinity")),
    ["latency.csv:2:", 'found:    "Infinity"', "latency.csv:3:", 'found:    "NaN"'],
  ],
  [
    "unknown unit",
    (d) => edit(d, META, (t) => t.replace("unit: img/s }", "unit: frames/fortnight }")),
    ['unknown unit "frames/fortnight" for column "Throughput"', "data/studies/study-a/study.yaml"],
  ],
  [
    "unknown accelerator id",
    (d) => edit(d, META, (t) => t.replace("accelerator: acc-a", "accelerator: acc-zz")),
    [
      "data/studies/study-a/study.yaml:15:18: unknown accelerator id in table latency.csv",
      'found:    "acc-zz"',
    ],
  ],
  [
    "study id that does not match its folder (a duplicate id)",
    (d) => {
      // A second folder whose study.yaml declares the id of the first.
      mkdirSync(join(d, "studies/study-b"));
      for (const f of ["study.yaml", "latency.csv"])
        copyFileSync(join(d, "studies/study-a", f), join(d, "studies/study-b", f));
    },
    [
      "data/studies/study-b/study.yaml:1:5: study id does not match its folder name",
      'expected: "study-b"',
      'found:    "study-a"',
    ],
  ],
  [
    "study id reserved for the atlas's own citation keys",
    (d) => {
      // A harness run written to data/studies/atlas-…: folder and id agree, but the id is the atlas's.
      mkdirSync(join(d, "studies/atlas-h200-run"));
      for (const f of ["study.yaml", "latency.csv"])
        copyFileSync(join(d, "studies/study-a", f), join(d, "studies/atlas-h200-run", f));
      edit(d, "studies/atlas-h200-run/study.yaml", (t) => t.replace(/^id: .*$/m, "id: atlas-h200-run"));
    },
    [
      'data/studies/atlas-h200-run/study.yaml:1:5: study id is reserved: ids starting with "atlas" are the atlas\'s own citation keys',
      'found:    "atlas-h200-run"',
    ],
  ],
  [
    "spec read on a measured board that names no study of the accelerator",
    (d) =>
      edit(d, "accelerators/acc-a.yaml", (t) =>
        t.replace(
          'tdp_w: { value: 250, source: "fixture" }',
          'tdp_w: { value: 250, source: "fixture" }\n  l2_cache_mib: { value: 6, source: "read on the board", measured_in: study-z }',
        ),
      ),
    [
      "data/accelerators/acc-a.yaml:11:71: spec l2_cache_mib says it was read in a study that does not exist",
      "expected: a folder name under data/studies/ whose tables measured acc-a",
      'found:    "study-z"',
    ],
  ],
  [
    "ragged row (too many cells)",
    (d) => edit(d, CSV, (t) => t.replace("2.75", "2.75,9")),
    [
      "data/studies/study-a/latency.csv:3:",
      "row has more cells than the header",
      "expected: 4 cells (as in the header)",
      "found:    5 cells",
    ],
  ],
  [
    "ragged row (too few cells)",
    (d) => edit(d, CSV, (t) => t.replace(",2.75", "")),
    ["data/studies/study-a/latency.csv:3:", "row has fewer cells than the header", "found:    3 cells"],
  ],
  [
    "byte-order mark",
    (d) => edit(d, CSV, (t) => `\uFEFF${t}`),
    ["data/studies/study-a/latency.csv:1:1: file starts with a byte-order mark"],
  ],
  [
    "wrong delimiter",
    (d) => edit(d, CSV, (t) => t.replaceAll(",", ";")),
    ["data/studies/study-a/latency.csv:1:1: wrong delimiter", "expected: comma-separated values"],
  ],
  [
    "unsafe id with path characters",
    (d) => edit(d, META, (t) => t.replace("series: study-a-fp32", "series: ../x")),
    ["data/studies/study-a/study.yaml:14:13: tables.0.series:", 'found:    "../x"'],
  ],
  [
    "quote left open",
    (d) => edit(d, CSV, (t) => t.replace("2,5.50 ms", '2,"5.50 ms')),
    ["data/studies/study-a/latency.csv:", "CSV syntax error (MissingQuotes)"],
  ],
  ["empty file", (d) => edit(d, CSV, () => ""), ["data/studies/study-a/latency.csv:1:1: file is empty"]],
  [
    "header only",
    (d) => edit(d, CSV, (t) => `${t.split("\n")[0]}\n`),
    ["data/studies/study-a/latency.csv:1:1: table has a header but no rows"],
  ],
  [
    "not UTF-8",
    (d) =>
      writeFileSync(
        join(d, CSV),
        Buffer.concat([
          Buffer.from("Batch Size,Latency,Throughput,Run time (s)\n1,5.00 ms,200.0,5.00\n2,5.50 ms,36"),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(",2.75\n"),
        ]),
      ),
    ["data/studies/study-a/latency.csv:3:", "file is not valid UTF-8"],
  ],
  [
    "YAML syntax error",
    (d) => edit(d, META, (t) => t.replace('title: "Fixture study A"', 'title: "Fixture study A')),
    ["data/studies/study-a/study.yaml:", "YAML syntax error"],
  ],
  [
    "missing required metadata",
    (d) => edit(d, META, (t) => t.replace('citation: "Tester, A. (2024). Fixture study A."\n', "")),
    [
      "data/studies/study-a/study.yaml:1:1: citation: required field is missing",
      "expected: text",
      "found:    no `citation`",
    ],
  ],
  [
    "a unit written in the cells of a column without a suffix",
    (d) => edit(d, CSV, (t) => t.replace("363.6", "363.6 img/s")),
    [
      'data/studies/study-a/latency.csv:3:11: column "Throughput" (throughput_img_s, img/s): not a valid value',
      'hint:     the cell carries a unit: if the column\'s cells do, add suffix: "img/s" to the column in study.yaml',
    ],
  ],
  [
    "a cell in another unit than its column's: no suffix hint that would misread it",
    (d) => edit(d, CSV, (t) => t.replace("5.50 ms", "5.50 s")),
    ["data/studies/study-a/latency.csv:3:3:", 'hint:     the cell is in "s" but the column\'s unit is "ms"'],
  ],
  [
    "a peak-fraction claim with neither series nor a selection",
    (d) => edit(d, META, (t) => t.replace("series: study-a-fp32, batch: 8", "batch: 8")),
    [
      "claim batch-8-peak must name its series, or an accelerator and a model (not both)",
      "found:    none of them",
    ],
  ],
  [
    "a series that is neither an id nor a list (a union)",
    (d) => edit(d, META, (t) => t.replace("series: study-a-fp32, batch: 8", "series: 5, batch: 8")),
    ["claims.0.test.series: not a valid value", "expected: text or a list"],
  ],
  [
    "a peak-fraction claim that both names its series and selects them",
    (d) =>
      edit(d, META, (t) =>
        t.replace(
          "series: study-a-fp32, batch: 8",
          "series: study-a-fp32, accelerator: acc-a, model: resnet50_v1.5, batch: 8",
        ),
      ),
    [
      "claim batch-8-peak must name its series, or an accelerator and a model (not both)",
      "found:    series, accelerator, model",
    ],
  ],
  [
    "a peak-fraction selection with a typo in one of its accelerators and an unknown model",
    (d) =>
      edit(d, META, (t) =>
        t.replace(
          "series: study-a-fp32, batch: 8",
          "accelerator: [acc-a, acc-aa], model: [resnet50_v1.5, resnet-50], batch: 8",
        ),
      ),
    [
      "claim batch-8-peak names an unknown accelerator",
      'hint:     did you mean "acc-a"?',
      "claim batch-8-peak names a model no table measures",
      'found:    "resnet-50"',
    ],
  ],
  [
    "a peak taken up to a batch below the one tested",
    (d) =>
      edit(d, META, (t) => t.replace("batch: 8, expected: 0.9", "batch: 8, up_to_batch: 4, expected: 0.9")),
    ["claim batch-8-peak takes the peak up to a batch below the one it tests", "found:    4"],
  ],
  [
    "a unit the field does not know, with the units it does",
    (d) => edit(d, META, (t) => t.replace("unit: ms", "unit: msec")),
    ['unknown unit "msec"', "expected: a unit of latency_ms: ", 'hint:     did you mean "ms"?'],
  ],
  [
    // One problem per value, in words (zod's own read "String must contain at least 1 character(s)").
    "an empty framework and a web address without its scheme",
    (d) =>
      edit(d, META, (t) =>
        t.replace('framework: "FixtureFlow 1.0"', 'framework: ""').replace(/^url: .*$/m, "url: example.org"),
      ),
    [
      "tables.0.framework: empty\n  expected: text, not empty",
      "url: not a valid value\n  expected: a web address starting with https:// (or http://)",
    ],
  ],
  [
    "a listed table renamed on disk: both the file nobody lists and the listed one that is gone",
    (d) => renameSync(join(d, "studies/study-a/latency.csv"), join(d, "studies/study-a/latency-1.csv")),
    [
      "data/studies/study-a/latency-1.csv: CSV file is not described in study.yaml",
      "data/studies/study-a/study.yaml:11:11: table file listed in study.yaml does not exist",
      'hint:     did you mean "latency-1.csv"?',
    ],
  ],
  [
    // A typo would otherwise be a new model with figure ids of its own, permanent once released.
    "a model id not in the registry",
    (d) => edit(d, META, (t) => t.replace("model: resnet50_v1.5", "model: resnet-50")),
    [
      "data/studies/study-a/study.yaml:16:12: unknown model id in table latency.csv",
      "expected: one of the atlas's model ids: resnet50_v1.5 (ResNet-50 v1.5), resnet50 (ResNet-50 (version not stated))",
      'found:    "resnet-50"',
      'hint:     did you mean "resnet50"?',
    ],
  ],
  [
    // A suffix is only stripped: "5.50 ms" under unit s would be 5,500 ms, with no other sign of it.
    "a suffix that names another unit than the column's",
    (d) => edit(d, META, (t) => t.replace('unit: ms, suffix: "ms"', 'unit: s, suffix: "ms"')),
    [
      "data/studies/study-a/study.yaml:24:",
      'column "Latency" of latency.csv: the suffix names a unit other than the column\'s unit, so every value would be read in "s"',
      'expected: suffix "s" (the column\'s unit), or unit: "ms" if the cells are in "ms"',
      'found:    unit: "s", suffix: "ms"',
    ],
  ],
  [
    "a table file name with a space",
    (d) => edit(d, META, (t) => t.replace("file: latency.csv", 'file: "latency copy.csv"')),
    ["no spaces or slashes"],
  ],
  [
    "CSV not described in study.yaml",
    (d) => writeFileSync(join(d, "studies/study-a/extra.csv"), "a,b\n1,2\n"),
    ["data/studies/study-a/extra.csv: CSV file is not described in study.yaml"],
  ],
];

describe("bad input stops ingest with a located, explained error", () => {
  it.each(cases)("%s", (_name, change, expected) => {
    const message = failWith(change);
    for (const part of expected) expect(message).toContain(part);
  });
});

describe("one mistake, one problem", () => {
  it("reports a misspelt required field as the unknown field only, whose hint names the missing one", () => {
    const message = failWith((d) => edit(d, META, (t) => t.replace(/^title: /m, "titel: ")));
    expect(message).toContain('study.yaml:2:1: unknown field "titel"');
    expect(message).toContain('hint:     did you mean "title"? It is required and missing');
    expect(message).not.toContain("required field is missing");
    // A field that is missing without a near spelling is still reported as missing.
    expect(failWith((d) => edit(d, META, (t) => t.replace(/^title: .*\n/m, "")))).toContain(
      "title: required field is missing",
    );
  });

  it("reports a misspelt header cell at the cell, naming the column it is close to, not also as a missing column", () => {
    const message = failWith((d) =>
      edit(d, CSV, (t) => t.replace("Batch Size,Latency,", "Batch Size,Latncy,")),
    );
    expect(message).toContain('latency.csv:1:12: column "Latncy" is not described in study.yaml');
    expect(message).toContain('expected: "Latency", as study.yaml names the column');
    expect(message).toContain("correct whichever of the two is misspelt");
    expect(message).not.toContain("missing column");
  });
});

describe("what a contributor's system adds to a data folder is not an error", () => {
  it("skips .DS_Store, ._ and Thumbs.db files and blank lines after the last row, and reads the same rows", () => {
    const dir = copyFixture();
    const before = runPipeline(dir).rows.length;
    for (const folder of ["studies", "studies/study-a", "accelerators"]) {
      writeFileSync(join(dir, folder, ".DS_Store"), "\0\0\0\x01Bud1");
      writeFileSync(join(dir, folder, "Thumbs.db"), "\0");
    }
    writeFileSync(join(dir, "studies/study-a/._latency.csv"), "\0\x05\x16\x07");
    edit(dir, CSV, (t) => `${t}\n\n  \n,,,\n`);
    const raw = treeHash(dir);
    expect(runPipeline(dir).rows.length).toBe(before);
    expect(treeHash(dir)).toBe(raw);
    rmSync(dir, { recursive: true, force: true });
  });
});
