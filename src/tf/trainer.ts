// A hand-written training loop on tfjs-wasm (no model.fit): seeded initialisation and batch order,
// Adam or SGD, weight decay, per-example loss weights, evaluation every N steps with model
// selection, and a clear stop on a NaN loss. The same config and seed give the same weights in
// every runtime.
import type * as tfc from "@tensorflow/tfjs-core";
import { type GroupMetrics, groupMetrics } from "../metrics/group_metrics.ts";
import { deriveSeed, permutation } from "../random/draws.ts";
import { createModel, type Model, restore, snapshot } from "./models.ts";
import { fusedOptimizer } from "./optimizer.ts";
import { softmaxCrossEntropy } from "./ops/softmax_cross_entropy.ts";
import type { TrainConfig } from "./train_config.ts";

type TF = typeof tfc;

/** Training examples: float32 rows, labels, optional per-example loss weights. */
export interface TrainData {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly seqLength: number;
  /** Per-example loss weights (mean-one is the natural scale); default 1 for all. */
  readonly weights?: Float32Array;
}

/** Examples to evaluate on, with group ids when groups exist. */
export interface EvalData {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly g?: Int32Array;
  readonly numGroups?: number;
}

/** One evaluation during training. */
export interface EvalPoint {
  readonly step: number;
  readonly loss: number;
  readonly accuracy?: number;
  readonly worstGroupAccuracy?: number;
}

/**
 * Per-batch loss weights computed during training (full-model Group DRO): given the batch's example
 * indices and a way to get its per-example losses under the current weights, return the weights.
 */
export type BatchWeighting = (batch: Int32Array, losses: () => Float32Array) => Float32Array;

/** What training returns: the model (with the selected weights), its history and its speed. */
export interface TrainResult {
  readonly model: Model;
  readonly history: EvalPoint[];
  readonly selectedStep: number;
  readonly samplesPerSecond: number;
}

/** Training diverged: the loss became NaN or infinite at `step`. */
export class TrainingDiverged extends Error {
  constructor(readonly step: number, readonly loss: number) {
    super(`training diverged: the loss is ${loss} at step ${step}; lower the learning rate or check the data`);
    this.name = "TrainingDiverged";
  }
}

const NUM_CLASSES = 10;
const EVAL_BATCH = 4096;

// Apply `f` to the rows of x in batches, concatenating its `width` outputs per row.
function mapRows(
  tf: TF,
  x: Float32Array,
  seqLength: number,
  width: number,
  f: (xb: tfc.Tensor2D) => tfc.Tensor2D,
): Float32Array {
  const n = x.length / seqLength;
  const out = new Float32Array(n * width);
  for (let first = 0; first < n; first += EVAL_BATCH) {
    const count = Math.min(EVAL_BATCH, n - first);
    const values = tf.tidy(() =>
      f(tf.tensor2d(x.subarray(first * seqLength, (first + count) * seqLength), [count, seqLength]))
        .dataSync() as Float32Array
    );
    out.set(values, first * width);
  }
  return out;
}

/** Logits of every row of x, in batches, as one Float32Array [n x classes]. */
export function predictLogits(tf: TF, model: Model, x: Float32Array, seqLength: number): Float32Array {
  return mapRows(tf, x, seqLength, model.numClasses, (xb) => model.logits(xb));
}

/** Embeddings (penultimate features) of every row of x, as one Float32Array [n x embeddingSize]. */
export function predictEmbeddings(tf: TF, model: Model, x: Float32Array, seqLength: number): Float32Array {
  return mapRows(tf, x, seqLength, model.embeddingSize, (xb) => model.embed(xb));
}

/** Group metrics of a model on an evaluation set (groups = classes when none are given). */
export function evaluate(tf: TF, model: Model, data: EvalData, seqLength: number): GroupMetrics {
  const logits = predictLogits(tf, model, data.x, seqLength);
  return groupMetrics({
    labels: data.y,
    groups: data.g ?? data.y,
    numGroups: data.g ? data.numGroups ?? 1 + Math.max(...data.g) : model.numClasses,
    numClasses: model.numClasses,
    logits,
  });
}

/** Each example's cross-entropy (no gradient). */
export function perExampleCrossEntropy(tf: TF, logits: tfc.Tensor2D, labels: tfc.Tensor1D): tfc.Tensor1D {
  return tf.tidy(() => {
    const shifted = tf.sub(logits, tf.max(logits, 1, true));
    const logp = tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), 1, true)));
    return tf.neg(tf.sum(tf.mul(logp, tf.oneHot(labels, logits.shape[1])), 1)) as tfc.Tensor1D;
  });
}

