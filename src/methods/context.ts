// Builds a MethodContext: trains ERM on the training split and caches inputs and embeddings.
import type * as tfc from "@tensorflow/tfjs-core";
import { groupCount, groupIds, type Grouping } from "../data/groups.ts";
import type { Split, SplitName } from "../data/splits.ts";
import { predictEmbeddings, predictLogits, train } from "../tf/trainer.ts";
import type { TrainConfig } from "../tf/train_config.ts";
import type { Model } from "../tf/models.ts";
import type { MethodContext } from "./types.ts";
import { MNIST1D_CLASSES } from "../data/mnist1d_args.ts";

/** Train ERM on `splits.train` and wrap everything a method may use. */
export function makeContext(
  tf: typeof tfc,
  splits: Readonly<Record<SplitName, Split>>,
  training: TrainConfig,
  grouping: Grouping = "fine",
  erm?: Model,
): MethodContext {
  const inputs = new Map<SplitName, Float32Array>();
  const embeddings = new Map<SplitName, Float32Array>();
  const groups = new Map<SplitName, Int32Array>();
  const input = (s: SplitName) => {
    if (!inputs.has(s)) inputs.set(s, new Float32Array(splits[s].x));
    return inputs.get(s)!;
  };
  const model = erm ??
    train(tf, {
      config: training,
      data: { x: input("train"), y: splits.train.y, seqLength: splits.train.seqLength, numClasses: MNIST1D_CLASSES },
    })
      .model;
  const k = splits.train.numAttributes;
  return {
    tf,
    splits,
    numClasses: model.numClasses,
    grouping,
    numGroups: groupCount(grouping, model.numClasses, k),
    groups(s) {
      if (!groups.has(s)) {
        groups.set(s, grouping === "fine" ? splits[s].g : groupIds(splits[s].y, splits[s].a, k, "coarse"));
      }
      return groups.get(s)!;
    },
    training,
    erm: model,
    embeddings(s) {
      if (!embeddings.has(s)) embeddings.set(s, predictEmbeddings(tf, model, input(s), splits[s].seqLength));
      return embeddings.get(s)!;
    },
    inputs: input,
    seed: training.seed,
  };
}

/** ERM logits of a split (for methods that start from ERM's predictions). */
export function ermLogits(ctx: MethodContext, split: SplitName): Float32Array {
  return predictLogits(ctx.tf, ctx.erm, ctx.inputs(split), ctx.splits[split].seqLength);
}
