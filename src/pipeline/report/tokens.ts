/**
 * The numbers finding prose may quote, each computed from the canonical rows at build time.
 * `{{ratio:dle-tf1-rn50-t4-fp32:32:1}}` → "3.04×"; `{{claim:<study>:<claim id>}}` → the claims ledger's
 * verdict and the first clause of its reason ("supported: 6 of 6 comparable series agree"). Unknown series or
 * batches are errors, never blanks.
 */
import { groupBy } from "../group.ts";
import type { CanonicalRow } from "../schema.ts";
import type { AuditFinding } from "../normalize/audit.ts";
import type { TokenResolver } from "./markdown.ts";
import { smallestBatchAtFraction } from "../simulate/simulate.ts";

interface TokenContext {
  rows: CanonicalRow[];
  audit: AuditFinding[];
  /** The claims ledger's entries (claims.ts), for a finding that quotes a claim's verdict and what it rests on. */
  ledger?: readonly { study: string; claim: string; verdict: string; reason: string }[];
  /** Hourly price stated for a series' table, where the study gives one. */
  prices?: Map<string, number>;
  /** Method constants prose may quote (e.g. the audit margin), by name. */
  constants?: Record<string, string>;
  /** Extra resolvers by kind (e.g. simulator quantities), added by later stages. */
  extra?: Record<string, (args: string[]) => string>;
}

/** A token that names data the atlas does not have, or asks for it wrongly: the finding's to fix. */
export class TokenError extends Error {}

export function formatNumber(x: number, digits = 3): string {
  const abs = Math.abs(x);
  // Below 1, significant digits: decimals would print $0.00174 and $0.0021 both as "$0.002".
  if (abs < 1) return x.toLocaleString("en-US", { maximumSignificantDigits: digits });
  // At and above 1, `digits` significant digits but never fewer than the integer part.
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return x.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: decimals });
}

const FIELDS = new Set<string>([
  "latency_ms",
  "latency_p90_ms",
  "latency_p95_ms",
  "latency_p99_ms",
  "throughput_img_s",
  "power_w",
  "img_s_per_w",
  "cost_usd_per_1000_img",
  "published_cost_usd_per_1000_img",
  "fraction_of_peak",
]);

