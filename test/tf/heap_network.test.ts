// The heap network (each training step as direct kernel calls on tfjs-wasm's memory) against the
// tfjs ops' path with its tape, which the op tests check against stock tfjs: the same loss, the same
// gradients and the same predictions, bit for bit, for every model kind and a short batch.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { tfReady } from "../../src/tf/backend.ts";
import { createModel, disposeModel, MODEL_KINDS } from "../../src/tf/models.ts";
import { HeapBlock, HeapNetwork } from "../../src/tf/heap_network.ts";
import { softmaxCrossEntropy } from "../../src/tf/ops/softmax_cross_entropy.ts";
import { predictEmbeddings, predictLogits } from "../../src/tf/trainer.ts";
import { rand } from "../helpers/tf_compare.ts";

const F = 40;

for (const kind of MODEL_KINDS) {
  test(`${kind}: one step's loss and gradients on the heap equal the tape's, bit for bit`, async () => {
    const tf = await tfReady();
    const backend = tf.backend() as unknown as BackendWasm;
    const model = createModel(tf, kind, 7, F, 10, { hidden: 36, channels: 7 });
    const rows = 29; // fewer than the network's 50 rows, and not a multiple of four
    const x = rand([rows, F], 3);
    const y = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 10);
    const w = rand([rows], 4).map((v) => v + 1);
    const want = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => softmaxCrossEntropy(tf, model.logits(tf.tensor2d(x, [rows, F])), tf.tensor1d(y, "int32"), tf.tensor1d(w)),
        model.variables,
      );
      return { loss: value.dataSync()[0], grads: model.variables.map((v) => grads[v.name].dataSync().slice()) };
    });
    const net = new HeapNetwork(backend, model.layers, 50, true);
    const { offsets, sizes, total } = net.layout;
    const data = new HeapBlock(backend, rows * F + 2 * rows);
    const params = new HeapBlock(backend, total);
    const grads = new HeapBlock(backend, total);
    model.variables.forEach((v, i) => params.f32(offsets[i], sizes[i]).set(v.dataSync()));
    data.f32(0, rows * F).set(x);
    data.i32(rows * F, rows).set(y);
    data.f32(rows * F + rows, rows).set(w);
    net.forward(params.at(0), data.at(0), rows);
    const loss = Math.fround(net.loss(data.at(rows * F), data.at(rows * F + rows), rows));
    net.backward(params.at(0), grads.at(0), data.at(0), rows);
    assert.equal(loss, want.loss, "loss");
    want.grads.forEach((g, i) => assert.deepEqual(grads.f32(offsets[i], sizes[i]), g, model.names[i]));
    [net, data, params, grads].forEach((b) => b.dispose());
    disposeModel(model);
  });

  test(`${kind}: predictions on the heap equal the tfjs ops', bit for bit`, async () => {
    const tf = await tfReady();
    const model = createModel(tf, kind, 8, F, 10, { hidden: 20, channels: 6 });
    const n = 4099; // one more than a full chunk of 4096, and then some
    const x = rand([n, F], 5);
    const [logits, embeddings] = tf.tidy(() => {
      const xt = tf.tensor2d(x, [n, F]);
      return [model.logits(xt).dataSync().slice(), model.embed(xt).dataSync().slice()];
    });
    assert.deepEqual(predictLogits(tf, model, x, F), logits);
    assert.deepEqual(predictEmbeddings(tf, model, x, F), embeddings);
    disposeModel(model);
  });
}
