/**
 * The home page's answer first: per accelerator, its best ResNet-50 throughput, the batch that reaches
 * 90 % of it, its efficiency, and what a 2-megapixel input costs against 224 px, each value with its
 * source and whether it was measured or simulated. Rules, in order of preference:
 * - peak img/s: the highest measured ResNet-50 throughput at 224×224; else the highest measured
 *   throughput of any model; else the simulator's best ResNet-50 v1.5 throughput at 224×224. Here
 *   and below, rows whose throughput or batch an audit warning puts in doubt (THROUGHPUT_IN_DOUBT)
 *   are left out.
 * - batch for 90 % of peak: the smallest batch reaching 90 % of its series' peak, in the measured
 *   ResNet-50 series with batch sizes whose peak is highest (else any model's); else the simulator's.
 *   Rows whose throughput or batch an audit warning puts in doubt (THROUGHPUT_IN_DOUBT) are left out,
 *   of the series and of its peak alike.
 * - img/s/W: the highest measured efficiency; for an accelerator without any measurement, the
 *   simulator's at its ResNet-50 peak, which divides by the power specification (TDP or board power),
 *   says so, and says when that specification is assumed. A measured throughput is never divided by a
 *   specification: where a study measured speed but not power, the cell stays empty.
 * - 2 MP vs 224 px: the best measured ResNet-50 throughput at 2048×1024 over the best at 224×224 of
 *   the same setup (model, precision, framework, execution, devices; the setup fastest at 224×224 where
 *   several were measured at both sizes), each at its own best batch; else the simulator's, likewise.
 *   Rows in doubt are left out here too.
 */
import type { Accelerator, CanonicalRow, Study } from "../schema.ts";
import { groupBy } from "../group.ts";
import { frameworkShort, modelName, precisionName } from "../labels.ts";
import { effectiveSpecs, specText, type SimulatorSpecs } from "./specs.ts";
import { smallestBatchAtFraction } from "../simulate/simulate.ts";
import type { MlperfValidation } from "../simulate/validate-mlperf.ts";
import { isSimulatedTwin, SUMMARY_PRECISIONS } from "../simulate/sweep.ts";

export interface SummaryValue {
  value: number;
  kind: "measured" | "simulated";
  /** Study ids of a measured value (their pages are the source; two for a ratio of two studies' rows); absent for simulated values. */
  studies?: string[];
  /** What exactly the value is: series, batch, precision. */
  detail: string;
  /** An assumed specification the value rests on, in words. */
  assumed?: string;
}

export interface AcceleratorSummary {
  accelerator: string;
  name: string;
  measuredPoints: number;
  /** Claims about the accelerator in studies' words. */
  claims: number;
  peak: SummaryValue | null;
  batch90: SummaryValue | null;
  efficiency: SummaryValue | null;
  megapixelRatio: SummaryValue | null;
}

const RESNET50 = new Set(["resnet50_v1.5", "resnet50"]);
const THRESHOLD = 0.9;

const best = (rows: CanonicalRow[]) =>
  rows.reduce<CanonicalRow | undefined>(
    (a, r) => (a === undefined || (r.throughput_img_s ?? -1) > (a.throughput_img_s ?? -1) ? r : a),
    undefined,
  );
const at224 = (r: CanonicalRow) => r.input_width === 224 && r.input_height === 224;
const is2mp = (r: CanonicalRow) => r.input_width === 2048 && r.input_height === 1024;

/**
 * Framework and execution in a few words: the execution alone where it starts with the framework's
 * name ("TF1 graph + XLA", "PyTorch CUDA graphs"), else both ("TensorFlow, mixed precision + TF graph").
 */
function setupText(r: CanonicalRow): string {
  const framework = frameworkShort(r.framework);
  const name = framework.split(/\s/)[0]!;
  return r.execution.startsWith(name) ? r.execution : `${framework}, ${r.execution}`;
}

/** The smallest batch whose throughput reaches 90 % of the best in `rows` (one series), and its fraction of it. */
function firstAt90(rows: CanonicalRow[]): { row: CanonicalRow; fraction: number } | undefined {
  const points = rows.map((r) => ({ batch: r.batch_size!, throughputImgS: r.throughput_img_s! }));
  const batch = smallestBatchAtFraction(points, THRESHOLD);
  const row = best(rows.filter((r) => r.batch_size === batch));
  return row && { row, fraction: row.throughput_img_s! / best(rows)!.throughput_img_s! };
}

/**
 * The best rows at 224×224 and at 2048×1024 of one setup measured at both sizes (the setup fastest at
 * 224×224 where there are several): the same model, precision, framework, execution and devices.
 */
