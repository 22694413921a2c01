/**
 * Numbers the MLPerf findings quote, from the same comparisons the figures draw (atlas.mlperfAnalysis,
 * made once by src/pipeline/mlperf/analysis.ts). Unknown names are errors, never blanks.
 *   {{mlperf:rounds}}                         counts: rounds, retinanet-rounds, results, accelerators, unmapped, power, submitters
 *   {{mlperf:power:resnet50}}                 any count of one benchmark's results
 *   {{mlperfgain:singlestream:median}}        gains: singlestream | server | published × n, accelerators, median, min, max, minwho, maxwho
 *   {{mlperfgain:singlestream:acc:l4}}        median gain of one accelerator (accn: over how many systems)
 *   {{mlperfgain:unidentified:max}}           Offline ÷ batch 1 of one-accelerator systems left out (accelerator
 *                                             not identified): n, median, min, max, minwho, maxwho
 *   {{mlperfeff:best}} {{mlperfeff:round:v3.0}}  efficiency: n, rounds, pareto, paretowho, best, bestwho, topwho, round:<round>, roundwho:<round>,
 *                                             kindbest:<kind> (rounds whose most efficient run is on that kind: "6 of 6"),
 *                                             steps ("4 of 5": rounds whose best beats the round before),
 *                                             unidentified, unidentifiedwho (power runs left out: accelerator not identified),
 *                                             allround:<round>, allsteps (the same counting those runs)
 *   {{mlperfretina:median}}                   RetinaNet ÷ ResNet-50: n, accelerators, median, min, max, minwho, maxwho, above, excess, macratio, resnet50-gmacs, retinanet-gmacs
 *   {{mlperfretina:acc:l4}}                   median ratio of one accelerator
 */
import type { AtlasData } from "../atlas.ts";
import { median } from "../stats.ts";
import { unidentifiedGains, unidentifiedPowerRuns, type GainComparison } from "../mlperf/analysis.ts";
import { MLPERF_MACS } from "../mlperf/macs.ts";
import { compareRounds } from "../mlperf/rounds.ts";
import { formatNumber, TokenError } from "./tokens.ts";

const COMPARISONS: Record<string, GainComparison> = {
  singlestream: "offline-vs-singlestream",
  server: "offline-vs-server",
  published: "published-table",
};

