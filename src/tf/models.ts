// The models of the study, written with tfjs-core ops: linear, the reference MLP (hidden 100 with a
// residual second layer) and the reference CNN (three strided 1-D convolutions, 25 channels).
// Each exposes its embedding (penultimate features) and its last layer (W, b) separately, because
// last-layer methods retrain only (W, b) on frozen embeddings.
import type * as tfc from "@tensorflow/tfjs-core";
import { deriveSeed, uniforms } from "../random/draws.ts";
import { dense } from "./ops/fused_dense.ts";
import { conv1dLayer } from "./ops/conv1d_layer.ts";
import { convLength } from "./kernels/conv1d_layer.ts";

type TF = typeof tfc;

/** The model families. */
export const MODEL_KINDS = ["linear", "mlp", "cnn"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** A model: parameters in a fixed order, its embedding and its head. */
export interface Model {
  readonly kind: ModelKind;
  readonly inputLength: number;
  readonly numClasses: number;
  /** Width of the embedding (the head's input). */
  readonly embeddingSize: number;
  /** Every trainable variable; the head's W and b are the last two. */
  readonly variables: tfc.Variable[];
  /** A readable name per variable (for saved files): "W1", "conv2_b", "head_W", ... */
  readonly names: string[];
  readonly head: { readonly W: tfc.Variable; readonly b: tfc.Variable };
  /** Penultimate features of a batch [n, inputLength] -> [n, embeddingSize]. */
  embed(x: tfc.Tensor2D): tfc.Tensor2D;
  /** Logits [n, numClasses]. */
  logits(x: tfc.Tensor2D): tfc.Tensor2D;
}

/** Architecture sizes (the reference's defaults). */
export interface ModelShape {
  hidden: number;
  channels: number;
}

export const MODEL_SHAPE_DEFAULTS: Readonly<ModelShape> = Object.freeze({ hidden: 100, channels: 25 });

// PyTorch's default initialisation for Linear and Conv1d: weights and biases U(-1/sqrt(fan_in), +).
// (Variables get engine-generated unique names: several models may live at once.)
function param(tf: TF, shape: number[], fanIn: number, seed: number): tfc.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tidy(() => tf.variable(tf.tensor(uniforms(n, -bound, bound, seed), shape, "float32"), true));
}

/** Output length of a 1-D convolution (as PyTorch computes it). */
export { convLength } from "./kernels/conv1d_layer.ts";

/** Build a freshly initialised model; every parameter's draw is derived from `seed`. */
export function createModel(
  tf: TF,
  kind: ModelKind,
  seed: number,
  inputLength = 40,
  numClasses = 10,
  shape: ModelShape = MODEL_SHAPE_DEFAULTS,
): Model {
  let next = 0;
  const p = (s: number[], fanIn: number) => param(tf, s, fanIn, deriveSeed(seed, next++));
  const withHead = (
    embeddingSize: number,
    body: tfc.Variable[],
    bodyNames: string[],
    embed: (x: tfc.Tensor2D) => tfc.Tensor2D,
  ): Model => {
    const W = p([embeddingSize, numClasses], embeddingSize);
    const b = p([numClasses], embeddingSize);
    return {
      kind,
      inputLength,
      numClasses,
      embeddingSize,
      variables: [...body, W, b],
      names: [...bodyNames, "head_W", "head_b"],
      head: { W, b },
      embed,
      logits: (x) =>
        tf.tidy(() => dense(tf, embed(x), W as tfc.Tensor2D, b as tfc.Tensor1D, { inputIsData: !body.length })),
    };
  };
  if (kind === "linear") return withHead(inputLength, [], [], (x) => x.clone());
  if (kind === "mlp") {
    const h = shape.hidden;
    const W1 = p([inputLength, h], inputLength);
    const b1 = p([h], inputLength);
    const W2 = p([h, h], h);
    const b2 = p([h], h);
    return withHead(h, [W1, b1, W2, b2], ["W1", "b1", "W2", "b2"], (x) =>
      tf.tidy(() => {
        // One engine op per layer forward and one backward: dispatch bounds small models.
        const h1 = dense(tf, x, W1 as tfc.Tensor2D, b1 as tfc.Tensor1D, { activation: "relu", inputIsData: true });
        return dense(tf, h1, W2 as tfc.Tensor2D, b2 as tfc.Tensor1D, { activation: "relu", residual: true });
      }));
  }
  const c = shape.channels;
  const layers: [number, number, number][] = [[5, 1, c], [3, c, c], [3, c, c]]; // kernel, in, out
  const body: tfc.Variable[] = [];
  let length = inputLength;
  for (const [k, cin, cout] of layers) {
    body.push(p([k, cin, cout], k * cin));
    body.push(p([cout], k * cin));
    length = convLength(length, k, 2, 1);
  }
  const flat = length * c;
  const names = layers.flatMap((_, i) => [`conv${i + 1}_W`, `conv${i + 1}_b`]);
  return withHead(flat, body, names, (x) =>
    tf.tidy(() => {
      let h: tfc.Tensor3D = tf.reshape(x, [x.shape[0], inputLength, 1]);
      for (let i = 0; i < layers.length; i++) {
        const [W, b] = [body[2 * i] as tfc.Tensor3D, body[2 * i + 1] as tfc.Tensor1D];
        h = conv1dLayer(tf, h, W, b, { stride: 2, pad: 1, activation: "relu", inputIsData: i === 0 });
      }
      return tf.reshape(h, [x.shape[0], flat]) as tfc.Tensor2D;
    }));
}

/** Copy of every variable's values (for model selection and saving). */
export function snapshot(model: Model): Float32Array[] {
  return model.variables.map((v) => v.dataSync().slice() as Float32Array);
}

/** Restore values saved by snapshot(). */
export function restore(tf: TF, model: Model, values: Float32Array[]): void {
  tf.tidy(() => model.variables.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape))));
}

/** Free the model's variables. */
export function disposeModel(model: Model): void {
  for (const v of model.variables) v.dispose();
}
