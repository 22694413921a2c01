/**
 * The data contract (docs/data-format.md) as zod schemas. Types used across the pipeline are inferred
 * from these, so the documentation, the validation and the code cannot drift apart.
 */
import { z } from "zod";
import { MAX_BATCH, MAX_IMAGES_PER_RUN, MAX_INPUT_PX, SPEC_BOUNDS, withinBound } from "./bounds.ts";
import { firstNonAscii } from "./errors.ts";

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
/** An id that is safe as a file name and URL segment: lower case ASCII letters, digits and dashes. */
export const idSchema = z
  .string()
  .max(64)
  .superRefine((id, ctx) => {
    if (ID_PATTERN.test(id)) return;
    // A look-alike letter (Cyrillic у for y) makes an id that reads as valid: say which character is wrong.
    const other = firstNonAscii(id);
    ctx.addIssue({
      code: "custom",
      message: `an id of lower-case ASCII letters, digits and dashes (e.g. v100-sxm2-32gb)${other ? `; ${other}` : ""}`,
    });
  });

/** Text a reader sees: not empty and not only spaces (a blank title shows as nothing). */
const text = (max = 2000) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s === "" || s.trim() !== "", "text that is not blank");
/** A count of images in one batch, as claims name it. */
const batchSchema = z.number().int().positive().max(MAX_BATCH);
/** An image side in pixels. */
const pixelsSchema = z.number().int().positive().max(MAX_INPUT_PX);
/** Links from data files end up in href attributes: only http(s), never javascript: or data:. */
// The scheme is checked only on a parseable URL, so a bad value gets one problem, not two.
const httpUrlSchema = z
  .string()
  .max(500)
  .url()
  .refine((u) => !URL.canParse(u) || /^https?:\/\//.test(u), "an http(s) URL");

const PRECISIONS = ["fp32", "tf32", "fp16", "mixed-fp16", "bf16", "int8", "unknown"] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Canonical fields a CSV column can map to, with the units each accepts; the first unit is canonical. */
export const FIELD_UNITS = {
  batch_size: ["images"],
  latency_ms: ["ms", "s", "us", "\u00b5s", "\u03bcs", "ns"],
  latency_p50_ms: ["ms", "s", "us", "\u00b5s", "\u03bcs", "ns"],
  latency_p90_ms: ["ms", "s", "us", "\u00b5s", "\u03bcs", "ns"],
  latency_p95_ms: ["ms", "s", "us", "\u00b5s", "\u03bcs", "ns"],
  latency_p99_ms: ["ms", "s", "us", "\u00b5s", "\u03bcs", "ns"],
  throughput_img_s: ["img/s", "samples/s"],
  run_time_s: ["s", "ms"],
  power_w: ["W"],
  img_s_per_w: ["img/s/W"],
  utilization_pct: ["%"],
  memory_used_mb: ["MB", "MiB", "GB"],
  memory_total_mb: ["MB", "MiB", "GB"],
  price_usd_per_hour: ["USD/h"],
  cost_usd_total: ["USD"],
  cost_usd_per_1000_img: ["USD/1000 img"],
  label: ["text"],
  text: ["text"],
} as const satisfies Record<string, readonly string[]>;
export type Field = keyof typeof FIELD_UNITS;
export type NumericField = Exclude<Field, "label" | "text">;
export const FIELDS = Object.keys(FIELD_UNITS) as Field[];

const columnSchema = z
  .object({
    /** Header exactly as in the CSV. */
    name: z.string().min(1).max(200),
    /** Canonical field the column maps to. */
    field: z.enum(FIELDS as [Field, ...Field[]]),
    /** Unit of the numbers in the column, one of those the field accepts. */
    unit: z.string().min(1).max(40),
    /** Text every cell carries after the number, e.g. "ms". */
    suffix: z.string().max(40).optional(),
    /** A cell may end with "(note)", e.g. "32 (run 2)". */
    allow_note: z.boolean().optional(),
    /**
     * `text` columns only: false keeps the column in the published table but out of each row's note
     * (a column that repeats the table's setup, or values the atlas does not normalise, e.g. speedups).
     */
    row_note: z.boolean().optional(),
  })
  .strict()
  .refine((c) => c.row_note === undefined || c.field === "text", {
    message: "row_note applies to text columns only",
    path: ["row_note"],
  });
export type Column = z.infer<typeof columnSchema>;

const correctionSchema = z
  .object({
    line: z.number().int().min(2),
    column: z.string().min(1).max(200),
    published: z.string().max(200),
    read_as: z.string().max(200),
    reason: text(),
  })
  .strict();

const tableSchema = z
  .object({
    file: z
      .string()
      .max(100)
      .regex(
        /^[a-z0-9][a-z0-9._-]*\.csv$/,
        "a CSV file name in the study folder: lower-case letters, digits, '.', '-' and '_' (no spaces or slashes), ending in .csv",
      ),
    title: text(500),
    source: text(500),
    source_url: httpUrlSchema.optional(),
    series: idSchema,
    accelerator: idSchema,
    devices: z.number().int().positive().max(1024).optional(),
    model: idSchema.or(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9._-]*$/)
        .max(64),
    ),
    input: z
      .object({
        width: pixelsSchema,
        height: pixelsSchema,
        stated: z.boolean(),
      })
      .strict(),
    precision: z.enum(PRECISIONS),
    framework: text(200),
    execution: text(200),
    images_per_run: z.number().int().positive().max(MAX_IMAGES_PER_RUN).optional(),
    images_per_run_source: text(1000).optional(),
    price_usd_per_hour: z
      .number()
      .refine((v) => withinBound(v, SPEC_BOUNDS.price_usd_per_hour), SPEC_BOUNDS.price_usd_per_hour.text)
      .optional(),
    price_source: text(1000).optional(),
    columns: z.array(columnSchema).min(1).max(64),
    corrections: z.array(correctionSchema).max(1000).optional(),
    notes: z.array(text()).max(100).optional(),
  })
  .strict();
