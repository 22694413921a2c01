/** Cost per 1,000 images: the figure each configuration's study published beside the one its stated price and throughput imply. */
import * as Plot from "@observablehq/plot";
import type { CanonicalRow } from "../schema.ts";
import { MissingDataError, type FigureSpec } from "./spec.ts";
import { PALETTE, inlineLegend, round, sourceRef } from "./common.ts";

export interface CostRow {
  configuration: string;
  published: number | null;
  implied: number;
  price_usd_per_hour: number;
  throughput_img_s: number;
  source: string;
}

/** Rows of series whose table states a price; `implied` = price ÷ 3600 ÷ throughput × 1000. */
export function costRows(rows: CanonicalRow[], prices: Map<string, number>, studyId: string): CostRow[] {
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
        published: r.derived.includes("cost_usd_per_1000_img=") ? null : r.cost_usd_per_1000_img,
        implied: round(implied, 3)!,
        price_usd_per_hour: price,
        throughput_img_s: r.throughput_img_s!,
        source: sourceRef(r),
      };
    });
}

export function costFigure(
  data: CostRow[],
  o: { id: string; title: string; caption: string; sources: string[] },
): FigureSpec {
  if (data.length === 0) throw new MissingDataError(o.id, "no rows with a price");
  const long = data
    .flatMap((d) => [
      { configuration: d.configuration, which: "as published", usd: d.published },
      { configuration: d.configuration, which: "price ÷ throughput", usd: d.implied },
    ])
    .filter((d): d is { configuration: string; which: string; usd: number } => d.usd !== null);
  const cheapest = data.reduce((a, b) => (b.implied < a.implied ? b : a));
  return {
    id: o.id,
    title: o.title,
    caption: o.caption,
    alt: `Grouped horizontal bars of US dollars per 1,000 images for ${data.length} configurations, published value beside the value implied by the stated hourly price and throughput. By price and throughput the cheapest is ${cheapest.configuration} at $${cheapest.implied} per 1,000 images.`,
    sources: o.sources,
    columns: [
      { key: "configuration", label: "configuration" },
      { key: "price_usd_per_hour", label: "price (USD/h)" },
      { key: "throughput_img_s", label: "throughput (img/s)" },
      { key: "published", label: "published USD / 1,000 img" },
      { key: "implied", label: "price ÷ 3600 ÷ throughput × 1000" },
      { key: "source", label: "source row" },
    ],
    rows: data.map((d) => ({ ...d })),
    plot: {
      width: 720,
      height: 60 + data.length * 44,
      marginLeft: 270,
      marginRight: 70,
      marginBottom: 40,
      x: { label: "US dollars per 1,000 images →", grid: true },
      y: { axis: null, domain: ["as published", "price ÷ throughput"] },
      fy: { label: null, domain: data.map((d) => d.configuration) },
      color: { domain: ["as published", "price ÷ throughput"], range: [PALETTE[1]!, PALETTE[0]!] },
      marks: [
        Plot.barX(long, { x: "usd", y: "which", fy: "configuration", fill: "which" }),
        Plot.text(long, {
          x: "usd",
          y: "which",
          fy: "configuration",
          text: (d: { usd: number }) => `$${d.usd}`,
          dx: 4,
          textAnchor: "start",
        }),
        Plot.ruleX([0]),
        ...inlineLegend(
          [
            { label: "as published", color: PALETTE[1]! },
            { label: "price ÷ 3600 ÷ throughput × 1000", color: PALETTE[0]! },
          ],
          "bottom-right",
          true,
        ),
      ],
    },
  };
}
