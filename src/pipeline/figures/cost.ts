/**
 * Cost per 1,000 images: the figure each configuration's study published beside the one its stated
 * price and throughput imply, as a dot plot on a log axis (the two differ by more than 10×).
 */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";
import { margins, num, round, sourceRef, tableRows, tip, valueAxis, type Frame } from "./common.ts";
import { categorical } from "./palette.ts";

interface CostRow {
  configuration: string;
  published: number | null;
  implied: number;
  price_usd_per_hour: number;
  throughput_img_s: number;
  /** The audit's warnings on the run the throughput comes from (check ids), or "": a cost is only as good as it. */
  throughput_in_doubt: string;
  source: string;
}

/**
 * Rows of series whose table states a price; `implied` = price ÷ 3600 ÷ throughput × 1000.
 * `doubts` gives the audit's warnings that put a row's throughput in doubt.
 */
export function costRows(
  rows: CanonicalRow[],
  prices: Map<string, number>,
  studyId: string,
  doubts: (r: CanonicalRow) => readonly string[] = () => [],
): CostRow[] {
  return rows
    .filter(
      (r) =>
        r.study === studyId &&
        r.kind === "measured" &&
        r.batch_size === null &&
        r.throughput_img_s !== null &&
        prices.has(r.series),
    )
    .map((r) => {
      const price = prices.get(r.series)!;
      const implied = (price / 3600 / r.throughput_img_s!) * 1000;
      return {
        configuration: r.note || r.series,
        published: r.published_cost_usd_per_1000_img ?? null,
        implied: round(implied, 3)!,
        price_usd_per_hour: price,
        throughput_img_s: r.throughput_img_s!,
        throughput_in_doubt: doubts(r).join(", "),
        source: sourceRef(r),
      };
    });
}

const PUBLISHED = {
  label: "as published (the study's own definition)",
  color: categorical(1),
  symbol: "square",
} as const;
const IMPLIED = {
  label: "price ÷ 3600 ÷ throughput × 1000 (computed here)",
  color: categorical(0),
  symbol: "circle",
} as const;

export function costFigure(
  data: CostRow[],
  o: { id: string; title: string; caption: string; sources: string[] },
): FigureSpec {
  if (data.length === 0) throw new MissingDataError(o.id, "no rows with a price");
  const long = data.flatMap((d) => [
    ...(d.published === null
      ? []
      : [
          {
            configuration: d.configuration,
            which: PUBLISHED,
            usd: d.published,
            tip: tip(d.configuration, `as published: $${d.published} per 1,000 images`),
          },
        ]),
    {
      configuration: d.configuration,
      which: IMPLIED,
      usd: d.implied,
      tip: tip(
        d.configuration,
        `price ÷ throughput: $${d.implied} per 1,000 images`,
        `$${d.price_usd_per_hour}/h, ${num(d.throughput_img_s)} img/s`,
      ),
    },
  ]);
  const pairs = data.filter((d) => d.published !== null);
  const cheapest = data.reduce((a, b) => (b.implied < a.implied ? b : a));
  const configurations = data.map((d) => d.configuration);
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Dot plot on a log scale of US dollars per 1,000 images for ${data.length} configurations: the published value beside the value implied by the stated hourly price and throughput. By price and throughput the cheapest is ${cheapest.configuration} at $${cheapest.implied} per 1,000 images${cheapest.throughput_in_doubt ? `, from a run whose throughput the audit doubts (${cheapest.throughput_in_doubt})` : ""}.`,
    sources: o.sources,
    columns: [
      { key: "configuration", label: "configuration" },
      { key: "price_usd_per_hour", label: "price (USD/h)" },
      { key: "throughput_img_s", label: "throughput (img/s)" },
      { key: "published", label: "published USD / 1,000 img (study's definition)" },
      { key: "implied", label: "price ÷ 3600 ÷ throughput × 1000 (USD)" },
      ...(data.some((d) => d.throughput_in_doubt)
        ? [{ key: "throughput_in_doubt", label: "audit warning on its throughput" }]
        : []),
      { key: "source", label: "source row" },
    ],
    rows: tableRows(data),
    legend: [PUBLISHED, IMPLIED].map((w) => ({ label: w.label, color: w.color, symbol: w.symbol })),
    plot: (frame: Frame) => ({
      ...margins(frame, { left: 24, right: frame.narrow ? 20 : 30, top: 20 }),
      height: 58 + data.length * 44,
      x: valueAxis(
        long.map((d) => d.usd),
        "US dollars per 1,000 images →",
        { frame },
      ),
      // Room under the last row, so its markers keep clear of the tick labels below.
      y: { axis: null, domain: configurations, padding: 0, insetBottom: 8 },
      marks: [
        // The configuration above its row, then the gap between the two costs as a rule.
        Plot.text(configurations, {
          y: (c: string) => c,
          text: (c: string) => c,
          frameAnchor: "left",
          textAnchor: "start",
          dy: -12,
          fill: "currentColor",
        }),
        Plot.link(pairs, {
          x1: "published",
          x2: "implied",
          y1: "configuration",
          y2: "configuration",
          dy: 6,
          stroke: "currentColor",
          strokeOpacity: 0.4,
        }),
        Plot.dot(long, {
          x: "usd",
          y: "configuration",
          dy: 6,
          fill: (d: { which: { color: string } }) => d.which.color,
          symbol: (d: { which: { symbol: string } }) => d.which.symbol,
          r: 5,
          title: "tip",
        }),
      ],
    }),
  };
}
