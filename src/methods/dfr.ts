// Deep Feature Reweighting (Kirichenko, Izmailov, Wilson, ICLR 2023), as published (DFR^Val_Tr):
// standardised ERM embeddings of the group-labelled held-out set; L1 logistic regression; C tuned on
// a half (fit on a group-balanced subsample of one half, worst-group accuracy on the other); the
// final head averages `refits` fits on fresh group-balanced subsamples of the whole held-out set.
// DFR^Tr_Tr does the same on the training split.
import type { SplitName } from "../data/splits.ts";
import { fitL1Logreg, type L1Fit } from "../lastlayer/l1_logreg.ts";
import { type Head, LogregProblem } from "../lastlayer/problem.ts";
import { applyScaler, fitScaler } from "../lastlayer/standardize.ts";
import { balancedSubsample, randomHalves, take } from "../lastlayer/subsample.ts";
import { deriveSeed } from "../random/draws.ts";
import { selectionScore, splitLogits } from "./head_eval.ts";
import type { Hyperparameters, HyperparameterSchema, Method, MethodContext, MethodResult } from "./types.ts";

/** The published grid of C. */
export const DFR_C_GRID = [1, 0.7, 0.3, 0.1, 0.07, 0.03, 0.01] as const;

/** The KKT tolerance of DFR's fits (violation <= TOL * n): converged well past what changes predictions. */
const TOL = 1e-5;

function fitOn(
  ctx: MethodContext,
  split: SplitName,
  rows: Int32Array,
  C: number,
  scaler: ReturnType<typeof fitScaler>,
  init?: Head,
): L1Fit {
  const d = ctx.erm.embeddingSize;
  const x = applyScaler(take(ctx.embeddings(split), d, rows), d, scaler);
  const y = Int32Array.from(rows, (i) => ctx.splits[split].y[i]);
  return fitL1Logreg(new LogregProblem(x, y, d, ctx.numClasses), { C, tol: TOL, ...(init ? { init } : {}) });
}

/** DFR on the rows of `split` (the held-out set for DFR^Val_Tr, the training set for DFR^Tr_Tr). */
export function runDfr(ctx: MethodContext, split: SplitName, params: Hyperparameters, name: string): MethodResult {
  const grid = (params.C ?? DFR_C_GRID) as readonly number[] | number;
  const cs = typeof grid === "number" ? [grid] : [...grid];
  const refits = Number(params.refits ?? 20);
  const d = ctx.erm.embeddingSize;
  const groups = ctx.groups(split);
  const seed = deriveSeed(ctx.seed, 7001);
  // 1. Tune C: balanced subsample of one half (scaler fitted on it), worst-group accuracy on the other.
  const [evalHalf, fitHalf] = randomHalves(groups.length, seed);
  const tuneRows = balancedSubsample(groups, deriveSeed(seed, 1), fitHalf);
  const tuneScaler = fitScaler(take(ctx.embeddings(split), d, tuneRows), d);
  const scores: Record<string, number> = {};
  let bestC: number | undefined;
  let iterations = 0;
  let previous: Head | undefined;
  // Along the path from strong to weak penalty, each fit starts from the last one.
  for (const C of [...cs].sort((a, b) => a - b)) {
    const head = fitOn(ctx, split, tuneRows, C, tuneScaler, previous);
    previous = head;
    iterations += head.iterations;
    const logits = splitLogits(ctx, split, head, tuneScaler);
    scores[String(C)] = selectionScore(ctx, split, logits, evalHalf);
    if (bestC === undefined || scores[String(C)] > scores[String(bestC)]) bestC = C;
  }
  // 2. Final head: the mean of `refits` fits on fresh balanced subsamples of the whole split,
  // standardised with the whole split's statistics.
  const scaler = fitScaler(ctx.embeddings(split), d);
  const W = new Float64Array(d * ctx.numClasses);
  const b = new Float64Array(ctx.numClasses);
  let subsample = 0;
  let last: Head | undefined;
  let converged = true;
  for (let r = 0; r < refits; r++) {
    const rows = balancedSubsample(groups, deriveSeed(seed, 100 + r));
    subsample = rows.length;
    const head = fitOn(ctx, split, rows, bestC!, scaler, last); // warm start from the previous refit
    last = head;
    iterations += head.iterations;
    converged &&= head.converged;
    head.W.forEach((v, i) => (W[i] += v / refits));
    head.b.forEach((v, i) => (b[i] += v / refits));
  }
  const head = { W, b };
  return {
    method: name,
    selected: { C: bestC!, refits },
    diagnostics: {
      tuningScores: scores,
      balancedSubsampleSize: subsample,
      tuningSubsampleSize: tuneRows.length,
      solverIterations: iterations,
      allConverged: converged,
    },
    logits: { val: splitLogits(ctx, "val", head, scaler), test: splitLogits(ctx, "test", head, scaler) },
  };
}

/** DFR's hyperparameters: C > 0 (a grid), whole refits. */
export const DFR_SCHEMA: HyperparameterSchema = {
  C: { min: 1e-6, max: 1e4, grid: true },
  refits: { min: 1, max: 1000, integer: true },
};

export const dfr: Method = {
  name: "dfr",
  summary: "DFR^Val_Tr: L1 logistic regression on ERM embeddings of group-balanced held-out data",
  groupLabels: "validation",
  defaults: { C: DFR_C_GRID, refits: 20 },
  schema: DFR_SCHEMA,
  run: (ctx, params) => runDfr(ctx, "heldout", params, "dfr"),
};

export const dfrTrain: Method = {
  name: "dfr-tr",
  summary: "DFR^Tr_Tr: the same on a group-balanced subsample of the training set",
  groupLabels: "training",
  defaults: { C: DFR_C_GRID, refits: 20 },
  schema: DFR_SCHEMA,
  run: (ctx, params) => runDfr(ctx, "train", params, "dfr-tr"),
};
