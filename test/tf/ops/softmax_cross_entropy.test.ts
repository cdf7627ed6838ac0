// The fused training loss against stock tfjs ops on the cpu backend: the mean weighted
// cross-entropy and its gradient agree, on both backends it is registered for.
import { test } from "node:test";
import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import { tfReady } from "../../../src/tf/backend.ts";
import { softmaxCrossEntropy } from "../../../src/tf/ops/softmax_cross_entropy.ts";
import { assertClose, onBoth, rand } from "../../helpers/tf_compare.ts";

type TF = typeof tfc;

function stockLoss(tf: TF, z: tfc.Tensor2D, y: tfc.Tensor1D, w?: tfc.Tensor1D): tfc.Scalar {
  const ce = tf.neg(tf.sum(tf.mul(tf.logSoftmax(z), tf.oneHot(y, z.shape[1])), 1));
  return tf.mean(w ? tf.mul(ce, w) : ce) as tfc.Scalar;
}

for (const weighted of [false, true]) {
  test(`softmax cross-entropy ${weighted ? "with" : "without"} weights: loss and 3 x gradient match stock ops`, async () => {
    const tf = await tfReady();
    const [n, c] = [37, 10];
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % c);
    const make = (f: (z: tfc.Tensor2D, y: tfc.Tensor1D, w?: tfc.Tensor1D) => tfc.Scalar) => () => {
      const z = tf.mul(tf.tensor2d(rand([n, c], 1), [n, c]), 6) as tfc.Tensor2D;
      const y = tf.tensor1d(labels, "int32");
      const w = weighted ? tf.add(tf.tensor1d(rand([n], 2)), 1) as tfc.Tensor1D : undefined;
      const g = tf.grad((v: tfc.Tensor) => tf.mul(f(v as tfc.Tensor2D, y, w), 3))(z);
      return tf.concat([f(z, y, w).reshape([1]), g.flatten()]);
    };
    const [expected, got] = await onBoth(
      tf,
      make((z, y, w) => stockLoss(tf, z, y, w)),
      make((z, y, w) => softmaxCrossEntropy(tf, z, y, w)),
    );
    assertClose(expected, got, "loss and gradient");
    // The same kernel on the cpu backend gives the same values.
    const [, onCpu] = await onBoth(tf, make((z, y, w) => softmaxCrossEntropy(tf, z, y, w)));
    assertClose(expected, onCpu, "cpu kernel");
  });
}

test("softmax cross-entropy rejects a label outside the classes, naming the row", async () => {
  const tf = await tfReady();
  const z = tf.zeros([3, 4]) as tfc.Tensor2D;
  const y = tf.tensor1d([0, 4, 1], "int32");
  assert.throws(() => softmaxCrossEntropy(tf, z, y), /label 4 of row 1 is not in \[0, 4\)/);
  tf.dispose([z, y]);
});
