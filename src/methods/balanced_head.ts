// A last layer fitted on chosen rows of a split's ERM embeddings: standardised on those rows,
// L1-penalised logistic regression (the DFR solver), optionally with example weights. Shared by the
// methods that differ from DFR only in which rows they fit and how they weigh them.
import type { SplitName } from "../data/splits.ts";
import { fitL1Logreg } from "../lastlayer/l1_logreg.ts";
import { type Head, LogregProblem } from "../lastlayer/problem.ts";
import { applyScaler, fitScaler, type Scaler } from "../lastlayer/standardize.ts";
import { take } from "../lastlayer/subsample.ts";
import { splitLogits } from "./head_eval.ts";
import type { MethodContext } from "./types.ts";

/** The KKT tolerance of these fits, as DFR's. */
const TOL = 1e-5;

/** Weights that give every present class the same total, with mean 1 (so C keeps its meaning). */
export function classBalancedWeights(y: Int32Array, numClasses: number): Float64Array {
  const count = new Float64Array(numClasses);
  for (const c of y) count[c]++;
  const present = count.filter((n) => n > 0).length;
  return Float64Array.from(y, (c) => y.length / (present * count[c]));
}

/** A fitted head, its scaler and how the solver ended. */
export interface FittedHead {
  readonly head: Head;
  readonly scaler: Scaler;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Fit on rows `rows` of `split` with penalty C (weights per chosen row, optional; warm start optional). */
export function fitHeadOnRows(
  ctx: MethodContext,
  split: SplitName,
  rows: Int32Array,
  C: number,
  weights?: Float64Array,
  init?: Head,
): FittedHead {
  const d = ctx.erm.embeddingSize;
  const raw = take(ctx.embeddings(split), d, rows);
  const scaler = fitScaler(raw, d);
  const y = Int32Array.from(rows, (i) => ctx.splits[split].y[i]);
  const fit = fitL1Logreg(new LogregProblem(applyScaler(raw, d, scaler), y, d, ctx.numClasses, weights), {
    C,
    tol: TOL,
    ...(init ? { init } : {}),
  });
  return { head: { W: fit.W, b: fit.b }, scaler, iterations: fit.iterations, converged: fit.converged };
}

/** A fitted head's logits on the validation and test splits. */
export function valTestLogits(ctx: MethodContext, f: FittedHead): { val: Float32Array; test: Float32Array } {
  return { val: splitLogits(ctx, "val", f.head, f.scaler), test: splitLogits(ctx, "test", f.head, f.scaler) };
}

/** 0..n-1. */
export function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** The grid of a hyperparameter as a list (a single number is a one-point grid). */
export function grid(value: number | readonly number[] | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  return typeof value === "number" ? [value] : [...value];
}
