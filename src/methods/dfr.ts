// Deep Feature Reweighting (Kirichenko, Izmailov, Wilson, ICLR 2023), as published (DFR^Val_Tr):
// standardised ERM embeddings of the group-labelled held-out set; L1 logistic regression, one-vs-rest
// with a penalised intercept as sklearn's liblinear solver fits it (or multinomial with a free
// intercept: `multinomial=1`; one-vs-rest L2 instead of L1: `l2=1`); C tuned on a half (fit on a group-balanced subsample of one half,
// worst-group accuracy on the other); the final head averages `refits` fits on fresh group-balanced
// subsamples of the whole held-out set. Beyond the published code: when the best C sits at an edge
// of the grid, the grid is extended that way (`extendGrid=0` turns it off). DFR^Tr_Tr does the same
// on the training split.
import { ConfigError } from "../config/errors.ts";
import type { SplitName } from "../data/splits.ts";
import { fitL1Logreg } from "../lastlayer/l1_logreg.ts";
import { OvrProblem } from "../lastlayer/linear_cd.ts";
import { type Head, LogregProblem } from "../lastlayer/problem.ts";
import { applyScaler, fitScaler, type Scaler } from "../lastlayer/standardize.ts";
import { balancedSubsample, randomHalves, take } from "../lastlayer/subsample.ts";
import { deriveSeed } from "../random/draws.ts";
import { selectionScore, splitLogits } from "./head_eval.ts";
import type { Hyperparameters, HyperparameterSchema, Method, MethodContext, MethodResult } from "./types.ts";

/** The published grid of C. */
export const DFR_C_GRID = [1, 0.7, 0.3, 0.1, 0.07, 0.03, 0.01] as const;

/** When the best C sits at an edge of the grid, the grid grows past it by this factor per step... */
export const DFR_GRID_FACTOR = 3;
/** ...at most this many steps each way (so C stays within [min / 27, max * 27]). */
export const DFR_GRID_MAX_STEPS = 3;

/** One-vs-rest (liblinear, tol 1e-4 as sklearn's default): the published DFR's solver settings. */
const OVR_TOL = 1e-4;
/** The multinomial solver's KKT tolerance (violation <= TOL * n). */
const MULTINOMIAL_TOL = 1e-5;

/** Fits heads on one set of rows: one-vs-rest L1 or L2 (penalised intercept), or multinomial L1 (free intercept). */
class L1Fitter {
  private ovr?: OvrProblem;
  iterations = 0;
  converged = true;

  constructor(
    private readonly multinomial: boolean,
    private readonly d: number,
    private readonly k: number,
    private readonly penalty: "l1" | "l2" = "l1",
  ) {}

  /** Fit at C on (x, y); `sameRows` keeps the rows loaded (a C path), `init` warm-starts. */
  fit(x: Float64Array, y: Int32Array, C: number, sameRows: boolean, init?: Head): Head {
    if (this.multinomial) {
      const f = fitL1Logreg(new LogregProblem(x, y, this.d, this.k), {
        C,
        tol: MULTINOMIAL_TOL,
        ...(init ? { init } : {}),
      });
      this.iterations += f.iterations;
      this.converged &&= f.converged;
      return f;
    }
    if (!this.ovr) this.ovr = new OvrProblem(x, y, this.d, this.k);
    else if (!sameRows) this.ovr.load(x, y);
    const f = this.ovr.fit({ C, tol: OVR_TOL, penalty: this.penalty, ...(init ? { init } : {}) });
    this.iterations += f.iterations;
    this.converged &&= f.converged;
    return f;
  }
}

