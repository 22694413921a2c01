/**
 * Property-based fuzzing of the parsers, unit conversion, derivation and the normalizer (fast-check):
 * whatever the input, the result is either valid rows (every number finite and within its physical
 * range) or a SourceError whose every problem has a file, a line ≥ 0 and a column ≥ 0; never another
 * exception, never a hang (inputs are bounded, each property is timed).
 */
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_PROBLEMS_SHOWN, SourceError } from "../../src/pipeline/errors.ts";
import { parseCsv } from "../../src/pipeline/ingest/csv.ts";
import { parseNumericCell } from "../../src/pipeline/ingest/cells.ts";
import { parseYaml } from "../../src/pipeline/ingest/yaml.ts";
import { parseAccelerator } from "../../src/pipeline/ingest/accelerators.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { acceleratorSchema, FIELDS, studySchema, type Field } from "../../src/pipeline/schema.ts";
import { copyFixture, MINIMAL } from "../helpers/fixtures.ts";
import { QUANTITY_BOUNDS, withinBound } from "../../src/pipeline/bounds.ts";
import { expectFiniteDataset } from "./dataset.ts";

const FILE = "data/studies/fuzz/table.csv";

/** Runs `f`; a SourceError is fine when every problem is located, anything else fails the property. */
function validOrLocated<T>(file: string | null, f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    expect(e.problems.length).toBeGreaterThan(0);
    for (const [i, p] of e.problems.entries()) {
      if (file !== null) expect(p.file).toBe(file);
      else expect(p.file).toMatch(/^data\//);
      expect(Number.isInteger(p.line) && p.line >= 0).toBe(true);
      expect(Number.isInteger(p.column) && p.column >= 0).toBe(true);
      if (i < MAX_PROBLEMS_SHOWN) expect(e.message).toContain(`:${p.line}:${p.column}: `);
    }
    return null;
  }
}

/** Text made of the pieces CSV and YAML syntax is made of, so inputs reach deep into the parsers. */
const piece = (pieces: string[]) =>
  fc.oneof(
    fc.constantFrom(...pieces),
    fc.string({ maxLength: 4 }),
    fc.string({ unit: "binary", maxLength: 3 }),
  );
const CSV_PIECES = [
  ",",
  '"',
  '""',
  "\n",
  "\r\n",
  "\r",
  " ",
  "1",
  "2.5",
  "-3",
  "0",
  "ms",
  " ms",
  "5.79 ms",
  "32 (run 2)",
  "(",
  ")",
  ";",
  "\t",
  "\uFEFF",
  "NaN",
  "Infinity",
  "1e9",
  "é",
  "Batch Size",
  "Latency",
];
const YAML_PIECES = [
  ":",
  ": ",
  "- ",
  "\n",
  "  ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "&a ",
  "*a",
  "<<: ",
  "!!str ",
  "!!js/function ",
  "---\n",
  '"',
  "'",
  "#",
  "|",
  ">",
  "id",
  "title",
  "tables",
  "columns",
  "file",
  "1",
  "-1",
  ".nan",
  ".inf",
  "null",
  "~",
  "true",
  "study-a",
  "\uFEFF",
  "\t",
];
const csvText = fc.array(piece(CSV_PIECES), { maxLength: 80 }).map((a) => a.join(""));
const yamlText = fc.array(piece(YAML_PIECES), { maxLength: 80 }).map((a) => a.join(""));

/** Random edits (insert, delete, replace a span) of a real file's text. */
function mutations(text: string, pieces: string[]) {
  const edit = fc.record({
    at: fc.nat({ max: text.length }),
    remove: fc.nat({ max: 12 }),
    insert: fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 6 })),
  });
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) =>
    edits.reduce((t, e) => {
      const at = Math.min(e.at, t.length);
      return t.slice(0, at) + e.insert + t.slice(at + e.remove);
    }, text),
  );
}

const STUDY_YAML = readFileSync(join(MINIMAL, "studies/study-a/study.yaml"), "utf8");
const TABLE_CSV = readFileSync(join(MINIMAL, "studies/study-a/latency.csv"), "utf8");
const ACC_YAML = readFileSync(join(MINIMAL, "accelerators/acc-a.yaml"), "utf8");

describe("the inputs fuzzing draws", () => {
  // test/fast-check-setup.ts fixes the seed for `npm test`; `npm run fuzz` draws fresh ones.
  it.skipIf(process.env.ATLAS_FUZZ_SEED === "random")("come from one fixed seed under npm test", () => {
    expect(Number.isSafeInteger(fc.readConfigureGlobal().seed)).toBe(true);
    expect(fc.sample(fc.string(), 20)).toEqual(fc.sample(fc.string(), 20));
  });
});

