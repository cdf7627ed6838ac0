// The fused dense layer (one engine op forward, one backward on wasm) against the same layer built
// from stock tfjs ops on the cpu backend: outputs and the gradients of x, W and b agree to 1e-4.
import { test } from "node:test";
import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import { tfReady } from "../../../src/tf/backend.ts";
import { composedDense, dense, type DenseOptions } from "../../../src/tf/ops/fused_dense.ts";
import { assertClose, onBoth, rand } from "../../helpers/tf_compare.ts";

const CASES: { n: number; k: number; m: number; options: DenseOptions }[] = [
  { n: 100, k: 40, m: 100, options: { activation: "relu", inputIsData: true } }, // the MLP's layers
  { n: 100, k: 100, m: 100, options: { activation: "relu", residual: true } },
  { n: 100, k: 100, m: 10, options: {} },
  { n: 7, k: 5, m: 3, options: { activation: "relu" } },
  { n: 1, k: 9, m: 9, options: { activation: "relu", residual: true } },
  { n: 13, k: 6, m: 11, options: { activation: "linear", inputIsData: true } },
];

test("dense forward and gradients (x, W, b) on wasm match stock ops on cpu", async () => {
  const tf = await tfReady();
  for (const [i, { n, k, m, options }] of CASES.entries()) {
    const attrs = { activation: options.activation ?? "linear", residual: options.residual ?? false };
    // Some outputs exactly zero before the ReLU would make the mask ambiguous; shift the bias off them.
    const make = (f: (x: tfc.Tensor2D, W: tfc.Tensor2D, b: tfc.Tensor1D) => tfc.Tensor2D) => () => {
      const x = tf.tensor2d(rand([n, k], 10 + i), [n, k]);
      const W = tf.tensor2d(rand([k, m], 20 + i), [k, m]);
      const b = tf.tensor1d(rand([m], 30 + i));
      const r = tf.tensor2d(rand([n, m], 40 + i), [n, m]);
      const loss = (a: tfc.Tensor, w: tfc.Tensor, c: tfc.Tensor) =>
        tf.sum(tf.mul(f(a as tfc.Tensor2D, w as tfc.Tensor2D, c as tfc.Tensor1D), r));
      const grads = tf.grads(loss)([x, W, b]);
      return tf.concat([f(x, W, b).flatten(), ...grads.map((g) => g.flatten())]);
    };
    const [expected, got] = await onBoth(
      tf,
      make((x, W, b) => composedDense(tf, x, W, b, attrs)),
      make((x, W, b) => dense(tf, x, W, b, options)),
    );
    assertClose(expected, got, `case ${i} ${JSON.stringify({ n, k, m, options })}`);
  }
});

test("dense runs as one engine op forward and one backward on wasm", async () => {
  const tf = await tfReady();
  const x = tf.tensor2d(rand([8, 6], 1), [8, 6]);
  const W = tf.variable(tf.tensor2d(rand([6, 6], 2), [6, 6]));
  const b = tf.variable(tf.tensor1d(rand([6], 3)));
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(dense(tf, x, W, b, { activation: "relu", residual: true })),
      [W, b],
    );
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
  });
  const names = profile.kernels.map((k) => k.name);
  assert.equal(names.filter((n) => n.startsWith("Spurious1dDense")).length, 2, names.join(","));
  assert.ok(!names.includes("BatchMatMul") && !names.includes("Transpose"), names.join(","));
  tf.dispose([x, W, b]);
});

test("dense rejects a residual layer whose output width differs from its input", async () => {
  const tf = await tfReady();
  const x = tf.zeros([2, 3]) as tfc.Tensor2D;
  const W = tf.zeros([3, 4]) as tfc.Tensor2D;
  const b = tf.zeros([4]) as tfc.Tensor1D;
  assert.throws(
    () => dense(tf, x, W, b, { activation: "relu", residual: true }),
    /residual layer needs as many outputs as inputs/,
  );
  assert.throws(() => dense(tf, x, W, b, { residual: true }), /residual/);
  tf.dispose([x, W, b]);
});
