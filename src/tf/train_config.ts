// Training settings: types, the reference protocol's defaults, validation naming the field.
import { finite, integer, noUnknownKeys, oneOf, record } from "../config/checks.ts";
import { ConfigError } from "../config/errors.ts";
import { MODEL_KINDS, type ModelKind } from "./models.ts";
import { convLength } from "./kernels/conv1d_layer.ts";

export const OPTIMIZERS = ["adam", "sgd"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const BATCH_ORDERS = ["sequential", "shuffled"] as const;
/** sequential: the reference's slices x[(step * batch) % n : ... + batch]; shuffled: a seeded permutation per epoch. */
export type BatchOrder = (typeof BATCH_ORDERS)[number];
export const SELECT_BY = ["last", "accuracy", "worstGroupAccuracy"] as const;
/** Which evaluated step's weights to keep: the last, or the best on validation (ties: the earlier step). */
export type SelectBy = (typeof SELECT_BY)[number];

/** How to train one model. */
export interface TrainConfig {
  model: ModelKind;
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  steps: number;
  weightDecay: number;
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  batchOrder: BatchOrder;
  /** Evaluate on the validation set every this many steps (and at the end). */
  evalEvery: number;
  selectBy: SelectBy;
  seed: number;
  /** The MLP's hidden width. */
  hidden: number;
  /** The CNN's channels per convolution. */
  channels: number;
}

/** The reference protocol: Adam, lr 1e-2, batch 100, 6000 steps, sequential batches, the reference's sizes. */
export const TRAIN_DEFAULTS: Readonly<TrainConfig> = Object.freeze({
  model: "mlp",
  optimizer: "adam",
  learningRate: 1e-2,
  batchSize: 100,
  steps: 6000,
  weightDecay: 0,
  momentum: 0,
  batchOrder: "sequential",
  evalEvery: 1000,
  selectBy: "last",
  seed: 0,
  hidden: 100,
  channels: 25,
});

/** Validate a training config over the defaults; `trainSize` bounds the batch size. */
export function resolveTrainConfig(input: unknown, trainSize?: number, path = ""): TrainConfig {
  const given = record(path || "training", input ?? {});
  noUnknownKeys(path, given, Object.keys(TRAIN_DEFAULTS));
  const at = (k: string) => (path ? `${path}.${k}` : k);
  const v = { ...TRAIN_DEFAULTS, ...given } as Record<string, unknown>;
  const learningRate = finite(at("learningRate"), v.learningRate);
  if (!(learningRate > 0)) throw new ConfigError(at("learningRate"), "a finite number > 0", learningRate);
  const batchSize = integer(at("batchSize"), v.batchSize, { min: 1, max: 1 << 24 });
  if (trainSize !== undefined && batchSize > trainSize) {
    throw new ConfigError(at("batchSize"), `at most the ${trainSize} training examples`, batchSize);
  }
  return {
    model: oneOf(at("model"), v.model, MODEL_KINDS),
    optimizer: oneOf(at("optimizer"), v.optimizer, OPTIMIZERS),
    learningRate,
    batchSize,
    steps: integer(at("steps"), v.steps, { min: 1, max: 1e9 }),
    weightDecay: finite(at("weightDecay"), v.weightDecay, { min: 0 }),
    momentum: finite(at("momentum"), v.momentum, { min: 0, max: 0.999999 }),
    batchOrder: oneOf(at("batchOrder"), v.batchOrder, BATCH_ORDERS),
    evalEvery: integer(at("evalEvery"), v.evalEvery, { min: 1, max: 1e9 }),
    selectBy: oneOf(at("selectBy"), v.selectBy, SELECT_BY),
    seed: integer(at("seed"), v.seed, { min: 0, max: 2 ** 32 - 1 }),
    hidden: integer(at("hidden"), v.hidden, { min: 1, max: 4096 }),
    channels: integer(at("channels"), v.channels, { min: 1, max: 1024 }),
  };
}

/** The shortest input the CNN's three strided convolutions (kernels 5, 3, 3; stride 2; padding 1) accept. */
export function minInputLength(model: ModelKind): number {
  if (model !== "cnn") return 1;
  let length = 1;
  while ([5, 3, 3].reduce((l, k) => convLength(l, k, 2, 1), length) < 1) length++;
  return length;
}

/** Reject an input length the model cannot take, naming the field that set it (`path`). */
export function checkModelInput(model: ModelKind, seqLength: number, path: string): void {
  const min = minInputLength(model);
  if (seqLength < min) {
    throw new ConfigError(path, `a sequence length of at least ${min} for the ${model} model`, seqLength);
  }
}