export function makeTokenResolver(ctx: TokenContext): TokenResolver {
  const bySeries = groupBy(ctx.rows, (r) => r.series);

  const series = (id: string | undefined): CanonicalRow[] => {
    const rows = id === undefined ? undefined : bySeries.get(id);
    if (!rows) throw new TokenError(`no series ${JSON.stringify(id)}`);
    return rows;
  };
  const at = (id: string | undefined, batch: string | undefined): CanonicalRow => {
    // An empty batch names the only row of a series without batch sizes (e.g. one cost-table row).
    if (batch === "" || batch === undefined) {
      const rows = series(id);
      if (rows.length !== 1) throw new TokenError(`series ${id} has ${rows.length} rows; name a batch size`);
      return rows[0]!;
    }
    const b = Number(batch);
    // The first published run at a batch (repeats carry a note such as "run 2").
    const row = series(id).find((r) => r.batch_size === b);
    if (!row) throw new TokenError(`series ${id} has no batch ${batch}`);
    return row;
  };
  const num = (row: CanonicalRow, field: string): number => {
    if (!FIELDS.has(field)) throw new TokenError(`unknown field ${JSON.stringify(field)}`);
    const v = row[field as keyof CanonicalRow];
    if (v === null || v === undefined)
      throw new TokenError(`${row.series} batch ${row.batch_size} has no ${field}`);
    return v as number;
  };
  const peakRow = (id: string | undefined) =>
    series(id).reduce((best, r) => ((r.throughput_img_s ?? -1) > (best.throughput_img_s ?? -1) ? r : best));

  const kinds: Record<string, (a: string[]) => string> = {
    value: ([s, f, b]) => formatNumber(num(at(s, b), f!)),
    ratio: ([s, a, b]) =>
      `${formatNumber(num(at(s, a), "throughput_img_s") / num(at(s, b), "throughput_img_s"))}×`,
    pct: ([s, a, b]) =>
      `${((num(at(s, a), "throughput_img_s") / num(at(s, b), "throughput_img_s")) * 100).toFixed(1)} %`,
    frac: ([s, b]) => `${(num(at(s, b), "fraction_of_peak") * 100).toFixed(1)} %`,
    peak: ([s]) => formatNumber(num(peakRow(s), "throughput_img_s")),
    peakbatch: ([s]) => String(peakRow(s).batch_size),
    firstbatch: ([s, f]) => {
      // Rows with a note (a flagged value) do not count, neither as the peak nor as the answer.
      const points = series(s).flatMap((r) =>
        r.note === "" && r.throughput_img_s !== null && r.batch_size !== null
          ? [{ batch: r.batch_size, throughputImgS: r.throughput_img_s }]
          : [],
      );
      const batch = smallestBatchAtFraction(points, Number(f));
      if (batch === null) throw new TokenError(`series ${s} never reaches ${f} of its peak`);
      return String(batch);
    },
    max: ([s, f]) => formatNumber(Math.max(...series(s).map((r) => num(r, f!)))),
    min: ([s, f]) => formatNumber(Math.min(...series(s).map((r) => num(r, f!)))),
    atmax: ([s, f]) => String(series(s).reduce((a, b) => (num(b, f!) > num(a, f!) ? b : a)).batch_size),
    atmin: ([s, f]) => String(series(s).reduce((a, b) => (num(b, f!) < num(a, f!) ? b : a)).batch_size),
    speedup: ([s1, s2, b]) =>
      `${formatNumber(num(at(s1, b), "throughput_img_s") / num(at(s2, b), "throughput_img_s"))}×`,
    audit: ([s, check, key]) => {
      const f = ctx.audit.find((x) => x.series === s && x.check === check);
      const v = f?.values[key!];
      if (v === undefined) throw new TokenError(`no ${check} finding with ${key} for series ${s}`);
      return typeof v === "number" ? formatNumber(v) : v;
    },
    auditrange: ([check, key]) => {
      const vs = ctx.audit
        .filter((x) => x.check === check)
        .map((x) => x.values[key!])
        .filter((v): v is number => typeof v === "number");
      if (vs.length === 0) throw new TokenError(`no ${check} findings with a numeric ${key}`);
      const lo = formatNumber(Math.min(...vs));
      const hi = formatNumber(Math.max(...vs));
      return lo === hi ? lo : `${lo}–${hi}`;
    },
    price: ([s]) => {
      const p = ctx.prices?.get(s!);
      if (p === undefined) throw new TokenError(`no stated price for series ${s}`);
      return `$${formatNumber(p)}`;
    },
    const: ([name]) => {
      const v = ctx.constants?.[name!];
      if (v === undefined) throw new TokenError(`unknown constant ${JSON.stringify(name)}`);
      return v;
    },
    claim: ([study, id]) => {
      const c = ctx.ledger?.find((x) => x.study === study && x.claim === id);
      if (!c) throw new TokenError(`no claim ${JSON.stringify(id)} in study ${JSON.stringify(study)}`);
      // The verdict and the first clause of its reason ("6 of 6 comparable series agree"): what it
      // rests on in full (sources, series not counted, doubted rows) is on the ledger's card.
      return `${c.verdict}: ${c.reason.split("; ")[0]!.replace(/ \(.*$/, "")}`;
    },
    count: ([what]) => {
      switch (what) {
        case "studies":
          return String(new Set(ctx.rows.filter((r) => r.kind === "measured").map((r) => r.study)).size);
        case "series":
          return String(new Set(ctx.rows.filter((r) => r.kind === "measured").map((r) => r.series)).size);
        case "measured":
          return String(ctx.rows.filter((r) => r.kind === "measured").length);
        case "warnings":
          return String(ctx.audit.filter((f) => f.severity === "warning").length);
        case "findings":
          return String(ctx.audit.length);
        default:
          throw new TokenError(`unknown count ${JSON.stringify(what)}`);
      }
    },
    ...ctx.extra,
  };
  return (kind, args) => {
    const f = kinds[kind];
    if (!f)
      return {
        ok: false,
        error: `unknown token kind ${JSON.stringify(kind)} (known: ${Object.keys(kinds).join(", ")})`,
      };
    try {
      return { ok: true, text: f(args) };
    } catch (e) {
      // A TokenError is the finding's problem and gets its location; anything else is a bug.
      if (!(e instanceof TokenError)) throw e;
      return { ok: false, error: e.message };
    }
  };
}