/** Train a fresh model (or continue `init`) on `data`; evaluate on `val` every evalEvery steps. */
export function train(
  tf: TF,
  config: TrainConfig,
  data: TrainData,
  val?: EvalData,
  init?: Model,
  batchWeighting?: BatchWeighting,
): TrainResult {
  const n = data.y.length;
  const f = data.seqLength;
  if (config.batchSize > n) throw new RangeError(`batchSize ${config.batchSize} exceeds the ${n} training examples`);
  const model = init ?? createModel(tf, config.model, config.seed, f, NUM_CLASSES);
  const optimizer = fusedOptimizer(tf, model.variables, {
    kind: config.optimizer,
    learningRate: config.learningRate,
    weightDecay: config.weightDecay,
    momentum: config.momentum,
  });
  const history: EvalPoint[] = [];
  let best: { score: number; step: number; weights: Float32Array[] } | undefined;
  // The epoch's example order lives on the backend; batches are slices of it.
  let epoch = -1;
  let xs: tfc.Tensor2D | undefined;
  let ys: tfc.Tensor1D | undefined;
  let ws: tfc.Tensor1D | undefined;
  let order: Int32Array | undefined;
  const loadEpoch = (e: number) => {
    xs?.dispose();
    ys?.dispose();
    ws?.dispose();
    order = config.batchOrder === "shuffled" ? permutation(n, deriveSeed(config.seed, 1_000_000 + e)) : undefined;
    const pick = <T extends Float32Array | Int32Array>(src: T, width: number): T => {
      if (!order) return src;
      const out = new (src.constructor as new (n: number) => T)(src.length);
      for (let i = 0; i < n; i++) out.set(src.subarray(order[i] * width, order[i] * width + width), i * width);
      return out;
    };
    xs = tf.tensor2d(pick(data.x, f), [n, f]);
    ys = tf.tensor1d(pick(data.y, 1), "int32");
    ws = data.weights ? tf.tensor1d(pick(data.weights, 1)) : undefined;
    epoch = e;
  };
  const start = performance.now();
  let seen = 0;
  try {
    for (let step = 0; step < config.steps; step++) {
      const offset = (step * config.batchSize) % n;
      const e = Math.floor((step * config.batchSize) / n);
      if (e !== epoch && (config.batchOrder === "shuffled" || epoch < 0)) loadEpoch(e);
      const size = Math.min(config.batchSize, n - offset); // the reference's slice may be short at the end
      const loss = tf.tidy(() => {
        const xb = tf.slice(xs!, [offset, 0], [size, f]);
        const yb = tf.slice(ys!, [offset], [size]);
        let wb = ws ? tf.slice(ws, [offset], [size]) : undefined;
        if (batchWeighting) {
          const ids = Int32Array.from({ length: size }, (_, i) => (order ? order[offset + i] : offset + i));
          const losses = () => perExampleCrossEntropy(tf, model.logits(xb), yb).dataSync() as Float32Array;
          wb = tf.tensor1d(batchWeighting(ids, losses));
        }
        const { value, grads } = tf.variableGrads(
          () => softmaxCrossEntropy(tf, model.logits(xb), yb, wb),
          model.variables,
        );
        const lossValue = value.dataSync()[0];
        // A diverged step is not applied: the weights stay those of the last finite loss.
        if (Number.isFinite(lossValue)) optimizer.step(model.variables.map((v) => grads[v.name]));
        return lossValue;
      });
      seen += size;
      if (!Number.isFinite(loss)) throw new TrainingDiverged(step, loss);
      const last = step === config.steps - 1;
      if ((step + 1) % config.evalEvery === 0 || last) {
        const point: EvalPoint = { step: step + 1, loss };
        if (val) {
          const m = evaluate(tf, model, val, f);
          Object.assign(point, { accuracy: m.averageAccuracy, worstGroupAccuracy: m.worstGroupAccuracy });
          if (config.selectBy !== "last") {
            // Ties and zeros: prefer higher average accuracy, then the earlier step.
            const score = config.selectBy === "accuracy"
              ? m.averageAccuracy
              : m.worstGroupAccuracy + 1e-6 * m.averageAccuracy;
            if (!best || score > best.score) best = { score, step: step + 1, weights: snapshot(model) };
          }
        }
        history.push(point);
      }
    }
  } finally {
    optimizer.dispose();
    xs?.dispose();
    ys?.dispose();
    ws?.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  if (best) restore(tf, model, best.weights);
  return {
    model,
    history,
    selectedStep: best?.step ?? config.steps,
    samplesPerSecond: seen / seconds,
  };
}