export function mlperfTokens(
  atlas: Pick<AtlasData, "mlperf" | "mlperfAnalysis" | "accelerators">,
): Record<string, (args: string[]) => string> {
  const results = atlas.mlperf;
  const names = new Map(atlas.accelerators.map((a) => [a.id, a.name]));
  const name = (id: string) => names.get(id) ?? id;
  const times = (x: number) => `${formatNumber(x)}×`;
  const { gains, efficiency: eff, retinanet: pairs } = atlas.mlperfAnalysis;
  const unidentified = unidentifiedPowerRuns(results);
  const unidentifiedGainPoints = unidentifiedGains(results);
  // The rounds with power runs: of identified accelerators, and counting the unidentified ones too.
  const effRounds = [...new Set(eff.map((p) => p.result.round))].sort(compareRounds);
  const allRounds = [...new Set([...effRounds, ...unidentified.map((u) => u.round)])].sort(compareRounds);
  const macRatio = MLPERF_MACS.retinanet / MLPERF_MACS.resnet50;
  const rounds = (b: string) =>
    [...new Set(results.filter((r) => r.benchmark === b).map((r) => r.round))].sort(compareRounds);
  const medianOf = (xs: number[]): number => {
    if (xs.length === 0) throw new TokenError("no data for this token");
    return median(xs);
  };
  const extreme = <T>(xs: T[], key: (x: T) => number, max: boolean): T => {
    if (xs.length === 0) throw new TokenError("no data for this token");
    return xs.reduce((a, b) => ((max ? key(b) > key(a) : key(b) < key(a)) ? b : a));
  };

  return {
    mlperf: ([what, benchmark]) => {
      // Every count is of one benchmark's results when one is named ({{mlperf:power:resnet50}}); rounds
      // are ResNet-50's unless another is named.
      const ofBenchmark =
        benchmark === undefined ? results : results.filter((r) => r.benchmark === benchmark);
      if (ofBenchmark.length === 0)
        throw new TokenError(`no MLPerf results of benchmark ${JSON.stringify(benchmark)}`);
      switch (what) {
        case "rounds":
          return String(rounds(benchmark ?? "resnet50").length);
        case "round-list":
          return rounds(benchmark ?? "resnet50").join(", ");
        case "retinanet-rounds":
          if (benchmark !== undefined) throw new TokenError("retinanet-rounds names its benchmark already");
          return rounds("retinanet").join(", ");
        case "results":
          return String(ofBenchmark.length);
        case "accelerators":
          return String(
            new Set(
              ofBenchmark.filter((r) => r.validity === "VALID" && r.accelerator).map((r) => r.accelerator),
            ).size,
          );
        case "unmapped":
          return String(ofBenchmark.filter((r) => r.accelerator === null).length);
        case "power":
          return String(ofBenchmark.filter((r) => r.powerW !== null).length);
        case "submitters":
          return String(new Set(ofBenchmark.map((r) => r.submitter)).size);
        default:
          throw new TokenError(`unknown mlperf count ${JSON.stringify(what)}`);
      }
    },
    mlperfgain: ([comparison, stat, acc]) => {
      const c = COMPARISONS[comparison ?? ""];
      if (!c && comparison !== "unidentified")
        throw new TokenError(
          `unknown comparison ${JSON.stringify(comparison)} (singlestream, server, published, unidentified)`,
        );
      const ps = c ? gains.filter((p) => p.comparison === c) : unidentifiedGainPoints;
      if (ps.length === 0) throw new TokenError(`no ${comparison} gains`);
      const who = (p: (typeof ps)[number]) =>
        p.accelerator ? `${name(p.accelerator)} (${p.label})` : p.label;
      switch (stat) {
        case "n":
          return String(ps.length);
        case "accelerators":
          return String(new Set(ps.map((p) => p.accelerator)).size);
        case "median":
          return times(medianOf(ps.map((p) => p.gain)));
        case "min":
          return times(extreme(ps, (p) => p.gain, false).gain);
        case "max":
          return times(extreme(ps, (p) => p.gain, true).gain);
        case "minwho":
          return who(extreme(ps, (p) => p.gain, false));
        case "maxwho":
          return who(extreme(ps, (p) => p.gain, true));
        case "acc":
        case "accn": {
          const own = ps.filter((p) => p.accelerator === acc);
          if (own.length === 0) throw new TokenError(`no ${comparison} gains for ${acc}`);
          return stat === "accn" ? String(own.length) : times(medianOf(own.map((p) => p.gain)));
        }
        default:
          throw new TokenError(`unknown gain statistic ${JSON.stringify(stat)}`);
      }
    },
    mlperfeff: ([stat, round]) => {
      const who = (p: (typeof eff)[number]) =>
        `${name(p.result.accelerator!)} (${p.result.submitter} ${p.result.system}, ${p.result.round})`;
      const inRound = () => {
        const rs = eff.filter((p) => p.result.round === round);
        if (rs.length === 0) throw new TokenError(`no power runs in ${round}`);
        return extreme(rs, (p) => p.imgPerJoule, true);
      };
      // Each round's most images per joule, of the identified runs or of every power run.
      const bestIn = (r: string, all: boolean) =>
        Math.max(
          ...eff.filter((p) => p.result.round === r).map((p) => p.imgPerJoule),
          ...(all ? unidentified.filter((u) => u.round === r).map((u) => u.imgPerJoule!) : []),
        );
      // In how many steps from one round to the next the best rises ("4 of 5").
      const steps = (all: boolean) => {
        const rounds = all ? allRounds : effRounds;
        if (rounds.length < 2)
          throw new TokenError("fewer than two rounds with power runs: no steps to count");
        const best = rounds.map((r) => bestIn(r, all));
        return `${best.slice(1).filter((b, i) => b > best[i]!).length} of ${best.length - 1}`;
      };
      switch (stat) {
        case "n":
          return String(eff.length);
        case "rounds":
          return effRounds.join(", ");
        case "steps":
          return steps(false);
        case "allsteps":
          return steps(true);
        case "unidentified":
          return String(unidentified.length);
        case "unidentifiedwho":
          if (unidentified.length === 0) throw new TokenError("no power runs on unidentified accelerators");
          return [...new Set(unidentified.map((u) => u.acceleratorModel))].sort().join("; ");
        case "allround":
          if (!allRounds.includes(round!)) throw new TokenError(`no power runs in ${round}`);
          return formatNumber(bestIn(round!, true));
        case "pareto":
          return String(eff.filter((p) => p.pareto).length);
        case "paretowho":
          return [...new Set(eff.filter((p) => p.pareto).map((p) => name(p.result.accelerator!)))]
            .sort()
            .join(", ");
        case "best":
          return formatNumber(extreme(eff, (p) => p.imgPerJoule, true).imgPerJoule);
        case "bestwho":
          return who(extreme(eff, (p) => p.imgPerJoule, true));
        case "topwho":
          return who(extreme(eff, (p) => p.throughput, true));
        case "round":
          return formatNumber(inRound().imgPerJoule);
        case "roundwho":
          return who(inRound());
        case "kindbest": {
          // In how many rounds the most efficient run is on an accelerator of this kind ("6 of 6").
          const kinds = new Map(atlas.accelerators.map((a) => [a.id, a.kind as string]));
          if (![...kinds.values()].includes(round!))
            throw new TokenError(`no accelerator of kind ${JSON.stringify(round)}`);
          const best = effRounds.map((r) =>
            extreme(
              eff.filter((p) => p.result.round === r),
              (p) => p.imgPerJoule,
              true,
            ),
          );
          return `${best.filter((p) => kinds.get(p.result.accelerator!) === round).length} of ${effRounds.length}`;
        }
        default:
          throw new TokenError(`unknown efficiency statistic ${JSON.stringify(stat)}`);
      }
    },
    mlperfretina: ([stat, acc]) => {
      const who = (p: (typeof pairs)[number]) => `${name(p.accelerator)} (${p.label})`;
      switch (stat) {
        case "macratio":
          return times(macRatio);
        case "resnet50-gmacs":
          return formatNumber(MLPERF_MACS.resnet50 / 1e9);
        case "retinanet-gmacs":
          return formatNumber(MLPERF_MACS.retinanet / 1e9);
        case "n":
          return String(pairs.length);
        case "accelerators":
          return String(new Set(pairs.map((p) => p.accelerator)).size);
        case "median":
          return times(medianOf(pairs.map((p) => p.ratio)));
        case "min":
          return times(extreme(pairs, (p) => p.ratio, false).ratio);
        case "max":
          return times(extreme(pairs, (p) => p.ratio, true).ratio);
        case "minwho":
          return who(extreme(pairs, (p) => p.ratio, false));
        case "maxwho":
          return who(extreme(pairs, (p) => p.ratio, true));
        case "above":
          return String(pairs.filter((p) => p.ratio > macRatio).length);
        case "excess":
          return times(medianOf(pairs.map((p) => p.ratio)) / macRatio);
        case "acc": {
          const own = pairs.filter((p) => p.accelerator === acc);
          if (own.length === 0) throw new TokenError(`no RetinaNet and ResNet-50 pairs for ${acc}`);
          return times(medianOf(own.map((p) => p.ratio)));
        }
        default:
          throw new TokenError(`unknown RetinaNet statistic ${JSON.stringify(stat)}`);
      }
    },
  };
}
