// 95% confidence intervals of a mean over seeds: the study's (Student's t; a single seed has none).
export { ci95 } from "../study/stats.ts";
