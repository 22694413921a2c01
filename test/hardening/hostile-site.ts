/**
 * A data folder that passes ingest with script payloads in every free-text field a contributor
 * controls: study and table metadata, claims, CSV column names and cells, accelerator names and spec
 * sources, and a finding whose Markdown carries raw HTML and javascript: links.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { copyFixture } from "../helpers/fixtures.ts";

/** Markup that would set `window.__pwned` if it ever reached the page as HTML rather than as text. */
export const payload = (tag: string) =>
  `<script>window.__pwned="${tag}"</script><img src=x onerror="window.__pwned='${tag}'">`;

/** A payload short enough for 80-character fields. */
export const shortPayload = (tag: string) => `<script>window.__pwned="${tag}"</script>`;

/** A URL that passes the http(s) rule but tries to break out of an attribute. */
const hostileUrl = (tag: string) => `https://example.org/?q="><script>window.__pwned='${tag}'</script>`;

/** Fields whose payload must appear on the study or accelerator page as literal text. */
export const VISIBLE: { page: string; tags: string[] }[] = [
  {
    page: "/studies/study-a/",
    tags: [
      "study-title",
      "study-summary",
      "study-method",
      "study-caveat",
      "table-title",
      "column-name",
      "label-cell",
      "claim-text",
    ],
  },
  { page: "/accelerators/acc-a/", tags: ["acc-name", "acc-summary", "spec-source"] },
  { page: "/findings/hostile/", tags: ["finding-title", "finding-verdict"] },
];

const CSV_QUOTE = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** Markdown images never get this far: ingest refuses them (corpus-v2.ts, "finding with a javascript: image"). */
const FINDING = `
Visible finding prose: hostile-markdown-rendered.

<script>window.__pwned = "md-script"</script>

<img src="x" onerror="window.__pwned='md-img'">

<svg onload="window.__pwned='md-svg'"><circle r="4"/></svg>

<iframe src="javascript:window.__pwned='md-iframe'"></iframe>

<a href="javascript:window.__pwned='md-a'">raw anchor</a> and <a href=" JaVaScRiPt:window.__pwned='md-a2'">spaced anchor</a>

[markdown link](javascript:window.__pwned='md-link') [entity link](&#106;avascript:window.__pwned='md-entity') [data link](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)

<details open ontoggle="window.__pwned='md-toggle'"><summary>s</summary>d</details>

<form action="javascript:window.__pwned='md-form'"><button formaction="javascript:window.__pwned='md-formaction'">go</button></form>

<style>body { display: none }</style>

<math><mi xlink:href="javascript:window.__pwned='md-math'">m</mi></math>

<div style="background:url(javascript:window.__pwned='md-style')" onclick="window.__pwned='md-click'">styled</div>

| a | b |
|---|---|
| <script>window.__pwned='md-table'</script> | <img src=x onerror="window.__pwned='md-table-img'"> |
`;

/** Copies the minimal fixture and fills every free-text field with a payload; returns the data folder. */
export function hostileData(): string {
  const dir = copyFixture();
  const study = {
    id: "study-a",
    title: payload("study-title"),
    authors: [payload("author")],
    year: 2024,
    url: hostileUrl("study-url"),
    citation: payload("citation"),
    license: { redistribution: "allowed", note: payload("license-note") },
    summary: payload("study-summary"),
    method: payload("study-method"),
    caveats: [payload("study-caveat")],
    notes: [payload("study-note")],
    tables: [
      {
        file: "latency.csv",
        title: payload("table-title"),
        source: payload("table-source"),
        source_url: hostileUrl("source-url"),
        series: "study-a-fp32",
        accelerator: "acc-a",
        model: "resnet50_v1.5",
        input: { width: 224, height: 224, stated: true },
        precision: "fp32",
        framework: payload("framework"),
        execution: payload("execution"),
        images_per_run: 1000,
        images_per_run_source: payload("images-source"),
        price_usd_per_hour: 1.5,
        price_source: payload("price-source"),
        columns: [
          { name: "Batch Size", field: "batch_size", unit: "images", allow_note: true },
          { name: "Config", field: "label", unit: "text" },
          { name: "Latency", field: "latency_ms", unit: "ms", suffix: "ms" },
          { name: `Throughput ${payload("column-name")}`, field: "throughput_img_s", unit: "img/s" },
          { name: "Run time (s)", field: "run_time_s", unit: "s" },
          { name: "Remark", field: "text", unit: "text" },
        ],
        corrections: [
          {
            line: 3,
            column: "Latency",
            published: "5,50 ms",
            read_as: "5.50 ms",
            reason: payload("correction"),
          },
        ],
        notes: [payload("table-note")],
      },
    ],
    claims: [
      {
        id: "hostile-claim",
        text: payload("claim-text"),
        where: payload("claim-where"),
        note: payload("claim-note"),
        test: { kind: "none", reason: payload("claim-reason") },
      },
      {
        id: "batch-8-peak",
        text: "Batch 8 reaches 90% of peak.",
        where: "Abstract",
        test: { kind: "peak-fraction", series: "study-a-fp32", batch: 8, expected: 0.9 },
      },
    ],
  };
  writeFileSync(join(dir, "studies/study-a/study.yaml"), stringify(study));
  const rows = [
    ["1", payload("label-cell"), "5.00 ms", "200.0", "5.00", payload("text-cell")],
    ["2", "b", "5,50 ms", "363.6", "2.75", "<b>bold?</b>"],
    ["8", "c", "10.00 ms", "800.0", "1.25", "javascript:window.__pwned='cell-url'"],
    ["16", "d", "20.00 ms", "800.0", "12.50", ""],
  ];
  const header = [
    "Batch Size",
    "Config",
    "Latency",
    `Throughput ${payload("column-name")}`,
    "Run time (s)",
    "Remark",
  ];
  writeFileSync(
    join(dir, "studies/study-a/latency.csv"),
    `${[header, ...rows].map((r) => r.map(CSV_QUOTE).join(",")).join("\n")}\n`,
  );
  const acc = {
    id: "acc-a",
    name: payload("acc-name"),
    vendor: payload("acc-vendor"),
    architecture: payload("acc-arch"),
    kind: "gpu",
    summary: payload("acc-summary"),
    specs: {
      peak_fp32_tflops: { value: 10, source: payload("spec-source"), url: hostileUrl("spec-url") },
      memory_bandwidth_gb_s: { value: 500, source: "fixture", note: payload("spec-note") },
      onchip_sram_mib: { value: 20, source: "fixture", derived: true, formula: payload("spec-formula") },
      tdp_w: { value: 250, source: "fixture", assumed: true, note: payload("spec-assumed") },
    },
    notes: [payload("acc-note")],
  };
  writeFileSync(join(dir, "accelerators/acc-a.yaml"), stringify(acc));
  mkdirSync(join(dir, "findings"));
  const front = stringify({
    title: payload("finding-title"),
    order: 1,
    headline: `${payload("finding-headline")} [x](javascript:window.__pwned='headline-link')`,
    verdict: shortPayload("finding-verdict"),
  });
  writeFileSync(join(dir, "findings/hostile.md"), `---\n${front}---\n${FINDING}`);
  return dir;
}
