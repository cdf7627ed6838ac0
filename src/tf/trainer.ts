// A hand-written training loop (no model.fit): seeded initialisation and batch order, Adam or SGD,
// weight decay, per-example loss weights, evaluation every N steps with model selection, and a
// clear stop on a NaN loss. Each step runs the model's layers straight on tfjs-wasm's heap
// (heap_network.ts: no engine op, tensor or tape per step); the weights go back into the model's
// variables at the end. The same config and seed give the same weights in every runtime.
import type * as tfc from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type GroupMetrics, groupMetrics } from "../metrics/group_metrics.ts";
import { deriveSeed, permutation } from "../random/draws.ts";
import { createModel, disposeModel, layerOutputs, type Model, restore } from "./models.ts";
import { HeapBlock, HeapNetwork } from "./heap_network.ts";
import { packedOptimizer } from "./optimizer.ts";
import type { TrainConfig } from "./train_config.ts";

type TF = typeof tfc;

/** Training examples: float32 rows, labels, optional per-example loss weights. */
export interface TrainData {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly seqLength: number;
  /** How many classes the labels come from (the model's outputs): the data's to say, not the trainer's. */
  readonly numClasses: number;
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

const EVAL_BATCH = 4096;

/** What train() needs: the config, the data, and optionally validation data, a model to continue, batch weights. */
export interface TrainOptions {
  readonly config: TrainConfig;
  readonly data: TrainData;
  /** Evaluated every config.evalEvery steps (and at the end), for the history and model selection. */
  readonly val?: EvalData;
  /** Continue training this model instead of a fresh one (its variables receive the result). */
  readonly init?: Model;
  readonly batchWeighting?: BatchWeighting;
}

// The wasm backend, which the heap kernels need.
function wasmBackend(tf: TF): BackendWasm {
  if (tf.getBackend() !== "wasm") throw new Error("spurious1d trains on the tfjs wasm backend (see tfReady)");
  return tf.backend() as unknown as BackendWasm;
}

// The model's variables packed into a new heap block (the layout of `net`).
function packParams(backend: BackendWasm, model: Model, net: HeapNetwork): HeapBlock {
  const block = new HeapBlock(backend, net.layout.total);
  const values = model.variables.map((v) => v.dataSync() as Float32Array);
  values.forEach((v, i) => block.f32(net.layout.offsets[i], v.length).set(v));
  return block;
}

// Per-variable copies of a packed parameter vector.
function unpackParams(block: HeapBlock, at: number, net: HeapNetwork): Float32Array[] {
  return net.layout.offsets.map((o, i) => block.f32(at + o, net.layout.sizes[i]).slice());
}

// The output of layers [0, upTo) for every row of x, in chunks of net.rows, with the parameters at `params`.
function mapRowsOnHeap(
  backend: BackendWasm,
  net: HeapNetwork,
  params: number,
  x: Float32Array,
  upTo: number,
): Float32Array {
  const f = net.inputSize;
  const n = x.length / f;
  if (upTo === 0) return x.slice();
  const per = layerOutputs(net.layers[upTo - 1]);
  const out = new Float32Array(n * per);
  const input = new HeapBlock(backend, Math.min(n, net.rows) * f);
  try {
    for (let first = 0; first < n; first += net.rows) {
      const count = Math.min(net.rows, n - first);
      input.f32(0, count * f).set(x.subarray(first * f, (first + count) * f));
      net.forward(params, input.at(0), count, upTo);
      out.set(net.outputView(upTo - 1, count), first * per);
    }
  } finally {
    input.dispose();
  }
  return out;
}

// Apply `f` to the rows of x in batches through tfjs ops (backends other than wasm).
function mapRowsWithOps(
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

// The model's outputs after layers [0, upTo) for every row of x.
function predictRows(tf: TF, model: Model, x: Float32Array, seqLength: number, upTo: number): Float32Array {
  if (seqLength !== model.inputLength) {
    throw new RangeError(`predict: rows of ${seqLength} values for a model of input length ${model.inputLength}`);
  }
  const embedding = upTo < model.layers.length;
  if (tf.getBackend() !== "wasm") {
    const width = embedding ? model.embeddingSize : model.numClasses;
    return mapRowsWithOps(tf, x, seqLength, width, (xb) => (embedding ? model.embed(xb) : model.logits(xb)));
  }
  const backend = wasmBackend(tf);
  const n = x.length / seqLength;
  const net = new HeapNetwork(backend, model.layers, Math.max(1, Math.min(EVAL_BATCH, n)), false);
  const params = packParams(backend, model, net);
  try {
    return mapRowsOnHeap(backend, net, params.at(0), x, upTo);
  } finally {
    params.dispose();
    net.dispose();
  }
}

/** Logits of every row of x, in batches, as one Float32Array [n x classes]. */
export function predictLogits(tf: TF, model: Model, x: Float32Array, seqLength: number): Float32Array {
  return predictRows(tf, model, x, seqLength, model.layers.length);
}

/** Embeddings (penultimate features) of every row of x, as one Float32Array [n x embeddingSize]. */
export function predictEmbeddings(tf: TF, model: Model, x: Float32Array, seqLength: number): Float32Array {
  return predictRows(tf, model, x, seqLength, model.layers.length - 1);
}

// Group metrics of logits on an evaluation set (groups = classes when none are given).
function metricsOf(logits: Float32Array, data: EvalData, numClasses: number): GroupMetrics {
  return groupMetrics({
    labels: data.y,
    groups: data.g ?? data.y,
    numGroups: data.g ? data.numGroups ?? 1 + Math.max(...data.g) : numClasses,
    numClasses,
    logits,
  });
}

/** Group metrics of a model on an evaluation set (groups = classes when none are given). */
export function evaluate(tf: TF, model: Model, data: EvalData, seqLength: number): GroupMetrics {
  return metricsOf(predictLogits(tf, model, data.x, seqLength), data, model.numClasses);
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
export function train(tf: TF, options: TrainOptions): TrainResult {
  const { config, data, val, init, batchWeighting } = options;
  const n = data.y.length;
  const f = data.seqLength;
  if (config.batchSize > n) throw new RangeError(`batchSize ${config.batchSize} exceeds the ${n} training examples`);
  data.y.forEach((y, i) => {
    if (!(y >= 0 && y < data.numClasses)) {
      throw new RangeError(`train: label ${y} of row ${i} is not in [0, ${data.numClasses})`);
    }
  });
  const backend = wasmBackend(tf);
  const shape = { hidden: config.hidden, channels: config.channels };
  const model = init ?? createModel(tf, config.model, config.seed, f, data.numClasses, shape);
  const net = new HeapNetwork(backend, model.layers, config.batchSize, true);
  const size = net.layout.total;
  const params = packParams(backend, model, net);
  const grads = new HeapBlock(backend, size);
  const optimizer = packedOptimizer(backend, size, {
    kind: config.optimizer,
    learningRate: config.learningRate,
    weightDecay: config.weightDecay,
    momentum: config.momentum,
  });
  // The epoch's examples in order: x (n*f floats), then labels (n int32), then loss weights (n).
  const epochData = new HeapBlock(backend, n * f + 2 * n + config.batchSize);
  const [xAt, yAt, wAt, batchWAt] = [0, n * f, n * f + n, n * f + 2 * n];
  let evalNet: HeapNetwork | undefined;
  const history: EvalPoint[] = [];
  let best: { score: number; step: number; weights: Float32Array[] } | undefined;
  let epoch = -1;
  let order: Int32Array | undefined;
  const loadEpoch = (e: number) => {
    order = config.batchOrder === "shuffled" ? permutation(n, deriveSeed(config.seed, 1_000_000 + e)) : undefined;
    const x = epochData.f32(xAt, n * f);
    const y = epochData.i32(yAt, n);
    const w = epochData.f32(wAt, n);
    for (let i = 0; i < n; i++) {
      const src = order ? order[i] : i;
      x.set(data.x.subarray(src * f, src * f + f), i * f);
      y[i] = data.y[src];
      if (data.weights) w[i] = data.weights[src];
    }
    epoch = e;
  };
  const start = performance.now();
  let seen = 0;
  try {
    for (let step = 0; step < config.steps; step++) {
      const offset = (step * config.batchSize) % n;
      const e = Math.floor((step * config.batchSize) / n);
      if (e !== epoch && (config.batchOrder === "shuffled" || epoch < 0)) loadEpoch(e);
      const rows = Math.min(config.batchSize, n - offset); // the reference's slice may be short at the end
      const x = epochData.at(xAt + offset * f);
      let weights = data.weights ? epochData.at(wAt + offset) : 0;
      if (batchWeighting) {
        const ids = Int32Array.from({ length: rows }, (_, i) => (order ? order[offset + i] : offset + i));
        const losses = () => {
          restore(tf, model, unpackParams(params, 0, net));
          return tf.tidy(() => {
            const xb = tf.tensor2d(epochData.f32(xAt + offset * f, rows * f).slice(), [rows, f]);
            const yb = tf.tensor1d(epochData.i32(yAt + offset, rows).slice(), "int32");
            return perExampleCrossEntropy(tf, model.logits(xb), yb).dataSync() as Float32Array;
          });
        };
        epochData.f32(batchWAt, rows).set(batchWeighting(ids, losses));
        weights = epochData.at(batchWAt);
      }
      net.forward(params.at(0), x, rows);
      // The loss as a float32, as the tfjs path reported it.
      const loss = Math.fround(net.loss(epochData.at(yAt + offset), weights, rows));
      seen += rows;
      // A diverged step is not applied: the weights stay those of the last finite loss.
      if (!Number.isFinite(loss)) throw new TrainingDiverged(step, loss);
      net.backward(params.at(0), grads.at(0), x, rows);
      optimizer.step(params.at(0), grads.at(0));
      const last = step === config.steps - 1;
      if ((step + 1) % config.evalEvery === 0 || last) {
        const point: EvalPoint = { step: step + 1, loss };
        if (val) {
          evalNet ??= new HeapNetwork(backend, model.layers, Math.max(1, Math.min(EVAL_BATCH, val.y.length)), false);
          const logits = mapRowsOnHeap(backend, evalNet, params.at(0), val.x, model.layers.length);
          const m = metricsOf(logits, val, model.numClasses);
          Object.assign(point, { accuracy: m.averageAccuracy, worstGroupAccuracy: m.worstGroupAccuracy });
          if (config.selectBy !== "last") {
            // Ties and zeros: prefer higher average accuracy, then the earlier step.
            const score = config.selectBy === "accuracy"
              ? m.averageAccuracy
              : m.worstGroupAccuracy + 1e-6 * m.averageAccuracy;
            if (!best || score > best.score) best = { score, step: step + 1, weights: unpackParams(params, 0, net) };
          }
        }
        history.push(point);
      }
    }
    restore(tf, model, unpackParams(params, 0, net));
  } catch (error) {
    // A model being continued keeps the last applied weights; a fresh one is freed.
    if (init) restore(tf, model, unpackParams(params, 0, net));
    else disposeModel(model);
    throw error;
  } finally {
    optimizer.dispose();
    evalNet?.dispose();
    epochData.dispose();
    grads.dispose();
    params.dispose();
    net.dispose();
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