export type Table = z.infer<typeof tableSchema>;

/** Dataset columns a `value` or `ratio` claim may test (a typo is an error, not an untestable claim). */
const CLAIM_FIELDS = [
  "batch_size",
  "latency_ms",
  "latency_p90_ms",
  "latency_p95_ms",
  "latency_p99_ms",
  "throughput_img_s",
  "power_w",
  "img_s_per_w",
  "cost_usd_per_1000_img",
  "fraction_of_peak",
  "utilization_pct",
  "memory_used_mb",
] as const satisfies readonly (keyof CanonicalRow)[];

/**
 * The simulator's memory quantities a `simulated` claim test may name; `quantities()` in
 * simulate/memory.ts computes each (definitions: docs/simulator.md, Memory definitions).
 */
export const SIMULATED_QUANTITIES = [
  "params",
  "macs",
  "weightBytes",
  "flexLogixWeightBytes",
  "largestActivationBytes",
  "nextLargestActivationBytes",
  "layerIoPeakBytes",
  "peakActivationBytes",
  "totalActivationBytes",
  "flexLogixActivationBytes",
] as const;
export type SimulatedQuantity = (typeof SIMULATED_QUANTITIES)[number];

const claimTestSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("throughput-ratio"),
      accelerator: idSchema,
      /** Test one series only; by default every series of the accelerator and model is tested. */
      series: idSchema.optional(),
      model: z.string().min(1).max(64),
      batch: batchSchema,
      reference_batch: batchSchema,
      expected: z.number().positive().finite(),
      tolerance: z.number().positive().max(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal("peak-fraction"),
      /**
       * The series tested: named (one, or every table the claim may rest on when its source does not say
       * which), or selected as every measured series of `accelerator` and `model` (each one or a list),
       * which keeps the test up to date as studies are added. One of the two, not both (ingest checks).
       */
      series: z.union([idSchema, z.array(idSchema).min(1).max(64)]).optional(),
      accelerator: z.union([idSchema, z.array(idSchema).min(1).max(64)]).optional(),
      model: z
        .union([z.string().min(1).max(64), z.array(z.string().min(1).max(64)).min(1).max(16)])
        .optional(),
      batch: batchSchema,
      /** The peak over batches up to this one only (the source's own batch range); default all. */
      up_to_batch: batchSchema.optional(),
      expected: z.number().positive().max(1),
      comparison: z.enum(["at-least", "at-most"]).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("value"),
      series: idSchema,
      field: z.enum(CLAIM_FIELDS),
      batch: batchSchema.optional(),
      aggregate: z.enum(["min", "max"]).optional(),
      expected: z.number().finite(),
      tolerance: z.number().nonnegative().max(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal("ratio"),
      /** `field` of `series` (at `batch`, or its only row) ÷ the same field of `reference_series`. */
      series: idSchema,
      batch: batchSchema.optional(),
      reference_series: idSchema,
      reference_batch: batchSchema.optional(),
      field: z.enum(CLAIM_FIELDS),
      expected: z.number().positive().finite(),
      tolerance: z.number().positive().max(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal("simulated"),
      quantity: z.enum(SIMULATED_QUANTITIES),
      model: z.string().min(1).max(64),
      input: z.object({ width: pixelsSchema, height: pixelsSchema }).strict(),
      precision: z.enum(["int8", "fp16", "fp32"]),
      batch: batchSchema.optional(),
      expected: z.number().positive().finite(),
      tolerance: z.number().positive().max(1),
      comparison: z.enum(["approx", "greater-than", "less-than"]).optional(),
    })
    .strict(),
  z.object({ kind: z.literal("none"), reason: text() }).strict(),
]);
export type ClaimTest = z.infer<typeof claimTestSchema>;

