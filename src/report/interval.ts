// 95% confidence intervals of a mean over seeds (Student's t; a single seed has no interval).
import type { Stat } from "../study/analysis.ts";

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
