// Automatic Feature Reweighting (Qiu, Potapczynski, Izmailov, Wilson, ICML 2023): on a held-out part
// of the training data (no group labels), weight each example by exp(-gamma * p_i), p_i = ERM's
// probability of its label, balance the classes, normalise to sum 1; retrain the last layer from
// ERM's head on sum w_i CE_i + lambda ||theta - theta_ERM||^2, full batch, keeping the step with the
// best validation worst-group accuracy. Grid over gamma and lambda.
// The worst-group variant (afr-wg) also multiplies each weight by exp(eta * L_g), L_g the ERM loss
// of the example's group on the held-out set: more weight where ERM is worst (needs its group labels).
// The descent runs in WebAssembly (lastlayer/head_adam.ts): every step between two checkpoints in one
// call, the validation predictions there too (as a JS call per step, AFR alone took 20 times a quick
// study cell's ERM training).
import type { Head } from "../lastlayer/problem.ts";
import { HeadAdam } from "../lastlayer/head_adam.ts";
import { ermLogits } from "./context.ts";
import { ermHead, predictionScore, splitLogits } from "./head_eval.ts";
import type { Hyperparameters, HyperparameterSchema, Method, MethodContext, MethodResult } from "./types.ts";
import { exp, log } from "../wasm/math.ts";

/** p_i: the softmax probability ERM gives example i's label. */
export function labelProbabilities(logits: Float32Array, y: Int32Array, k: number): Float64Array {
  const p = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += exp(logits[i * k + c] - max);
    p[i] = exp(logits[i * k + y[i]] - max) / sum;
  }
  return p;
}

/** AFR's weights: exp(-gamma p_i) times an optional per-example factor, each class scaled to the
 * same total, normalised to sum 1. */
export function afrWeights(
  p: Float64Array,
  y: Int32Array,
  k: number,
  gamma: number,
  factor?: Float64Array,
): Float64Array {
  const w = p.map((v, i) => exp(-gamma * v) * (factor ? factor[i] : 1));
  const classTotal = new Float64Array(k);
  y.forEach((c, i) => (classTotal[c] += w[i]));
  const present = classTotal.filter((t) => t > 0).length;
  return w.map((v, i) => v / classTotal[y[i]] / present);
}

/** Weight diagnostics per group: mean weight, total weight, count; and the effective sample size. */
export function weightDiagnostics(w: Float64Array, groups: Int32Array, numGroups: number) {
  const total = new Float64Array(numGroups);
  const count = new Float64Array(numGroups);
  groups.forEach((g, i) => {
    total[g] += w[i];
    count[g]++;
  });
  let sq = 0;
  for (const v of w) sq += v * v;
  return {
    effectiveSampleSize: 1 / sq,
    totalWeightByGroup: Array.from(total),
    meanWeightByGroup: Array.from(total, (t, g) => (count[g] ? t / count[g] : 0)),
    countByGroup: Array.from(count),
  };
}

/** Default grids (AFR's paper searches gamma and lambda; these are a coarse version). */
const AFR_GAMMAS = [1, 4, 16];
const AFR_LAMBDAS = [0, 0.1];
const AFR_ETAS = [0.5, 2];

function asList(v: number | readonly number[] | undefined, fallback: readonly number[]): number[] {
  return v === undefined ? [...fallback] : typeof v === "number" ? [v] : [...v];
}

