/**
 * Data tokens for simulator numbers in finding prose:
 *   {{sim:<quantity>:<model>:<W>x<H>:<precision>[:<batch>]}}  a memory or size quantity ("33.55 MB")
 *   {{crossover:<model>:<precision>}}  smallest swept input whose working set exceeds the weights
 *   {{val:<summary field>}}  the simulator's accuracy summary ("14.9 %", "273")
 *   {{valby:<accelerator|model|precision|regime|stack|study>:<key>:<loao|lomo>}}  MAPE of one group ("12.1 % (bias +3.0 %, 87 points)")
 *   {{valseries:<measured series>}}  the full fit's error on one measured series ("18.9 % (bias −10.7 %, 9 points)"); held-out only where the series is not in the fit's training set
 *   {{simbatch:<sweep series>}}  smallest batch reaching 90 % of the series' best throughput
 *   {{mlperfval:<Offline|SingleStream>[:<accelerator>|unseen|roofline]}}  error against MLPerf results ("14.9 % (bias −12.6 %, 243 results)"): the GPU kernel model's, or with `roofline` the layer roofline's on GPUs without an SM count
 *   {{mlperfgpus:<seen|unseen|roofline>}}  the GPUs of that comparison whose other tables the fit did (not) see, or that only the roofline simulates, by name
 */
import type { AtlasData } from "../atlas.ts";
import { simulatedQuantities } from "../simulate/profile.ts";
import { resolveModelId } from "../simulate/models/index.ts";
import { PRECISIONS, type Precision } from "../simulate/accounting.ts";
import { smallestBatchBySeries } from "../simulate/sweep.ts";
import type { ErrorStats } from "../simulate/error-stats.ts";
import type { ValidationSummary } from "../simulate/validate.ts";
import { formatNumber, TokenError } from "./tokens.ts";
import { mlperfGpus } from "../simulate/validate-mlperf.ts";

const mb = (bytes: number) => `${formatNumber(bytes / 1e6, 4)} MB`;

/** "12.1 % (bias +3.0 %, 87 points)": an error, its sign spelled out, and what it is over. */
const errorText = (mape: number, bias: number, n: number, what: string) =>
  `${formatNumber(mape)} % (bias ${bias >= 0 ? "+" : "−"}${formatNumber(Math.abs(bias))} %, ${n} ${what})`;