const claimSchema = z
  .object({
    id: idSchema,
    text: text(2000),
    where: text(300),
    subject: z
      .object({ accelerator: idSchema.optional(), model: z.string().max(64).optional() })
      .strict()
      .optional(),
    test: claimTestSchema.optional(),
    /**
     * Where testing the claim needs a definition the source leaves to the reader or defines otherwise
     * ("2 MP"), or where its figure is reproduced only by a narrower count than the plain one (weights
     * without the projection shortcuts): the atlas's choice, the other reading (the source's own
     * definition, or the plain count), and the test under that reading. The ledger gives both results
     * and calls the verdict "holds under a definition" when they differ.
     */
    definition: z
      .object({ chosen: text(300), source: text(300), source_test: claimTestSchema })
      .strict()
      .optional(),
    /**
     * The number the claim states, where figures may draw it as a claim (an open marker, never a data
     * point): throughput at `batch` is `fraction` of the throughput at `reference_batch`, `approximate`
     * when the source says "about".
     */
    stated: z
      .object({
        batch: batchSchema,
        reference_batch: batchSchema,
        fraction: z.number().positive().max(10),
        approximate: z.boolean().optional(),
      })
      .strict()
      .optional(),
    note: text().optional(),
  })
  .strict();
export type Claim = z.infer<typeof claimSchema>;

/**
 * An MLPerf Inference round imported by `npm run import:mlperf`: its rows live in one results.csv
 * whose columns are fixed (src/pipeline/mlperf/columns.ts) and whose accelerator, count and scenario
 * vary per row, so it is described here rather than as a `tables` entry.
 */
const mlperfMetaSchema = z
  .object({
    round: z.string().regex(/^v\d+\.\d+$/, "a round such as v3.0"),
    benchmark: z.enum(["resnet50", "retinanet"]),
    repository: z
      .string()
      .max(140)
      .regex(/^[A-Za-z0-9_.-]+\/inference_results_v\d+\.\d+$/, "owner/inference_results_v<round>"),
    commit: z.string().regex(/^[0-9a-f]{40}$/, "a full commit hash"),
    file: z
      .string()
      .max(100)
      .regex(/^[a-z0-9][a-z0-9._-]*\.csv$/, "a CSV file name in the study folder"),
    model: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/)
      .max(64),
    input: z
      .object({
        width: z.number().int().positive().max(65536),
        height: z.number().int().positive().max(65536),
        stated: z.boolean(),
      })
      .strict(),
    rows: z.number().int().positive(),
    skipped: z
      .array(z.object({ path: text(500), reason: text(500) }).strict())
      .max(1000)
      .optional(),
  })
  .strict();
export type MlperfMeta = z.infer<typeof mlperfMetaSchema>;

/**
 * How the original of a study is cited (docs/data-format.md, "cite"): its kind, and the authors as
 * people (family and given names) or organisations. Without it a study is cited as a web page (or an
 * unpublished document when it has no url) by its `authors`, each taken as an organisation.
 */
