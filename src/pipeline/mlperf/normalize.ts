/**
 * Build side: validated results.csv records → one result per (system, scenario), the canonical rows
 * the dataset and the accelerator pages use, and audit findings for everything left out of figures
 * (invalid results, unmapped spellings, unknown counts, multi-node systems, empty power windows).
 */
import { createHash } from "node:crypto";
import { describeValue, outOfBounds, type BoundedQuantity } from "../bounds.ts";
import { ProblemList, SourceError, addProblems, type SourceProblem } from "../errors.ts";
import type { ParsedStudy } from "../ingest/study.ts";
import type { AuditFinding } from "../normalize/audit.ts";
import type { CanonicalRow, Study } from "../schema.ts";
import { matchAccelerator, type AliasTable } from "./aliases.ts";
import type { MlperfRecord, ParsedMlperf } from "./ingest.ts";
import { roundSlug, type Benchmark, type Scenario } from "./rounds.ts";

/** One MLPerf result: a system's reported line in one scenario, with the atlas's reading of it. */
export interface MlperfResult {
  study: string;
  round: string;
  benchmark: Benchmark;
  division: string;
  submitter: string;
  system: string;
  systemName: string;
  /** system_type as printed, lower case: "datacenter", "edge", "datacenter,edge", or "" (v0.5 had none). */
  category: string;
  availability: string;
  acceleratorModel: string;
  hostProcessor: string;
  framework: string;
  /** Atlas accelerator id (for a system without accelerators: its processor's id); null when unmapped. */
  accelerator: string | null;
  /** "cpu" when the host processor ran the benchmark. */
  deviceKind: "accelerator" | "cpu" | "unmapped";
  unmappedReason: string | null;
  /** Accelerators (or, for a CPU system, processors) per node, and nodes; null when not a whole number. */
  perNode: number | null;
  /** The per-node count as published, where data/mlperf/corrections.yaml reads it otherwise; else absent. */
  perNodePublished?: string;
  nodes: number | null;
  scenario: Scenario;
  metric: string;
  value: number;
  valueText: string;
  unit: MlperfRecord["unit"];
  validity: MlperfRecord["validity"];
  /** Whole-system images per second: Offline, Server, or 1000 ÷ SingleStream latency (ms); else null. */
  throughput: number | null;
  /** SingleStream 90th-percentile or MultiStream 99th-percentile latency per query, ms. */
  latencyMs: number | null;
  /** Whole-system wall power in the power window, W (as results.csv computes it). */
  powerW: number | null;
  /** throughput ÷ power for Offline and Server power runs; null otherwise. */
  imgPerJoule: number | null;
  /** results.csv line of the reported row. */
  line: number;
  /** `repository@commit:path` of the summary, with the line. */
  source: string;
  /** Series id of its canonical row; null when it has none (invalid, unmapped, unknown count). */
  series: string | null;
}

/** Single-node systems only: the system's value shared out evenly (derived, not verified by MLCommons). */
export function perAccelerator(r: MlperfResult, value: number | null = r.throughput): number | null {
  if (value === null || r.nodes !== 1 || r.perNode === null || r.perNode < 1) return null;
  return value / r.perNode;
}

const wholeNumber = (text: string): number | null => (/^\s*[1-9]\d*\s*$/.test(text) ? Number(text) : null);

const SCENARIO_SHORT: Record<Scenario, string> = {
  SingleStream: "ss",
  MultiStream: "ms",
  Server: "server",
  Offline: "offline",
};

/** A stable, unique, readable series id: round, benchmark, scenario, system, and a hash of the full key. */
function mlperfSeriesId(round: string, benchmark: Benchmark, r: MlperfRecord): string {
  const key = [r.division, r.submitter, r.system, r.scenario].join("/");
  const hash = createHash("sha1").update(key).digest("hex").slice(0, 6);
  const prefix = `mlperf-${roundSlug(round)}-${benchmark === "resnet50" ? "rn50" : "retina"}-${SCENARIO_SHORT[r.scenario]}-`;
  const slug = r.system
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const room = 64 - prefix.length - 7;
  return `${prefix}${slug.slice(0, room).replace(/-+$/, "")}-${hash}`;
}

interface MlperfNormalized {
  results: MlperfResult[];
  rows: CanonicalRow[];
  audit: AuditFinding[];
}

const round6 = (x: number) => Number(x.toPrecision(6));

