// A last layer fitted on chosen rows of a split's ERM embeddings: standardised on those rows,
// L1-penalised one-vs-rest logistic regression (the published DFR's solver: liblinear's, with its
// tolerance), optionally with example weights. Shared by the methods that differ from DFR only in
// which rows they fit and how they weigh them.
import type { SplitName } from "../data/splits.ts";
import { OvrProblem } from "../lastlayer/linear_cd.ts";
import type { Head } from "../lastlayer/problem.ts";
import { applyScaler, fitScaler, type Scaler } from "../lastlayer/standardize.ts";
import { take } from "../lastlayer/subsample.ts";
import { splitLogits } from "./head_eval.ts";
import type { MethodContext } from "./types.ts";

/** The stopping tolerance of these fits, as DFR's one-vs-rest fits (sklearn's default). */
const TOL = 1e-4;

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

/** Fits heads on chosen rows of a split, reusing one solver (its WebAssembly instance) across fits: a C path on
 * the same rows keeps them loaded. */
export class HeadFitter {
  private ovr?: OvrProblem;
  private rows?: Int32Array;
  private weights?: Float64Array;
  private scaler?: Scaler;

  constructor(private readonly ctx: MethodContext, private readonly split: SplitName) {}

  /** Fit on `rows` with penalty C (weights per chosen row, optional; warm start optional). */
  fit(rows: Int32Array, C: number, weights?: Float64Array, init?: Head): FittedHead {
    const d = this.ctx.erm.embeddingSize;
    if (!this.ovr || rows !== this.rows || weights !== this.weights) {
      const raw = take(this.ctx.embeddings(this.split), d, rows);
      this.scaler = fitScaler(raw, d);
      const x = applyScaler(raw, d, this.scaler);
      const y = Int32Array.from(rows, (i) => this.ctx.splits[this.split].y[i]);
      if (this.ovr) this.ovr.load(x, y, weights);
      else this.ovr = new OvrProblem(x, y, d, this.ctx.numClasses, weights);
      this.rows = rows;
      this.weights = weights;
    }
    const fit = this.ovr.fit({ C, tol: TOL, ...(init ? { init } : {}) });
    return { head: { W: fit.W, b: fit.b }, scaler: this.scaler!, iterations: fit.iterations, converged: fit.converged };
  }
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