const CITE_TYPES = ["webpage", "dataset", "arxiv", "poster", "report", "unpublished"] as const;
const personSchema = z.union([
  z.object({ family: text(100), given: text(100) }).strict(),
  z.object({ literal: text(200) }).strict(),
]);
export type Person = z.infer<typeof personSchema>;
const isoDate = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, "a date YYYY, YYYY-MM or YYYY-MM-DD");
const studyCiteSchema = z
  .object({
    type: z.enum(CITE_TYPES),
    /** The original's own title where the study's differs (an imported MLPerf round: its results repository's). */
    title: text(500).optional(),
    authors: z.array(personSchema).min(1).max(100).optional(),
    /** Publication date when more precise than `year`. */
    date: isoDate.optional(),
    /** The link to cite when it differs from the study's `url`; null when the original has none. */
    url: httpUrlSchema.nullable().optional(),
    /** When the atlas last read `url`, if that was recorded. */
    accessed: isoDate.optional(),
    publisher: text(300).optional(),
    /** The website, blog or series the original appeared in. */
    container: text(300).optional(),
    /** What kind of document it is, in words ("Poster", "Course report"). */
    genre: text(300).optional(),
    /** arXiv identifier, e.g. 2002.11670 (type arxiv only). */
    eprint: z
      .string()
      .regex(/^\d{4}\.\d{4,5}(v\d+)?$/, "an arXiv identifier such as 2002.11670")
      .optional(),
    doi: z
      .string()
      .regex(/^10\.\d{4,9}\/[^\s]+$/, "a DOI such as 10.48550/arXiv.2002.11670 (no https://doi.org/)")
      .optional(),
  })
  .strict()
  .refine((c) => (c.type === "arxiv") === (c.eprint !== undefined), {
    message: "type arxiv needs an eprint, and only type arxiv has one",
    path: ["eprint"],
  })
  .refine((c) => c.type !== "report" || c.publisher !== undefined, {
    message: "type report needs its publisher (the institution); a document without one is unpublished",
    path: ["publisher"],
  })
  .refine((c) => c.container === undefined || c.type === "webpage", {
    message: "container (the website or blog) is for type webpage only",
    path: ["container"],
  });

/** Study ids the atlas keeps for its own citation keys (`atlas-<version>-…`); no study may take one. */
export const RESERVED_STUDY_ID = /^atlas($|-)/;

export const studySchema = z
  .object({
    id: idSchema,
    title: text(500),
    authors: z.array(text(200)).min(1).max(100),
    year: z.number().int().min(1950).max(2100),
    url: httpUrlSchema.optional(),
    citation: text(1000),
    cite: studyCiteSchema.optional(),
    license: z
      .object({
        redistribution: z.enum(["allowed", "not-allowed", "unknown"]),
        note: text(),
      })
      .strict(),
    summary: text(),
    method: text(4000),
    caveats: z.array(text()).max(50).optional(),
    references_studies: z.array(idSchema).max(20).optional(),
    tables: z.array(tableSchema).max(200),
    claims: z.array(claimSchema).max(200).optional(),
    mlperf: mlperfMetaSchema.optional(),
    notes: z.array(text()).max(50).optional(),
  })
  .strict();
export type Study = z.infer<typeof studySchema>;

/** Spec keys; the unit is part of the key so a file cannot pick another unit. */
export const SPEC_UNITS = {
  peak_fp64_tflops: "TFLOPS",
  peak_fp32_tflops: "TFLOPS",
  peak_tf32_tflops: "TFLOPS",
  peak_fp16_tflops: "TFLOPS",
  peak_bf16_tflops: "TFLOPS",
  peak_int8_tops: "TOPS",
  macs: "MAC units",
  clock_ghz: "GHz",
  memory_gb: "GB",
  memory_bandwidth_gb_s: "GB/s",
  onchip_sram_mib: "MiB",
  /** Streaming multiprocessors (GPU): the units that run one GEMM tile each in the simulator's wave model. */
  sm_count: "SMs",
  /** Last-level on-chip cache of a GPU, the simulator's L2 reuse limit. */
  l2_cache_mib: "MiB",
  tdp_w: "W",
  board_power_w: "W",
  price_usd_per_hour: "USD/h",
} as const;
export type SpecKey = keyof typeof SPEC_UNITS;
export const SPEC_KEYS = Object.keys(SPEC_UNITS) as SpecKey[];

