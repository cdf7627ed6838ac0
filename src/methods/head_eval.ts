// Helpers shared by last-layer methods: evaluate a head on a split's ERM embeddings.
import { groupMetrics } from "../metrics/group_metrics.ts";
import type { SplitName } from "../data/splits.ts";
import { applyScaler, type Scaler } from "../lastlayer/standardize.ts";
import { type Head, headLogits } from "../lastlayer/problem.ts";
import type { MethodContext } from "./types.ts";

/** Logits of a head on a split's embeddings (standardised first when a scaler is given). */
export function splitLogits(ctx: MethodContext, split: SplitName, head: Head, scaler?: Scaler): Float32Array {
  const d = ctx.erm.embeddingSize;
  const e = ctx.embeddings(split);
  return headLogits(scaler ? applyScaler(e, d, scaler) : e, d, head);
}

/** Worst-group accuracy (then average accuracy) of logits on rows `rows` of a split, for selection. */
export function selectionScore(ctx: MethodContext, split: SplitName, logits: Float32Array, rows?: Int32Array): number {
  const y = ctx.splits[split].y;
  const pick = rows ?? Int32Array.from({ length: y.length }, (_, i) => i);
  return predictionScore(ctx, split, Int32Array.from(pick, (i) => argmax(logits, i, ctx.numClasses)), pick);
}

/** The same score from predicted classes of rows `rows` (default: every row) of a split. */
export function predictionScore(
  ctx: MethodContext,
  split: SplitName,
  predictions: Int32Array,
  rows?: Int32Array,
): number {
  const y = ctx.splits[split].y;
  const g = ctx.groups(split);
  const m = groupMetrics({
    labels: rows ? Int32Array.from(rows, (i) => y[i]) : y,
    groups: rows ? Int32Array.from(rows, (i) => g[i]) : g,
    numGroups: ctx.numGroups,
    numClasses: ctx.numClasses,
    predictions,
  });
  // Ties (and the all-zero worst groups of sparse settings): prefer the higher average accuracy.
  return m.worstGroupAccuracy + 1e-3 * m.averageAccuracy;
}

/** Index of the largest of row i's k logits. */
export function argmax(logits: Float32Array, i: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (logits[i * k + c] > logits[i * k + best]) best = c;
  return best;
}

/** ERM's head as float64 (d x k, k). */
export function ermHead(ctx: MethodContext): Head {
  return { W: Float64Array.from(ctx.erm.head.W.dataSync()), b: Float64Array.from(ctx.erm.head.b.dataSync()) };
}
