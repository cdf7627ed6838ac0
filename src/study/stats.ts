// Estimates over seeds: mean, standard deviation, and the 95% confidence interval of the mean
// (Student's t), for single measures and for paired differences between two of them.

/** Mean and standard deviation over seeds. */
export interface Stat {
  readonly mean: number;
  readonly sd: number;
  readonly n: number;
}

/** Mean and (sample) standard deviation of the finite values. */
export function stat(values: readonly number[]): Stat {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom (scipy.stats.t.ppf). */
const T975 = [
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];
/** The normal quantile, used beyond 30 degrees of freedom. */
const Z975 = 1.96;

/** The 95% confidence interval of s's mean, or null when it has fewer than two finite values. */
export function ci95(s: Stat): { lo: number; hi: number } | null {
  if (s.n < 2 || !Number.isFinite(s.mean) || !Number.isFinite(s.sd)) return null;
  const t = T975[s.n - 2] ?? Z975;
  const half = (t * s.sd) / Math.sqrt(s.n);
  return { lo: s.mean - half, hi: s.mean + half };
}

/** Per-seed differences a - b (pairs where both are finite). */
export function pairedDifference(a: readonly number[], b: readonly number[]): Stat {
  return stat(a.map((x, i) => x - b[i]));
}

/** How a difference compares with zero: "higher"/"lower" when its 95% interval excludes 0, "unclear" when it
 * includes 0, and, with a single seed (no interval), the sign with "one seed". */
export function verdict(d: Stat): "higher" | "lower" | "unclear" | "higher (one seed)" | "lower (one seed)" {
  const ci = ci95(d);
  if (!ci) return d.mean > 0 ? "higher (one seed)" : d.mean < 0 ? "lower (one seed)" : "unclear";
  return ci.lo > 0 ? "higher" : ci.hi < 0 ? "lower" : "unclear";
}