export const specSchema = z
  .object({
    value: z.number().positive().finite(),
    source: text(1000),
    url: httpUrlSchema.optional(),
    derived: z.boolean().optional(),
    formula: text(1000).optional(),
    assumed: z.boolean().optional(),
    note: text().optional(),
    /** A value read on the board of a study the atlas measured (its environment notes): that study's id. */
    measured_in: idSchema.optional(),
  })
  .strict()
  .refine((s) => !s.derived || s.formula !== undefined, {
    message: "a derived spec needs a formula",
    path: ["formula"],
  })
  .refine((s) => !s.assumed || s.note !== undefined, {
    message: "an assumed spec needs a note saying why",
    path: ["note"],
  });
export type Spec = z.infer<typeof specSchema>;

export const acceleratorSchema = z
  .object({
    id: idSchema,
    name: text(200),
    vendor: text(200),
    architecture: text(200).optional(),
    /** cpu: a processor that ran the benchmark itself (MLPerf systems with no accelerator). */
    kind: z.enum(["gpu", "ipu", "dla", "cpu", "fpga", "other"]),
    summary: text().optional(),
    specs: z
      .object(
        Object.fromEntries(
          SPEC_KEYS.map((k) => [
            k,
            specSchema
              // A value that is not positive is reported once, by specSchema.
              .refine((s) => !(s.value > 0) || withinBound(s.value, SPEC_BOUNDS[k]), {
                message: SPEC_BOUNDS[k].text,
                path: ["value"],
              })
              .optional(),
          ]),
        ),
      )
      .strict(),
    notes: z.array(text()).max(50).optional(),
  })
  .strict();
export type Accelerator = Omit<z.infer<typeof acceleratorSchema>, "specs"> & {
  specs: Partial<Record<SpecKey, Spec>>;
};

/**
 * One canonical row per measured (or simulated, or claimed) point. Column names of
 * dist/data/measurements.csv are the keys of this type, in this order.
 */
export interface CanonicalRow {
  study: string;
  series: string;
  accelerator: string;
  devices: number;
  model: string;
  input_width: number;
  input_height: number;
  precision: Precision;
  framework: string;
  execution: string;
  batch_size: number | null;
  latency_ms: number | null;
  latency_p90_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  throughput_img_s: number | null;
  power_w: number | null;
  img_s_per_w: number | null;
  /** The atlas's cost of 1,000 images: price_usd_per_hour / 3600 / throughput × 1000, where a price is stated. */
  cost_usd_per_1000_img: number | null;
  fraction_of_peak: number | null;
  /** Accelerator utilisation as the study reports it (%); reported only, never derived. */
  utilization_pct: number | null;
  /** Device memory in use as the study reports it (MB). */
  memory_used_mb: number | null;
  kind: "measured" | "simulated" | "claim";
  note: string;
  /** `field=formula` for every field that was computed rather than read; `;`-separated. */
  derived: string;
  /** `file:line` of every source row merged into this one; `;`-separated. */
  source_file: string;
  source_line: string;
  /**
   * A cost per 1,000 images as the study printed it, by the study's own definition (which may not be
   * the atlas's `cost_usd_per_1000_img`); absent where none is printed.
   */
  published_cost_usd_per_1000_img?: number | null;
}

/** `file:line` of each source row of a canonical row (a merged row has several, `;`-separated). */
export function rowRefs(r: Pick<CanonicalRow, "source_file" | "source_line">): string[] {
  const files = r.source_file.split(";");
  return r.source_line.split(";").map((line, i) => `${files[i] ?? files[0]}:${line}`);
}

export const CANONICAL_COLUMNS: (keyof CanonicalRow)[] = [
  "study",
  "accelerator",
  "model",
  "input_width",
  "input_height",
  "precision",
  "framework",
  "batch_size",
  "latency_ms",
  "throughput_img_s",
  "power_w",
  "img_s_per_w",
  "kind",
  "source_file",
  "source_line",
  "series",
  "devices",
  "execution",
  "latency_p90_ms",
  "latency_p95_ms",
  "latency_p99_ms",
  "cost_usd_per_1000_img",
  "fraction_of_peak",
  "utilization_pct",
  "memory_used_mb",
  "note",
  "derived",
  "published_cost_usd_per_1000_img",
];
