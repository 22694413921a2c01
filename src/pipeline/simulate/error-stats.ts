/** The error statistics every validation of the simulator reports, defined once. */
import { round } from "./sweep.ts";

/** MAPE and signed mean error (bias) of a group of points, in percent. */
export interface ErrorStats {
  key: string;
  points: number;
  mape_pct: number | null;
  bias_pct: number | null;
}

/** Statistics of relative errors ((predicted − measured) ÷ measured, as fractions), 4 significant digits. */
export function errorStats(key: string, errors: readonly number[]): ErrorStats {
  if (errors.length === 0) return { key, points: 0, mape_pct: null, bias_pct: null };
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    key,
    points: errors.length,
    mape_pct: round(100 * mean(errors.map(Math.abs)), 4),
    bias_pct: round(100 * mean(errors), 4),
  };
}