/** AFR (and, with `groupFactor`, its worst-group variant) over the grid of gamma (x eta) x lambda. */
function runAfr(ctx: MethodContext, params: Hyperparameters, name: string, worstGroup: boolean): MethodResult {
  const split = "heldout";
  const y = ctx.splits[split].y;
  const k = ctx.numClasses;
  const d = ctx.erm.embeddingSize;
  const logits = ermLogits(ctx, split);
  const p = labelProbabilities(logits, y, k);
  const groups = ctx.groups(split);
  const steps = Number(params.steps ?? 100);
  const lr = Number(params.learningRate ?? 0.01);
  const every = Number(params.every ?? 10);
  const anchor = ermHead(ctx);
  const problem = new HeadAdam(ctx.embeddings(split), y, d, k, ctx.embeddings("val"));
  // The worst-group factor: exp(eta * ERM's mean loss of the example's group on this split).
  const groupLoss = new Float64Array(ctx.numGroups);
  if (worstGroup) {
    const ce = p.map((v) => -log(Math.max(v, 1e-12)));
    const count = new Float64Array(ctx.numGroups);
    groups.forEach((g, i) => {
      groupLoss[g] += ce[i];
      count[g]++;
    });
    groupLoss.forEach((s, g) => (groupLoss[g] = count[g] ? s / count[g] : 0));
  }
  let best:
    | { score: number; head: Head; gamma: number; lambda: number; eta: number; step: number; w: Float64Array }
    | undefined;
  for (const gamma of asList(params.gamma, AFR_GAMMAS)) {
    for (const eta of worstGroup ? asList(params.eta, AFR_ETAS) : [0]) {
      const factor = worstGroup ? Float64Array.from(groups, (g) => exp(eta * groupLoss[g])) : undefined;
      const w = afrWeights(p, y, k, gamma, factor);
      problem.setWeights(w);
      for (const lambda of asList(params.lambda, AFR_LAMBDAS)) {
        problem.run(anchor, {
          steps,
          learningRate: lr,
          lambda,
          anchor,
          every,
          onCheck: (step) => {
            const score = predictionScore(ctx, "val", problem.predictEval());
            if (!best || score > best.score) best = { score, head: problem.head(), gamma, lambda, eta, step, w };
          },
        });
      }
    }
  }
  const chosen = best!;
  const byGroup = (values: ArrayLike<number>, rows: (i: number) => boolean) => {
    let s = 0;
    let c = 0;
    for (let i = 0; i < values.length; i++) if (rows(i)) (s += values[i]), c++;
    return c ? s / c : NaN;
  };
  const a = ctx.splits[split].a;
  const K = ctx.splits[split].numAttributes;
  const aligned = (i: number) => a[i] === y[i] % K;
  return {
    method: name,
    selected: {
      gamma: chosen.gamma,
      lambda: chosen.lambda,
      ...(worstGroup ? { eta: chosen.eta } : {}),
      step: chosen.step,
    },
    diagnostics: {
      ...weightDiagnostics(chosen.w, groups, ctx.numGroups),
      // Embeddings from elsewhere carry group ids but no attributes (numAttributes 0).
      ...(K > 0
        ? {
          totalWeightConflicting: chosen.w.reduce((s, v, i) => s + (aligned(i) ? 0 : v), 0),
          conflictingCount: y.reduce((s, _, i) => s + (aligned(i) ? 0 : 1), 0),
          meanErmConfidenceAligned: byGroup(p, aligned),
          meanErmConfidenceConflicting: byGroup(p, (i) => !aligned(i)),
        }
        : {}),
      reweightingSetSize: y.length,
    },
    logits: { val: splitLogits(ctx, "val", chosen.head), test: splitLogits(ctx, "test", chosen.head) },
  };
}

/** AFR's hyperparameters (gamma, lambda and eta are grids; exp(eta * loss) stays finite up to eta 10). */
export const AFR_SCHEMA: HyperparameterSchema = {
  gamma: { min: 0, max: 100, grid: true },
  lambda: { min: 0, max: 1e3, grid: true },
  steps: { min: 1, max: 1e5, integer: true },
  learningRate: { min: 0, max: 10, minExclusive: true },
  every: { min: 1, max: 1e5, integer: true },
};
const AFR_WG_SCHEMA: HyperparameterSchema = { ...AFR_SCHEMA, eta: { min: 0, max: 10, grid: true } };

export const afr: Method = {
  name: "afr",
  summary: "AFR: last layer retrained on held-out data weighted by exp(-gamma p_true), class-balanced",
  groupLabels: "validation",
  defaults: { gamma: AFR_GAMMAS, lambda: AFR_LAMBDAS, steps: 100, learningRate: 0.01, every: 10 },
  schema: AFR_SCHEMA,
  run: (ctx, params) => runAfr(ctx, params, "afr", false),
};

export const afrWorstGroup: Method = {
  name: "afr-wg",
  summary: "AFR with group factors exp(eta * ERM loss of the group): more weight on the worst groups",
  groupLabels: "validation",
  defaults: { gamma: AFR_GAMMAS, eta: AFR_ETAS, lambda: AFR_LAMBDAS, steps: 100, learningRate: 0.01, every: 10 },
  schema: AFR_WG_SCHEMA,
  run: (ctx, params) => runAfr(ctx, params, "afr-wg", true),
};