export function simulatorTokens(atlas: AtlasData): Record<string, (args: string[]) => string> {
  let firstBatch: Map<string, number> | null = null;
  return {
    sim: ([quantity, model, size, precision, batch]) => {
      const m = resolveModelId(model ?? "");
      const dims = /^(\d+)x(\d+)$/.exec(size ?? "");
      if (!m) throw new TokenError(`unknown model ${JSON.stringify(model)}`);
      if (!dims) throw new TokenError(`size ${JSON.stringify(size)} is not WxH`);
      if (!(PRECISIONS as readonly string[]).includes(precision ?? ""))
        throw new TokenError(`precision ${JSON.stringify(precision)} is not int8, fp16 or fp32`);
      const [width, height] = [Number(dims[1]), Number(dims[2])];
      if (width < 1 || height < 1) throw new TokenError(`size ${JSON.stringify(size)} has no pixels`);
      const q: Record<string, number> = simulatedQuantities(
        m,
        width,
        height,
        precision as Precision,
        batch ? Number(batch) : 1,
      );
      const v = q[quantity ?? ""];
      if (v === undefined)
        throw new TokenError(
          `unknown quantity ${JSON.stringify(quantity)} (known: ${Object.keys(q).join(", ")})`,
        );
      return /Bytes$/.test(quantity!)
        ? mb(v)
        : quantity === "macs"
          ? `${formatNumber(v / 1e9, 4)} GMACs`
          : Math.round(v).toLocaleString("en-US");
    },
    crossover: ([model, precision]) => {
      const rows = atlas.memory
        .filter((r) => r.model === resolveModelId(model ?? "") && r.precision === precision)
        .sort((a, b) => a.usedWidth * a.usedHeight - b.usedWidth * b.usedHeight);
      if (rows.length === 0) throw new TokenError(`no memory rows for ${model} ${precision}`);
      const hit = rows.find((r) => r.peakActivationBytes > r.weightBytes);
      return hit ? `${hit.width}×${hit.height}` : "none of the swept sizes";
    },
    val: ([field]) => {
      const v = atlas.validation;
      if (!v) throw new TokenError("the simulator did not run");
      const x = v.summary[field as keyof ValidationSummary];
      if (x === undefined) throw new TokenError(`unknown validation field ${JSON.stringify(field)}`);
      if (x === null) return "not available";
      return /_pct$/.test(field!) ? `${formatNumber(x)} %` : String(x);
    },
    valby: ([group, key, kind]) => {
      const v = atlas.validation;
      if (!v) throw new TokenError("the simulator did not run");
      let s: ErrorStats | undefined;
      if (group === "study") s = v.byStudy.find((x) => x.key === key);
      else {
        const b = v.breakdown[group as keyof typeof v.breakdown];
        if (!b) throw new TokenError(`unknown validation group ${JSON.stringify(group)}`);
        if (kind !== "loao" && kind !== "lomo")
          throw new TokenError(`expected loao or lomo, got ${JSON.stringify(kind)}`);
        s = b[kind].find((x) => x.key === key);
      }
      if (!s || s.mape_pct === null) throw new TokenError(`no validation points for ${group} ${key}`);
      return errorText(s.mape_pct, s.bias_pct!, s.points, "points");
    },
    valseries: ([series]) => {
      const s = atlas.validation?.series.find((x) => x.series === series);
      if (!s || s.mape_pct === null || s.bias_pct === null)
        throw new TokenError(`no validated measured series ${JSON.stringify(series)}`);
      return errorText(s.mape_pct, s.bias_pct, s.points, "points");
    },
    mlperfval: ([scenario, which]) => {
      const m = atlas.validation?.mlperf;
      if (!m) throw new TokenError("the simulator did not run");
      const engine = which === "roofline" ? "roofline" : "kernels";
      const s = m.summary.find((x) => x.scenario === scenario && x.engine === engine);
      if (!s) throw new TokenError(`expected Offline or SingleStream, got ${JSON.stringify(scenario)}`);
      const stats =
        which === undefined || which === "roofline"
          ? { mape: s.mape_pct, bias: s.bias_pct, n: s.points }
          : which === "unseen"
            ? { mape: s.unseen_mape_pct, bias: s.unseen_bias_pct, n: s.unseen_points }
            : (() => {
                const a = m.byAccelerator.find((x) => x.accelerator === which && x.scenario === scenario);
                return a ? { mape: a.mape_pct, bias: a.bias_pct, n: a.points } : null;
              })();
      if (!stats || stats.mape === null || stats.bias === null)
        throw new TokenError(`no MLPerf validation results for ${scenario} ${which ?? ""}`.trim());
      return errorText(stats.mape, stats.bias, stats.n, "results");
    },
    mlperfgpus: ([which]) => {
      const m = atlas.validation?.mlperf;
      if (!m) throw new TokenError("the simulator did not run");
      if (which !== "seen" && which !== "unseen" && which !== "roofline")
        throw new TokenError(`expected seen, unseen or roofline, got ${JSON.stringify(which)}`);
      const ids = mlperfGpus(m, which);
      const names = atlas.accelerators.filter((a) => ids.has(a.id)).map((a) => a.name);
      if (names.length === 0) throw new TokenError(`no ${which} GPUs in the MLPerf validation`);
      return names.length === 1
        ? names[0]!
        : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
    },
    simbatch: ([series]) => {
      firstBatch ??= new Map(
        smallestBatchBySeries(atlas.rows.filter((r) => r.kind === "simulated")).map((s) => [
          s.series,
          s.batch,
        ]),
      );
      const b = firstBatch.get(series ?? "");
      if (b === undefined) throw new TokenError(`no simulated series ${JSON.stringify(series)}`);
      return String(b);
    },
  };
}
