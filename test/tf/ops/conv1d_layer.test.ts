// The fused 1-D convolution layer (one engine op forward, one backward on wasm) against tfjs's own
// conv1d + bias + ReLU on the cpu backend: outputs and the gradients of x, W and b agree to 1e-4.
import { test } from "node:test";
import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import { tfReady } from "../../../src/tf/backend.ts";
import { composedConv1d, conv1dLayer, type Conv1dOptions } from "../../../src/tf/ops/conv1d_layer.ts";
import { assertClose, onBoth, rand } from "../../helpers/tf_compare.ts";

const CASES: { n: number; len: number; cin: number; cout: number; kw: number; options: Conv1dOptions }[] = [
  { n: 10, len: 40, cin: 1, cout: 25, kw: 5, options: { stride: 2, pad: 1, activation: "relu", inputIsData: true } },
  { n: 10, len: 19, cin: 25, cout: 25, kw: 3, options: { stride: 2, pad: 1, activation: "relu" } }, // the CNN's layers
  { n: 10, len: 10, cin: 25, cout: 25, kw: 3, options: { stride: 2, pad: 1, activation: "relu" } },
  { n: 3, len: 11, cin: 3, cout: 5, kw: 4, options: { stride: 3, pad: 2 } },
  { n: 2, len: 7, cin: 6, cout: 9, kw: 1, options: { activation: "relu" } },
  { n: 1, len: 9, cin: 2, cout: 3, kw: 3, options: { stride: 1, pad: 0, activation: "relu" } },
  { n: 1, len: 3, cin: 2, cout: 30, kw: 3, options: { stride: 2, pad: 0, activation: "relu" } }, // fewer rows than outputs
];

test("conv1d layer forward and gradients (x, W, b) on wasm match stock ops on cpu", async () => {
  const tf = await tfReady();
  for (const [i, { n, len, cin, cout, kw, options }] of CASES.entries()) {
    const attrs = { stride: options.stride ?? 1, pad: options.pad ?? 0, activation: options.activation ?? "linear" };
    const make = (f: (x: tfc.Tensor3D, W: tfc.Tensor3D, b: tfc.Tensor1D) => tfc.Tensor3D) => () => {
      const x = tf.tensor3d(rand([n, len, cin], 10 + i), [n, len, cin]);
      const W = tf.tensor3d(rand([kw, cin, cout], 20 + i), [kw, cin, cout]);
      const b = tf.tensor1d(rand([cout], 30 + i));
      const out = f(x, W, b);
      const r = tf.tensor(rand(out.shape, 40 + i), out.shape);
      const loss = (a: tfc.Tensor, w: tfc.Tensor, c: tfc.Tensor) =>
        tf.sum(tf.mul(f(a as tfc.Tensor3D, w as tfc.Tensor3D, c as tfc.Tensor1D), r));
      const grads = tf.grads(loss)([x, W, b]);
      return tf.concat([out.flatten(), ...grads.map((g) => g.flatten())]);
    };
    const [expected, got] = await onBoth(
      tf,
      make((x, W, b) => composedConv1d(tf, x, W, b, attrs)),
      make((x, W, b) => conv1dLayer(tf, x, W, b, options)),
    );
    assertClose(expected, got, `case ${i} ${JSON.stringify({ n, len, cin, cout, kw, options })}`);
  }
});

test("conv1d layer checks that x's channels match the filter's", async () => {
  const tf = await tfReady();
  const x = tf.zeros([2, 8, 3]) as tfc.Tensor3D;
  const W = tf.zeros([3, 4, 5]) as tfc.Tensor3D;
  const b = tf.zeros([5]) as tfc.Tensor1D;
  assert.throws(() => conv1dLayer(tf, x, W, b), /x has 3 channels but W expects 4/);
  tf.dispose([x, W, b]);
});