/** DFR on the rows of `split` (the held-out set for DFR^Val_Tr, the training set for DFR^Tr_Tr). */
export function runDfr(ctx: MethodContext, split: SplitName, params: Hyperparameters, name: string): MethodResult {
  const grid = (params.C ?? DFR_C_GRID) as readonly number[] | number;
  const cs = [...new Set(typeof grid === "number" ? [grid] : grid)].sort((a, b) => a - b);
  const refits = Number(params.refits ?? 20);
  const multinomial = Number(params.multinomial ?? 0) !== 0;
  const l2 = Number(params.l2 ?? 0) !== 0;
  if (l2 && multinomial) throw new ConfigError("hp.l2", "0 with multinomial=1 (the multinomial solver is L1 only)", 1);
  const extend = Number(params.extendGrid ?? 1) !== 0 && cs.length > 1;
  const d = ctx.erm.embeddingSize;
  const k = ctx.numClasses;
  const groups = ctx.groups(split);
  const all = ctx.embeddings(split);
  const labels = ctx.splits[split].y;
  const seed = deriveSeed(ctx.seed, 7001);
  const fitter = new L1Fitter(multinomial, d, k, l2 ? "l2" : "l1");
  // 1. Tune C: balanced subsample of one half (scaler fitted on it), worst-group accuracy on the other.
  const [evalHalf, fitHalf] = randomHalves(groups.length, seed);
  const tuneRows = balancedSubsample(groups, deriveSeed(seed, 1), fitHalf);
  const tuneScaler = fitScaler(take(all, d, tuneRows), d);
  const tuneX = applyScaler(take(all, d, tuneRows), d, tuneScaler);
  const tuneY = Int32Array.from(tuneRows, (i) => labels[i]);
  const scores: Record<string, number> = {};
  const heads = new Map<number, Head>();
  const tryC = (C: number, init?: Head): number => {
    const head = fitter.fit(tuneX, tuneY, C, true, init);
    heads.set(C, head);
    scores[String(C)] = selectionScore(ctx, split, splitLogits(ctx, split, head, tuneScaler), evalHalf);
    return scores[String(C)];
  };
  // Along the path from strong to weak penalty each fit starts from the last one. Ties go to the
  // larger C, as the published code's argmax over its grid (largest first) does.
  let best = cs[0];
  let previous: Head | undefined;
  for (const C of cs) {
    if (tryC(C, previous) >= scores[String(best)]) best = C;
    previous = heads.get(C);
  }
  // 2. At an edge of the grid, extend it that way while the score improves (at most MAX_STEPS).
  const gridEdge = cs.length > 1 && best === cs[cs.length - 1] ? 1 : cs.length > 1 && best === cs[0] ? -1 : 0;
  const extendedC: number[] = [];
  let boundReached = false;
  if (extend && gridEdge !== 0) {
    let C = best;
    for (let step = 0; step < DFR_GRID_MAX_STEPS; step++) {
      // Rounded to 6 significant digits: 0.3 * 3 is 0.9, not 0.8999999999999999.
      C = Number((gridEdge > 0 ? C * DFR_GRID_FACTOR : C / DFR_GRID_FACTOR).toPrecision(6));
      extendedC.push(C);
      const score = tryC(C, heads.get(extendedC.length > 1 ? extendedC[extendedC.length - 2] : best));
      if (score <= scores[String(best)]) break;
      best = C;
      if (step === DFR_GRID_MAX_STEPS - 1) boundReached = true;
    }
  }
  // 3. Final head: the mean of `refits` fits on fresh balanced subsamples of the whole split. As
  // published, standardised with the training embeddings' statistics (the split's own for DFR^Tr_Tr,
  // or when there is no training set).
  const scalerSplit: SplitName = ctx.splits.train.y.length > 0 ? "train" : split;
  const scaler: Scaler = fitScaler(ctx.embeddings(scalerSplit), d);
  const W = new Float64Array(d * k);
  const b = new Float64Array(k);
  let subsample = 0;
  let last: Head | undefined;
  for (let r = 0; r < refits; r++) {
    const rows = balancedSubsample(groups, deriveSeed(seed, 100 + r));
    subsample = rows.length;
    const x = applyScaler(take(all, d, rows), d, scaler);
    const head = fitter.fit(x, Int32Array.from(rows, (i) => labels[i]), best, false, last); // warm start from the previous refit
    last = head;
    head.W.forEach((v, i) => (W[i] += v / refits));
    head.b.forEach((v, i) => (b[i] += v / refits));
  }
  const head = { W, b };
  return {
    method: name,
    selected: { C: best, refits, multinomial: multinomial ? 1 : 0, l2: l2 ? 1 : 0, gridEdge },
    diagnostics: {
      tuningScores: scores,
      ...(gridEdge !== 0 ? { gridExtension: { direction: gridEdge, tried: extendedC, boundReached } } : {}),
      balancedSubsampleSize: subsample,
      tuningSubsampleSize: tuneRows.length,
      scalerFittedOn: scalerSplit,
      solverIterations: fitter.iterations,
      allConverged: fitter.converged,
    },
    logits: { val: splitLogits(ctx, "val", head, scaler), test: splitLogits(ctx, "test", head, scaler) },
  };
}

/** DFR's hyperparameters: C > 0 (a grid), whole refits. */
export const DFR_SCHEMA: HyperparameterSchema = {
  C: { min: 1e-6, max: 1e4, grid: true },
  refits: { min: 1, max: 1000, integer: true },
  multinomial: { min: 0, max: 1, integer: true },
  l2: { min: 0, max: 1, integer: true },
  extendGrid: { min: 0, max: 1, integer: true },
};

export const dfr: Method = {
  name: "dfr",
  summary: "DFR^Val_Tr: L1 logistic regression on ERM embeddings of group-balanced held-out data",
  groupLabels: "validation",
  defaults: { C: DFR_C_GRID, refits: 20, multinomial: 0, l2: 0, extendGrid: 1 },
  schema: DFR_SCHEMA,
  run: (ctx, params) => runDfr(ctx, "heldout", params, "dfr"),
};

export const dfrTrain: Method = {
  name: "dfr-tr",
  summary: "DFR^Tr_Tr: the same on a group-balanced subsample of the training set",
  groupLabels: "training",
  defaults: { C: DFR_C_GRID, refits: 20, multinomial: 0, l2: 0, extendGrid: 1 },
  schema: DFR_SCHEMA,
  run: (ctx, params) => runDfr(ctx, "train", params, "dfr-tr"),
};
