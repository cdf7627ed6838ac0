// Post-hoc per-class logit scaling: keep ERM's network and head, and rescale its logits per class,
// z'_c = s_c z_c + t_c, with s and t fitted on the held-out set by class-balanced cross-entropy
// (class labels only). The family of post-hoc logit adjustments (Menon et al., ICLR 2021, adjust
// by class priors; vector scaling, Guo et al., ICML 2017, fits s and t for calibration); here it
// is fitted to balance classes. Full-batch Adam from s = 1, t = 0 (ERM itself); settings are ours.
import { LogregProblem } from "../lastlayer/problem.ts";
import { classBalancedWeights } from "./balanced_head.ts";
import { ermLogits } from "./context.ts";
import type { Method, MethodContext } from "./types.ts";

/** Per-class scales and offsets. */
export interface LogitScaling {
  readonly scale: Float64Array;
  readonly offset: Float64Array;
}

/** z'_c = s_c z_c + t_c for every row of logits (n x k). */
export function applyLogitScaling(logits: Float32Array, f: LogitScaling): Float32Array {
  const k = f.scale.length;
  return logits.map((z, i) => f.scale[i % k] * z + f.offset[i % k]);
}

/** Fit s and t on logits (n x k) and labels, classes balanced. */
export function fitLogitScaling(
  logits: Float32Array,
  y: Int32Array,
  k: number,
  steps: number,
  learningRate: number,
): LogitScaling {
  // A linear head on the logits whose weight matrix stays diagonal: W = diag(s), b = t.
  const w = classBalancedWeights(y, k).map((v) => v / y.length);
  const problem = new LogregProblem(Float64Array.from(logits), y, k, k, w);
  const W = new Float64Array(k * k);
  for (let c = 0; c < k; c++) W[c * k + c] = 1;
  const b = new Float64Array(k);
  const gW = new Float64Array(k * k);
  const gb = new Float64Array(k);
  const m = new Float64Array(2 * k);
  const v = new Float64Array(2 * k);
  let b1t = 1;
  let b2t = 1;
  for (let step = 1; step <= steps; step++) {
    problem.lossGrad({ W, b }, gW, gb);
    b1t *= 0.9;
    b2t *= 0.999;
    for (let j = 0; j < 2 * k; j++) {
      const c = j % k;
      const g = j < k ? gW[c * k + c] : gb[c];
      m[j] = 0.9 * m[j] + 0.1 * g;
      v[j] = 0.999 * v[j] + 0.001 * g * g;
      const delta = (learningRate * (m[j] / (1 - b1t))) / (Math.sqrt(v[j] / (1 - b2t)) + 1e-8);
      if (j < k) W[c * k + c] -= delta;
      else b[c] -= delta;
    }
  }
  return { scale: Float64Array.from({ length: k }, (_, c) => W[c * k + c]), offset: b };
}

function runLogitScale(ctx: MethodContext, steps: number, learningRate: number) {
  const k = ctx.numClasses;
  const f = fitLogitScaling(ermLogits(ctx, "heldout"), ctx.splits.heldout.y, k, steps, learningRate);
  return {
    method: "logit-scale",
    selected: { steps, learningRate },
    diagnostics: { scale: Array.from(f.scale), offset: Array.from(f.offset) },
    logits: {
      val: applyLogitScaling(ermLogits(ctx, "val"), f),
      test: applyLogitScaling(ermLogits(ctx, "test"), f),
    },
  };
}

export const logitScale: Method = {
  name: "logit-scale",
  summary: "post-hoc per-class logit scaling of ERM, fitted class-balanced on held-out data (no group labels)",
  groupLabels: "none",
  defaults: { steps: 300, learningRate: 0.05 },
  schema: {
    steps: { min: 1, max: 1e5, integer: true },
    learningRate: { min: 0, max: 10, minExclusive: true },
  },
  run: (ctx, params) => runLogitScale(ctx, Number(params.steps ?? 300), Number(params.learningRate ?? 0.05)),
};