function megapixelPair(rows: CanonicalRow[]): { at224: CanonicalRow; at2mp: CanonicalRow } | undefined {
  const setups = groupBy(
    rows.filter((r) => r.throughput_img_s !== null),
    (r) => [r.model, r.precision, r.framework, r.execution, r.devices].join("\u0000"),
  );
  let pair: { at224: CanonicalRow; at2mp: CanonicalRow } | undefined;
  for (const setup of setups.values()) {
    const small = best(setup.filter(at224));
    const large = best(setup.filter(is2mp));
    if (small && large && (!pair || small.throughput_img_s! > pair.at224.throughput_img_s!))
      pair = { at224: small, at2mp: large };
  }
  return pair;
}
const batchText = (r: CanonicalRow) =>
  r.batch_size === null ? "no batch size given" : `batch ${r.batch_size}`;

export function acceleratorSummaries(
  accelerators: Accelerator[],
  studies: Study[],
  rows: CanonicalRow[],
  simulatorSpecs: SimulatorSpecs[],
  /** Rows whose throughput or batch an audit warning puts in doubt (report/assumptions.ts warnedBy). */
  inDoubt: (r: CanonicalRow) => boolean,
  /** The rows values may be chosen from (mlperf/analysis.ts summaryRows); points are counted over all. */
  valueRows: CanonicalRow[] = rows,
  /** The simulator against MLPerf, per accelerator (simulate/validate-mlperf.ts): named beside a simulated throughput. */
  mlperfChecks: readonly Pick<
    MlperfValidation["byAccelerator"][number],
    "accelerator" | "scenario" | "points" | "bias_pct"
  >[] = [],
): AcceleratorSummary[] {
  // A simulated throughput where MLPerf shows the simulator's bias on that chip says so beside the value.
  const offlineCheckOf = (accelerator: string) => {
    const c = mlperfChecks.find((m) => m.accelerator === accelerator && m.scenario === "Offline");
    return c
      ? `; against ${c.points === 1 ? "1 MLPerf Offline result (INT8)" : `${c.points} MLPerf Offline results (INT8)`} on this accelerator the simulator is ${Math.abs(c.bias_pct).toFixed(1)} % too ${c.bias_pct < 0 ? "slow" : "fast"} on balance`
      : "";
  };
  const byAcc = groupBy(valueRows, (r) => r.accelerator);
  const measuredByAcc = groupBy(
    rows.filter((r) => r.kind === "measured"),
    (r) => r.accelerator,
  );
  return accelerators.map((acc) => {
    const own = byAcc.get(acc.id) ?? [];
    const measured = own.filter((r) => r.kind === "measured" && r.throughput_img_s !== null);
    const sweep = own.filter(
      // The sweep, not the simulated twins of measured series.
      (r) =>
        r.kind === "simulated" &&
        !isSimulatedTwin(r) &&
        r.model === "resnet50_v1.5" &&
        r.throughput_img_s !== null,
    );
    const simPrecision = SUMMARY_PRECISIONS.find((p) => sweep.some((r) => r.precision === p && at224(r)));
    const simAt = (w: number, h: number) =>
      sweep.filter((r) => r.precision === simPrecision && r.input_width === w && r.input_height === h);
    const sim224 = simAt(224, 224);
    const sim2mp = simAt(2048, 1024);
    const simPeak = best(sim224);
    const offlineCheck = offlineCheckOf(acc.id);
    const simDetail = (r: CanonicalRow) =>
      `simulated, ${precisionName(r.precision)}, ${r.input_width}×${r.input_height}, ${batchText(r)}${offlineCheck}`;
    const measuredValue = (
      r: CanonicalRow,
      value: number,
      what: string,
      other?: CanonicalRow,
    ): SummaryValue => ({
      value,
      kind: "measured",
      studies: other && other.study !== r.study ? [r.study, other.study] : [r.study],
      detail: [
        r.model === "resnet50_v1.5" ? null : modelName(r.model),
        precisionName(r.precision),
        setupText(r),
        r.devices > 1 ? `${r.devices} devices` : null,
        what,
      ]
        .filter(Boolean)
        .join(", "),
    });

    const trusted = measured.filter((r) => !inDoubt(r));
    const rn50 = trusted.filter((r) => RESNET50.has(r.model) && at224(r));
    const peakRow = best(rn50) ?? best(trusted);
    const peak: SummaryValue | null = peakRow
      ? measuredValue(peakRow, peakRow.throughput_img_s!, batchText(peakRow))
      : simPeak
        ? { value: simPeak.throughput_img_s!, kind: "simulated", detail: simDetail(simPeak) }
        : null;

    const batched = (pool: CanonicalRow[]) =>
      [
        ...groupBy(
          pool.filter((r) => r.batch_size !== null),
          (r) => r.series,
        ).values(),
      ].filter((s) => s.length > 1);
    const candidates = batched(rn50).length ? batched(rn50) : batched(trusted);
    const series = candidates.reduce<CanonicalRow[] | undefined>(
      (a, s) => (a === undefined || best(s)!.throughput_img_s! > best(a)!.throughput_img_s! ? s : a),
      undefined,
    );
    const hit = series && firstAt90(series);
    const simHit = firstAt90(sim224.filter((r) => r.batch_size !== null));
    const leftOut = series
      ? measured.filter((r) => r.series === series[0]!.series && r.batch_size !== null && inDoubt(r)).length
      : 0;
    const batch90: SummaryValue | null =
      hit && series
        ? measuredValue(
            hit.row,
            hit.row.batch_size!,
            `${Math.round(hit.fraction * 100)} % of the series' peak of ${Math.round(best(series)!.throughput_img_s!).toLocaleString("en-US")} img/s${leftOut ? ` (${leftOut} ${leftOut === 1 ? "row" : "rows"} an audit warning puts in doubt left out)` : ""}`,
          )
        : simHit
          ? {
              value: simHit.row.batch_size!,
              kind: "simulated",
              detail: `simulated, ${precisionName(simHit.row.precision)}, 224×224`,
            }
          : null;

    const eff = measured
      .filter((r) => r.img_s_per_w !== null)
      .reduce<CanonicalRow | undefined>(
        (a, r) => (a === undefined || r.img_s_per_w! > a.img_s_per_w! ? r : a),
        undefined,
      );
    const power = effectiveSpecs(
      acc,
      simulatorSpecs.find((s) => s.accelerator === acc.id),
    ).find((s) => s.key === "tdp_w" || s.key === "board_power_w");
    const efficiency: SummaryValue | null = eff
      ? measuredValue(eff, eff.img_s_per_w!, `${batchText(eff)}, measured power`)
      : measured.length === 0 && simPeak?.img_s_per_w != null && power
        ? {
            value: simPeak.img_s_per_w,
            kind: "simulated",
            detail: `simulated throughput ÷ ${specText(power.key, power.spec)} (a specification, not a measured power), ${precisionName(simPeak.precision)}, ${batchText(simPeak)}${offlineCheck}`,
            ...(power.spec.assumed ? { assumed: `${specText(power.key, power.spec)} is assumed` } : {}),
          }
        : null;

    const measuredRatio = megapixelPair(
      rn50.concat(trusted.filter((r) => RESNET50.has(r.model) && is2mp(r))),
    );
    const peak2mp = best(sim2mp);
    const megapixelRatio: SummaryValue | null = measuredRatio
      ? measuredValue(
          measuredRatio.at2mp,
          measuredRatio.at2mp.throughput_img_s! / measuredRatio.at224.throughput_img_s!,
          `${Math.round(measuredRatio.at2mp.throughput_img_s!).toLocaleString("en-US")} img/s at 2048×1024 (${batchText(measuredRatio.at2mp)}) ÷ ${Math.round(measuredRatio.at224.throughput_img_s!).toLocaleString("en-US")} at 224×224 (${batchText(measuredRatio.at224)})`,
          measuredRatio.at224,
        )
      : simPeak && peak2mp
        ? {
            value: peak2mp.throughput_img_s! / simPeak.throughput_img_s!,
            kind: "simulated",
            detail: `simulated, ${precisionName(simPeak.precision)}: ${Math.round(peak2mp.throughput_img_s!).toLocaleString("en-US")} img/s at 2048×1024 (${batchText(peak2mp)}) ÷ ${Math.round(simPeak.throughput_img_s!).toLocaleString("en-US")} at 224×224 (${batchText(simPeak)})`,
          }
        : null;

    const claims = studies
      .flatMap((s) => s.claims ?? [])
      .filter(
        (c) =>
          c.subject?.accelerator === acc.id ||
          (c.test?.kind === "throughput-ratio" && c.test.accelerator === acc.id),
      ).length;
    return {
      accelerator: acc.id,
      name: acc.name,
      measuredPoints: measuredByAcc.get(acc.id)?.length ?? 0,
      claims,
      peak,
      batch90,
      efficiency,
      megapixelRatio,
    };
  });
}
