// Group DRO (Sagawa, Koh, Hashimoto, Liang, ICLR 2020), online: group weights q <- q * exp(eta *
// loss_g), renormalised, and the model minimises sum_g q_g loss_g. Two variants:
// - last layer (gdro-ll): the ERM head retrained full-batch on the held-out set's embeddings with
//   its group labels, keeping the step with the best validation worst-group accuracy;
// - full model (gdro): a new network trained on the training set with its group labels.
import type { Head } from "../lastlayer/problem.ts";
import { HeadAdam } from "../lastlayer/head_adam.ts";
import { exp } from "../wasm/math.ts";
import { predictLogits, train } from "../tf/trainer.ts";
import { disposeModel } from "../tf/models.ts";
import { ermHead, predictionScore, splitLogits } from "./head_eval.ts";
import type { Method } from "./types.ts";

/** One online update: q_g <- q_g * exp(eta * loss_g) for the groups present, renormalised. */
export function updateGroupWeights(
  q: Float64Array,
  groupLoss: Float64Array,
  present: ArrayLike<boolean>,
  eta: number,
): void {
  let total = 0;
  for (let g = 0; g < q.length; g++) {
    if (present[g]) q[g] *= exp(eta * groupLoss[g]);
    total += q[g];
  }
  for (let g = 0; g < q.length; g++) q[g] /= total;
}

/** Mean loss per group of per-example losses, and which groups occur. */
export function groupMeans(losses: ArrayLike<number>, groups: ArrayLike<number>, numGroups: number) {
  const sum = new Float64Array(numGroups);
  const count = new Float64Array(numGroups);
  for (let i = 0; i < losses.length; i++) {
    sum[groups[i]] += losses[i];
    count[groups[i]]++;
  }
  return { mean: sum.map((s, g) => (count[g] ? s / count[g] : 0)), count, present: Array.from(count, (c) => c > 0) };
}

/** Example weights that make sum_i w_i CE_i equal sum_g q_g mean-loss_g. */
export function exampleWeights(q: Float64Array, groups: ArrayLike<number>, count: Float64Array): Float64Array {
  return Float64Array.from(groups as ArrayLike<number>, (g) => q[g] / count[g]);
}

export const groupDroLastLayer: Method = {
  name: "gdro-ll",
  summary: "last-layer Group DRO on the held-out set (online q <- q exp(eta loss_g))",
  groupLabels: "validation",
  defaults: { eta: [0.01, 0.1, 1], steps: 200, learningRate: 0.01, every: 10 },
  schema: {
    eta: { min: 0, max: 10, grid: true },
    steps: { min: 1, max: 1e5, integer: true },
    learningRate: { min: 0, max: 10, minExclusive: true },
    every: { min: 1, max: 1e5, integer: true },
  },
  run(ctx, params) {
    const split = "heldout";
    const d = ctx.erm.embeddingSize;
    // The whole online loop (losses at the head, q's update, the reweighted gradient, Adam) runs in
    // WebAssembly, a call per ten steps (lastlayer/head_adam.ts).
    const problem = new HeadAdam(ctx.embeddings(split), ctx.splits[split].y, d, ctx.numClasses, ctx.embeddings("val"));
    problem.setGroups(ctx.groups(split), ctx.numGroups);
    const etas = typeof params.eta === "number" ? [params.eta] : [...(params.eta as number[] ?? [0.01, 0.1, 1])];
    const steps = Number(params.steps ?? 200);
    let best: { score: number; head: Head; eta: number; step: number; q: number[] } | undefined;
    for (const eta of etas) {
      problem.run(ermHead(ctx), {
        steps,
        learningRate: Number(params.learningRate ?? 0.01),
        eta,
        every: Number(params.every ?? 10),
        onCheck: (step) => {
          const score = predictionScore(ctx, "val", problem.predictEval());
          if (!best || score > best.score) {
            best = { score, head: problem.head(), eta, step, q: Array.from(problem.groupWeights()) };
          }
        },
      });
    }
    const chosen = best!;
    const worst = chosen.q.indexOf(Math.max(...chosen.q));
    return {
      method: "gdro-ll",
      selected: { eta: chosen.eta, step: chosen.step },
      diagnostics: { groupWeights: chosen.q, heaviestGroup: worst },
      logits: { val: splitLogits(ctx, "val", chosen.head), test: splitLogits(ctx, "test", chosen.head) },
    };
  },
};

export const groupDro: Method = {
  name: "gdro",
  summary: "full-model Group DRO on the training set (online group weights per batch)",
  groupLabels: "training",
  defaults: { eta: 0.01 },
  schema: { eta: { min: 0, max: 10 } },
  run(ctx, params) {
    const eta = Number(params.eta ?? 0.01);
    const groups = ctx.groups("train");
    const q = new Float64Array(ctx.numGroups).fill(1 / ctx.numGroups);
    const { tf } = ctx;
    const result = train(tf, {
      config: ctx.training,
      data: {
        x: ctx.inputs("train"),
        y: ctx.splits.train.y,
        seqLength: ctx.splits.train.seqLength,
        numClasses: ctx.numClasses,
      },
      batchWeighting: (batch, losses) => {
        const g = Int32Array.from(batch, (i) => groups[i]);
        const m = groupMeans(losses(), g, ctx.numGroups);
        updateGroupWeights(q, m.mean, m.present, eta);
        // mean_i(w_i CE_i) over the batch = sum_g q_g loss_g
        return Float32Array.from(g, (gi) => (q[gi] * batch.length) / m.count[gi]);
      },
    });
    const f = ctx.splits.train.seqLength;
    const out = {
      method: "gdro",
      selected: { eta },
      diagnostics: { groupWeights: Array.from(q) },
      logits: {
        val: predictLogits(tf, result.model, ctx.inputs("val"), f),
        test: predictLogits(tf, result.model, ctx.inputs("test"), f),
      },
    };
    disposeModel(result.model);
    return out;
  },
};
