// Full-model methods that retrain a network on reweighted or subsampled training data:
// JTT (Liu et al. 2021), SUBG and RWG (Idrissi et al. 2022; Sagawa et al. 2020).
import { balancedSubsample, take } from "../lastlayer/subsample.ts";
import { deriveSeed } from "../random/draws.ts";
import { disposeModel } from "../tf/models.ts";
import { predictLogits, train, type TrainData } from "../tf/trainer.ts";
import { argmax } from "./head_eval.ts";
import type { Method, MethodContext, MethodResult } from "./types.ts";

function retrain(
  ctx: MethodContext,
  name: string,
  data: TrainData,
  selected: Record<string, number>,
  diagnostics: Record<string, unknown>,
): MethodResult {
  const { tf } = ctx;
  const f = ctx.splits.train.seqLength;
  const config = { ...ctx.training, batchSize: Math.min(ctx.training.batchSize, data.y.length) };
  const r = train(tf, { config, data });
  const out = {
    method: name,
    selected,
    diagnostics,
    logits: {
      val: predictLogits(tf, r.model, ctx.inputs("val"), f),
      test: predictLogits(tf, r.model, ctx.inputs("test"), f),
    },
  };
  disposeModel(r.model);
  return out;
}

export const jtt: Method = {
  name: "jtt",
  summary: "Just Train Twice: ERM for a fraction of training, then retrain with its errors upweighted",
  groupLabels: "none",
  defaults: { firstFraction: 0.25, upweight: 20 },
  schema: { firstFraction: { min: 0, max: 1, minExclusive: true }, upweight: { min: 1, max: 1e4 } },
  run(ctx, params) {
    const { tf } = ctx;
    const fraction = Number(params.firstFraction ?? 0.25);
    const up = Number(params.upweight ?? 20);
    const x = ctx.inputs("train");
    const y = ctx.splits.train.y;
    const f = ctx.splits.train.seqLength;
    const first = train(tf, {
      config: { ...ctx.training, steps: Math.max(1, Math.round(ctx.training.steps * fraction)) },
      data: { x, y, seqLength: f, numClasses: ctx.numClasses },
    });
    const logits = predictLogits(tf, first.model, x, f);
    disposeModel(first.model);
    const errors = Float32Array.from(y, (yi, i) => (argmax(logits, i, ctx.numClasses) === yi ? 0 : 1));
    const weights = errors.map((e) => (e ? up : 1));
    const errorCount = errors.reduce((a, b) => a + b, 0);
    return retrain(ctx, "jtt", { x, y, seqLength: f, numClasses: ctx.numClasses, weights }, {
      firstFraction: fraction,
      upweight: up,
    }, {
      errorSetSize: errorCount,
    });
  },
};

export const subg: Method = {
  name: "subg",
  summary: "SUBG: retrain on the training set subsampled so every group has the smallest group's size",
  groupLabels: "training",
  defaults: {},
  schema: {},
  run(ctx) {
    const f = ctx.splits.train.seqLength;
    const rows = balancedSubsample(ctx.groups("train"), deriveSeed(ctx.seed, 9001));
    const data = {
      x: take(ctx.inputs("train"), f, rows),
      y: Int32Array.from(rows, (i) => ctx.splits.train.y[i]),
      seqLength: f,
      numClasses: ctx.numClasses,
    };
    return retrain(ctx, "subg", data, {}, { subsampleSize: rows.length });
  },
};

export const rwg: Method = {
  name: "rwg",
  summary: "RWG: retrain with each example weighted by the inverse of its group's frequency",
  groupLabels: "training",
  defaults: {},
  schema: {},
  run(ctx) {
    const g = ctx.groups("train");
    const count = new Float64Array(ctx.numGroups);
    g.forEach((v) => count[v]++);
    const present = count.filter((c) => c > 0).length;
    // w_i = n / (groups * n_g): every group's total weight is the same and the mean weight is 1.
    const weights = Float32Array.from(g, (v) => g.length / (present * count[v]));
    const f = ctx.splits.train.seqLength;
    return retrain(
      ctx,
      "rwg",
      { x: ctx.inputs("train"), y: ctx.splits.train.y, seqLength: f, numClasses: ctx.numClasses, weights },
      {},
      {
        groupsPresent: present,
      },
    );
  },
};