/** Every imported round's results; the problems of all rounds are reported together. */
export function normalizeMlperfStudies(
  studies: readonly ParsedStudy[],
  table: AliasTable | null,
): MlperfNormalized[] {
  const out: MlperfNormalized[] = [];
  const problems: SourceProblem[] = [];
  for (const s of studies) {
    if (!s.mlperf) continue;
    try {
      out.push(normalizeMlperf(s.study, s.mlperf, table));
    } catch (e) {
      if (e instanceof SourceError) addProblems(problems, e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new SourceError(problems);
  return out;
}

function normalizeMlperf(study: Study, parsed: ParsedMlperf, table: AliasTable | null): MlperfNormalized {
  const meta = parsed.meta;
  const problems = new ProblemList();
  // A derived value outside its physical range, located at the cell it was computed from.
  const checkDerived = (
    r: MlperfRecord,
    field: BoundedQuantity,
    value: number | null,
    formula: string,
    column: number,
  ) => {
    const range = value === null ? null : outOfBounds(field, value);
    if (range)
      problems.add({
        file: parsed.file,
        line: r.line,
        column,
        message: `derived ${field} is outside the physical range`,
        expected: range,
        found: `${describeValue(value!)} from ${field}=${formula}`,
        hint: `computed from Value ${JSON.stringify(r.valueText)} ${r.unit}${r.powerW === null ? "" : ` and Average power ${r.powerW} W`}; check these cells`,
      });
  };
  const results: MlperfResult[] = [];
  const rows: CanonicalRow[] = [];
  const audit: AuditFinding[] = [];
  const unmapped = new Map<string, { reason: string; rows: string[]; systems: Set<string> }>();
  const rowRef = (r: MlperfRecord) => `${parsed.file}:${r.line}`;
  const systemKey = (r: MlperfRecord) => `mlperf:${r.division}/${r.submitter}/${r.system}`;
  for (const r of parsed.records.filter((x) => x.reported)) {
    const match = table
      ? matchAccelerator(table, r)
      : { kind: "unmapped" as const, name: r.acceleratorModel, reason: "no data/mlperf/accelerators.yaml" };
    const cpu = match.kind === "cpu";
    const perNode = wholeNumber(cpu ? r.hostProcessorsPerNode : r.acceleratorsPerNode);
    const nodes = wholeNumber(r.nodes);
    const throughput =
      r.unit === "samples/s"
        ? r.value
        : r.scenario === "SingleStream" && r.unit === "ns"
          ? 1e9 / r.value
          : null;
    const latencyMs = r.unit === "ns" ? r.value / 1e6 : null;
    const power = r.powerW;
    const imgPerJoule =
      power !== null && (r.scenario === "Offline" || r.scenario === "Server") && throughput !== null
        ? throughput / power
        : null;
    if (r.unit === "ns" && throughput !== null)
      checkDerived(r, "throughput_img_s", throughput, "1e9 / Value (ns)", r.valueColumn);
    checkDerived(r, "img_s_per_w", imgPerJoule, "throughput_img_s / power_w", r.powerColumn);
    const usable = r.validity === "VALID" && match.kind !== "unmapped" && perNode !== null && nodes !== null;
    const series =
      usable && (throughput !== null || latencyMs !== null)
        ? mlperfSeriesId(meta.round, meta.benchmark, r)
        : null;
    const result: MlperfResult = {
      study: study.id,
      round: meta.round,
      benchmark: meta.benchmark,
      division: r.division,
      submitter: r.submitter,
      system: r.system,
      systemName: r.systemName,
      category: r.category.toLowerCase().replace(/\s+/g, ""),
      availability: r.availability,
      acceleratorModel: r.acceleratorModel,
      hostProcessor: r.hostProcessor,
      framework: r.framework,
      accelerator: match.kind === "unmapped" ? null : match.id,
      deviceKind: match.kind,
      unmappedReason: match.kind === "unmapped" ? match.reason : null,
      perNode,
      ...(r.corrected ? { perNodePublished: r.corrected.published } : {}),
      nodes,
      scenario: r.scenario,
      metric: r.metric,
      value: r.value,
      valueText: r.valueText,
      unit: r.unit,
      validity: r.validity,
      // Reported values keep their digits (12 significant digits only remove unit-conversion noise);
      // derived ones (throughput from a latency, efficiency) are rounded to 6.
      throughput: throughput === null ? null : r.unit === "samples/s" ? throughput : round6(throughput),
      latencyMs: latencyMs === null ? null : Number(latencyMs.toPrecision(12)),
      powerW: power,
      imgPerJoule: imgPerJoule === null ? null : round6(imgPerJoule),
      line: r.line,
      source: `${r.resultSource}:${r.resultLine}`,
      series,
    };
    results.push(result);

    const finding = (check: AuditFinding["check"], message: string, values: AuditFinding["values"] = {}) =>
      audit.push({
        study: study.id,
        series: systemKey(r),
        check,
        severity: "info",
        message,
        rows: [rowRef(r)],
        values,
      });
    const who = `${r.submitter} ${r.system} (${r.division}), ${r.scenario}`;
    const correction = r.corrected;
    if (correction)
      finding(
        "mlperf-corrected",
        `${who}: ${correction.field} read as ${correction.readAs}, published ${correction.published} (data/mlperf/corrections.yaml): ${correction.reason.replace(/[.\s]*$/, "")}. Evidence: ${correction.source}`,
        { published: correction.published, read_as: correction.readAs },
      );
    if (r.validity === "INVALID")
      finding(
        "mlperf-invalid",
        `${who}: the summary says "Result is : INVALID"; kept here, left out of every figure`,
      );
    if (match.kind === "unmapped") {
      const k = `${match.name}\u0000${match.reason}`;
      const u = unmapped.get(k) ?? { reason: match.reason, rows: [], systems: new Set<string>() };
      u.rows.push(rowRef(r));
      u.systems.add(`${r.submitter} ${r.system}`);
      unmapped.set(k, u);
    } else if (perNode === null || nodes === null)
      finding(
        "mlperf-accelerator-count",
        `${who}: ${cpu ? "processors" : "accelerators"} per node ${JSON.stringify(cpu ? r.hostProcessorsPerNode : r.acceleratorsPerNode)}, nodes ${JSON.stringify(r.nodes)}: not whole numbers, so the result is left out of the figures`,
      );
    else if (nodes > 1)
      finding(
        "mlperf-multi-node",
        `${who}: ${nodes} nodes; no per-accelerator value is derived for a multi-node system`,
        { nodes },
      );
    if (r.powerSamples === 0)
      finding(
        "mlperf-power-window",
        `${who}: spl.txt has no sample inside the power window; no average power`,
      );

    if (!series || match.kind === "unmapped") continue;
    const derived: string[] = [];
    if (r.scenario === "SingleStream" && throughput !== null)
      derived.push(
        "throughput_img_s=1000 / latency_p90_ms (SingleStream sends one sample per query: batch 1)",
      );
    if (power !== null)
      derived.push(
        "power_w=mean of the spl.txt samples inside the power window (MLCommons' checker method; whole system at the wall)",
      );
    if (imgPerJoule !== null) derived.push("img_s_per_w=throughput_img_s / power_w");
    rows.push({
      study: study.id,
      series,
      accelerator: match.id,
      devices: perNode! * nodes!,
      model: meta.model,
      input_width: meta.input.width,
      input_height: meta.input.height,
      precision: "unknown",
      framework: r.framework || "not stated",
      execution: `MLPerf ${r.scenario}, ${r.division} division`,
      batch_size: null,
      latency_ms: null,
      latency_p90_ms: r.scenario === "SingleStream" ? result.latencyMs : null,
      latency_p95_ms: null,
      latency_p99_ms: r.scenario === "MultiStream" ? result.latencyMs : null,
      throughput_img_s: result.throughput,
      power_w: power,
      img_s_per_w: result.imgPerJoule,
      cost_usd_per_1000_img: null,
      published_cost_usd_per_1000_img: null,
      fraction_of_peak: null,
      utilization_pct: null,
      memory_used_mb: null,
      kind: "measured",
      note: `${r.submitter}: ${r.systemName || r.system} (${r.system}), ${r.category || "no category"}; MLPerf ${meta.round} ${r.scenario} ${r.metric} = ${r.valueText} ${r.unit}; whole system; ${r.resultSource}:${r.resultLine}${correction ? `; ${correction.field} read as ${correction.readAs}, published ${correction.published} (see the audit)` : ""}`,
      derived: derived.join("; "),
      source_file: parsed.file,
      source_line: String(r.line),
    });
  }
  for (const [k, u] of unmapped) {
    const name = k.split("\u0000")[0]!;
    audit.push({
      study: study.id,
      series: "mlperf:unmapped",
      check: "mlperf-unmapped",
      severity: "info",
      message: `accelerator ${JSON.stringify(name)} (${u.systems.size} system${u.systems.size === 1 ? "" : "s"}: ${[...u.systems].slice(0, 4).join("; ")}${u.systems.size > 4 ? "; …" : ""}) is not mapped to an atlas accelerator: ${u.reason}; ${u.rows.length === 1 ? "its result stays" : `its ${u.rows.length} results stay`} out of the figures`,
      rows: u.rows,
      values: { spelling: name, results: u.rows.length },
    });
  }
  problems.throwIfAny();
  return { results, rows, audit };
}
