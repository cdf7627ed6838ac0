// The models of the study and their registry: linear, the reference MLP (hidden 100 with a
// residual second layer) and the reference CNN (three strided 1-D convolutions, 25 channels), each
// described once as a list of layers. The trainer runs that list directly on tfjs-wasm's heap
// (heap_network.ts); the tfjs forward pass below (ops with gradients, any backend) is built from the
// same list. Each model exposes its embedding (penultimate features) and its last layer (W, b)
// separately, because last-layer methods retrain only (W, b) on frozen embeddings.
import type * as tfc from "@tensorflow/tfjs-core";
import { deriveSeed, uniforms } from "../random/draws.ts";
import { dense } from "./ops/fused_dense.ts";
import { conv1dLayer } from "./ops/conv1d_layer.ts";
import { convLength } from "./kernels/conv1d_layer.ts";

type TF = typeof tfc;

/** Architecture sizes: the MLP's hidden width and the CNN's channels. */
export interface ModelShape {
  hidden: number;
  channels: number;
}

/** A dense layer act(x W + b) (+ x when residual): W [inputs, outputs], b [outputs]. */
export interface DenseSpec {
  readonly op: "dense";
  readonly inputs: number;
  readonly outputs: number;
  readonly relu: boolean;
  readonly residual: boolean;
}

/** A 1-D convolution layer, channels last: x [length, inChannels] -> [outLength, outChannels]. */
export interface Conv1dSpec {
  readonly op: "conv1d";
  readonly length: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  readonly outLength: number;
  readonly relu: boolean;
}

/** One layer; each has two variables, W then b. The last layer of a model is its dense head. */
export type LayerSpec = DenseSpec | Conv1dSpec;

/** Inputs per example of a layer. */
export function layerInputs(l: LayerSpec): number {
  return l.op === "dense" ? l.inputs : l.length * l.inChannels;
}

/** Outputs per example of a layer. */
export function layerOutputs(l: LayerSpec): number {
  return l.op === "dense" ? l.outputs : l.outLength * l.outChannels;
}

/** Shapes of a layer's W and b. */
export function layerParamShapes(l: LayerSpec): [number[], number[]] {
  return l.op === "dense"
    ? [[l.inputs, l.outputs], [l.outputs]]
    : [[l.kernel, l.inChannels, l.outChannels], [l.outChannels]];
}

/** Fan-in of a layer (PyTorch's default initialisation bound is 1 / sqrt of it). */
function fanIn(l: LayerSpec): number {
  return l.op === "dense" ? l.inputs : l.kernel * l.inChannels;
}

const head = (inputs: number, classes: number): DenseSpec => ({
  op: "dense",
  inputs,
  outputs: classes,
  relu: false,
  residual: false,
});

/** A registered architecture: its layers and the names of their variables. */
interface Architecture {
  readonly layers: LayerSpec[];
  readonly names: string[];
}

/** The model registry: each kind's layers for an input length, a class count and a shape. */
export const MODELS = {
  linear: (inputLength: number, classes: number): Architecture => ({
    layers: [head(inputLength, classes)],
    names: ["head_W", "head_b"],
  }),
  mlp: (inputLength: number, classes: number, shape: ModelShape): Architecture => {
    const h = shape.hidden;
    return {
      layers: [
        { op: "dense", inputs: inputLength, outputs: h, relu: true, residual: false },
        { op: "dense", inputs: h, outputs: h, relu: true, residual: true },
        head(h, classes),
      ],
      names: ["W1", "b1", "W2", "b2", "head_W", "head_b"],
    };
  },
  cnn: (inputLength: number, classes: number, shape: ModelShape): Architecture => {
    const c = shape.channels;
    const layers: LayerSpec[] = [];
    let length = inputLength;
    let cin = 1;
    for (const kernel of [5, 3, 3]) {
      const outLength = convLength(length, kernel, 2, 1);
      layers.push({
        op: "conv1d",
        length,
        inChannels: cin,
        outChannels: c,
        kernel,
        stride: 2,
        pad: 1,
        outLength,
        relu: true,
      });
      [length, cin] = [outLength, c];
    }
    layers.push(head(length * c, classes));
    return { layers, names: [...[1, 2, 3].flatMap((i) => [`conv${i}_W`, `conv${i}_b`]), "head_W", "head_b"] };
  },
} as const;

/** The model families. */
export const MODEL_KINDS = Object.keys(MODELS) as (keyof typeof MODELS)[];
export type ModelKind = keyof typeof MODELS;

/** A model: parameters in a fixed order, its layers, its embedding and its head. */
export interface Model {
  readonly kind: ModelKind;
  readonly inputLength: number;
  readonly numClasses: number;
  /** Width of the embedding (the head's input). */
  readonly embeddingSize: number;
  /** The layers, in order; variables 2i and 2i + 1 are layer i's W and b. */
  readonly layers: readonly LayerSpec[];
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

// PyTorch's default initialisation for Linear and Conv1d: weights and biases U(-1/sqrt(fan_in), +).
// (Variables get engine-generated unique names: several models may live at once.)
function param(tf: TF, shape: number[], fan: number, seed: number): tfc.Variable {
  const bound = 1 / Math.sqrt(fan);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tidy(() => tf.variable(tf.tensor(uniforms(n, -bound, bound, seed), shape, "float32"), true));
}

/** Output length of a 1-D convolution (as PyTorch computes it). */

// One layer through the tfjs ops (one engine op each on the wasm backend).
function applyLayer(tf: TF, l: LayerSpec, h: tfc.Tensor, W: tfc.Variable, b: tfc.Variable, first: boolean): tfc.Tensor {
  const n = h.shape[0];
  if (l.op === "dense") {
    return dense(tf, tf.reshape(h, [n, l.inputs]), W as tfc.Tensor2D, b as tfc.Tensor1D, {
      activation: l.relu ? "relu" : "linear",
      residual: l.residual,
      inputIsData: first,
    });
  }
  return conv1dLayer(tf, tf.reshape(h, [n, l.length, l.inChannels]), W as tfc.Tensor3D, b as tfc.Tensor1D, {
    stride: l.stride,
    pad: l.pad,
    activation: l.relu ? "relu" : "linear",
    inputIsData: first,
  });
}

/** Build a freshly initialised model of a registered kind; every parameter's draw is derived from `seed`. */
export function createModel(
  tf: TF,
  kind: ModelKind,
  seed: number,
  inputLength: number,
  numClasses: number,
  shape: ModelShape,
): Model {
  const { layers, names } = MODELS[kind](inputLength, numClasses, shape);
  const variables = layers.flatMap((l, i) =>
    layerParamShapes(l).map((s, j) => param(tf, s, fanIn(l), deriveSeed(seed, 2 * i + j)))
  );
  const body = layers.slice(0, -1);
  const last = layers[layers.length - 1] as DenseSpec;
  const [W, b] = variables.slice(-2);
  const embed = (x: tfc.Tensor2D): tfc.Tensor2D =>
    tf.tidy(() => {
      if (!body.length) return x.clone();
      let h: tfc.Tensor = x;
      body.forEach((l, i) => (h = applyLayer(tf, l, h, variables[2 * i], variables[2 * i + 1], i === 0)));
      return tf.reshape(h, [x.shape[0], last.inputs]) as tfc.Tensor2D;
    });
  return {
    kind,
    inputLength,
    numClasses,
    embeddingSize: last.inputs,
    layers,
    variables,
    names,
    head: { W, b },
    embed,
    logits: (x) => tf.tidy(() => applyLayer(tf, last, embed(x), W, b, !body.length) as tfc.Tensor2D),
  };
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