describe("fuzzing the CSV parser", () => {
  it("gives rectangular rows or a located SourceError, for CSV-like and arbitrary text", () => {
    fc.assert(
      fc.property(
        fc.oneof(csvText, fc.string({ maxLength: 200 }), mutations(TABLE_CSV, CSV_PIECES)),
        (text) => {
          const table = validOrLocated(FILE, () => parseCsv(FILE, text));
          if (!table) return;
          expect(table.rows.length).toBeGreaterThan(0);
          for (const row of table.rows) {
            expect(row.cells.length).toBe(table.header.length);
            expect(row.line).toBeGreaterThanOrEqual(2);
            for (const c of row.cells) expect(c.column).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 4000 },
    );
  });
});

describe("fuzzing numeric cells", () => {
  it("reads a finite, non-negative number or says what it expected, for any text and field", () => {
    const numeric = FIELDS.filter((f) => f !== "label" && f !== "text");
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc
            .array(
              fc.constantFrom(
                "1",
                "0",
                "-",
                ".",
                "5",
                " ",
                "ms",
                "img/s",
                "(",
                ")",
                "run 2",
                "e",
                "9".repeat(400),
              ),
              { maxLength: 10 },
            )
            .map((a) => a.join("")),
        ),
        fc.constantFrom(...numeric),
        fc.option(fc.constantFrom("ms", "img/s", "(", ".*", "\\d"), { nil: undefined }),
        fc.boolean(),
        (text, field: Field, suffix, allowNote) => {
          const res = parseNumericCell(text, field, { suffix, allowNote });
          if (!res.ok) return void expect(res.expected.length).toBeGreaterThan(0);
          if (res.parsed === null) return void expect(text.trim()).toBe("");
          expect(Number.isFinite(res.parsed.value)).toBe(true);
          expect(res.parsed.value).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe("fuzzing the YAML reader", () => {
  it("gives a schema-valid study or a located SourceError", () => {
    fc.assert(
      fc.property(
        fc.oneof(yamlText, fc.string({ maxLength: 200 }), mutations(STUDY_YAML, YAML_PIECES)),
        (text) => {
          const study = validOrLocated("data/studies/fuzz/study.yaml", () =>
            parseYaml("data/studies/fuzz/study.yaml", text, studySchema),
          );
          if (study) expect(studySchema.safeParse(study).success).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("gives a valid accelerator or a located SourceError", () => {
    fc.assert(
      fc.property(mutations(ACC_YAML, YAML_PIECES), (text) => {
        const acc = validOrLocated("data/accelerators/acc-a.yaml", () =>
          parseAccelerator("data/accelerators/acc-a.yaml", text, "acc-a"),
        );
        if (acc) expect(acceleratorSchema.safeParse(acc).success).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("fuzzing the whole pipeline (ingest and normalize) on a study folder", () => {
  const dir = copyFixture();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives finite canonical rows or a located SourceError when the CSV and study.yaml are mutated", () => {
    fc.assert(
      fc.property(
        fc.option(mutations(TABLE_CSV, CSV_PIECES), { nil: null }),
        fc.option(mutations(STUDY_YAML, YAML_PIECES), { nil: null }),
        (csv, meta) => {
          writeFileSync(join(dir, "studies/study-a/latency.csv"), csv ?? TABLE_CSV);
          writeFileSync(join(dir, "studies/study-a/study.yaml"), meta ?? STUDY_YAML);
          const atlas = validOrLocated(null, () => runPipeline(dir, { simulate: false }));
          if (!atlas) return;
          for (const row of atlas.rows) {
            for (const [k, v] of Object.entries(row))
              if (typeof v === "number") expect(Number.isFinite(v), `${k}=${v}`).toBe(true);
            if (row.batch_size !== null) expect(row.batch_size).toBeGreaterThan(0);
            if (row.latency_ms !== null) expect(row.latency_ms).toBeGreaterThan(0);
            if (row.throughput_img_s !== null) expect(row.throughput_img_s).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** Numbers as a careless or hostile contributor writes them: huge, tiny, zero, ordinary. */
const magnitude = fc.oneof(
  { arbitrary: fc.constantFrom("1", "2", "5.79", "1000", "0.5", "16", "123456.789"), weight: 20 },
  { arbitrary: fc.double({ min: 1e-3, max: 1e6, noNaN: true }).map((x) => x.toFixed(3)), weight: 20 },
  { arbitrary: fc.constantFrom("0", "0.000"), weight: 1 },
  { arbitrary: fc.nat({ max: 400 }).map((k) => `1${"0".repeat(k)}`), weight: 1 },
  { arbitrary: fc.nat({ max: 400 }).map((k) => `0.${"0".repeat(k)}5`), weight: 1 },
  { arbitrary: fc.double({ min: 0, max: 1e15, noNaN: true }).map((x) => x.toFixed(3)), weight: 2 },
);

/** Columns a table may have, each with the units its field accepts. */
const COLUMN_CHOICES = [
  { name: "Latency", field: "latency_ms", units: ["ms", "s", "us", "ns"] },
  { name: "Throughput", field: "throughput_img_s", units: ["img/s"] },
  { name: "Run time", field: "run_time_s", units: ["s", "ms"] },
  { name: "Power", field: "power_w", units: ["W"] },
  { name: "Efficiency", field: "img_s_per_w", units: ["img/s/W"] },
  { name: "Memory", field: "memory_used_mb", units: ["MB", "MiB", "GB"] },
  { name: "P99", field: "latency_p99_ms", units: ["ms", "us", "ns"] },
  { name: "Cost", field: "cost_usd_per_1000_img", units: ["USD/1000 img"] },
] as const;

const table = fc.record({
  columns: fc
    .subarray([...COLUMN_CHOICES], { minLength: 1 })
    .chain((cols) =>
      fc.tuple(...cols.map((c) => fc.constantFrom(...c.units).map((unit) => ({ ...c, unit })))),
    ),
  withBatch: fc.boolean(),
  price: fc.option(magnitude, { nil: undefined }),
  images: fc.option(fc.constantFrom("1", "1000", "1000000000000", "5"), { nil: undefined }),
  rows: fc.array(fc.array(magnitude, { minLength: 9, maxLength: 9 }), { minLength: 1, maxLength: 4 }),
});

describe("fuzzing unit conversion and derivation", () => {
  const dir = copyFixture();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("publishes only finite numbers within their physical range, or stops with a located error", () => {
    let published = 0;
    fc.assert(
      fc.property(table, (t) => {
        const columns = [
          ...(t.withBatch ? [{ name: "Batch", field: "batch_size", unit: "images" }] : []),
          ...t.columns.map((c) => ({ name: c.name, field: c.field, unit: c.unit })),
        ];
        const meta = STUDY_YAML.replace(
          / {4}images_per_run: 1000\n {4}columns:\n[\s\S]*?\nclaims:/,
          `${t.images ? `    images_per_run: ${t.images}\n` : ""}${t.price ? `    price_usd_per_hour: ${t.price}\n` : ""}    columns:\n${columns
            .map((c) => `      - { name: "${c.name}", field: ${c.field}, unit: "${c.unit}" }`)
            .join("\n")}\nclaims:`,
        ).replace(/claims:[\s\S]*$/, "");
        const rows = t.rows.map((cells, i) =>
          [...(t.withBatch ? [String(2 ** i)] : []), ...t.columns.map((_, j) => cells[j]!)].join(","),
        );
        writeFileSync(join(dir, "studies/study-a/study.yaml"), meta);
        writeFileSync(
          join(dir, "studies/study-a/latency.csv"),
          `${columns.map((c) => c.name).join(",")}\n${rows.join("\n")}\n`,
        );
        const atlas = validOrLocated(null, () => runPipeline(dir, { simulate: false }));
        if (!atlas) return;
        for (const row of atlas.rows) {
          for (const [k, v] of Object.entries(row))
            if (typeof v === "number") expect(Number.isFinite(v), `${k}=${v}`).toBe(true);
          for (const [field, bound] of Object.entries(QUANTITY_BOUNDS)) {
            const v = (row as unknown as Record<string, number | null | undefined>)[field];
            if (typeof v === "number") expect(withinBound(v, bound), `${field}=${v}`).toBe(true);
          }
        }
        expectFiniteDataset(atlas.rows);
        published++;
      }),
      {
        numRuns: 400,
        // Found by CI (seed 1319960685): throughputs 0.001 and 10⁷ img/s in one series give a fraction
        // of peak of 10⁻¹⁰, below the range fraction_of_peak then had (10⁻⁹) though both are in theirs.
        examples: [
          [
            {
              columns: [
                { ...COLUMN_CHOICES[1], unit: "img/s" },
                { ...COLUMN_CHOICES[7], unit: "USD/1000 img" },
              ],
              withBatch: false,
              price: undefined,
              images: undefined,
              rows: [
                ["0.001", "0.001", "1", "1", "0.001", "0.001", "1", "1", "0.001"],
                ["10000000", "1", "1", "0.001", "0.001", "1", "0.001", "0.001", "1"],
              ],
            },
          ],
        ],
      },
    );
    // The property says something about published rows only if some inputs get that far.
    expect(published).toBeGreaterThan(20);
  });
});
