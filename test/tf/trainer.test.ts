// The trainer: deterministic weights, no tensor leaks, a clear stop on divergence, model selection,
// per-example weights, validation of its config, and embeddings that the head maps to the logits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tfReady } from "../../src/tf/backend.ts";
import { evaluate, predictEmbeddings, predictLogits, train, TrainingDiverged } from "../../src/tf/trainer.ts";
import { resolveTrainConfig } from "../../src/tf/train_config.ts";
import { disposeModel, snapshot } from "../../src/tf/models.ts";
import { makeMnist1d } from "../../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../../src/data/mnist1d_args.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { sha256 } from "../helpers/hash.ts";
import { MNIST1D_CLASSES } from "../../src/data/mnist1d_args.ts";

const data = async () => {
  const ds = await makeMnist1d(resolveMnist1dArgs({ numSamples: 1000 }));
  return {
    train: { x: ds.x32, y: ds.y, seqLength: 40, numClasses: MNIST1D_CLASSES },
    test: { x: ds.xTest32, y: ds.yTest },
  };
};

const weightsHash = (values: Float32Array[]) => sha256(Float32Array.from(values.flatMap((v) => Array.from(v))));

test("the same config and seed give bitwise identical weights; another seed does not", async () => {
  const tf = await tfReady();
  const d = await data();
  for (const model of ["linear", "mlp", "cnn"] as const) {
    const cfg = resolveTrainConfig({ model, steps: 30, batchSize: 50, batchOrder: "shuffled", seed: 3 });
    const a = train(tf, { config: cfg, data: d.train });
    const b = train(tf, { config: cfg, data: d.train });
    const c = train(tf, { config: { ...cfg, seed: 4 }, data: d.train });
    assert.equal(weightsHash(snapshot(a.model)), weightsHash(snapshot(b.model)), model);
    assert.notEqual(weightsHash(snapshot(a.model)), weightsHash(snapshot(c.model)), model);
    [a, b, c].forEach((r) => disposeModel(r.model));
  }
});

test("training and evaluation leak no tensors", async () => {
  const tf = await tfReady();
  const d = await data();
  for (const model of ["linear", "mlp", "cnn"] as const) {
    const before = tf.memory().numTensors;
    const r = train(tf, {
      config: resolveTrainConfig({ model, steps: 20, batchSize: 64, evalEvery: 5, selectBy: "accuracy" }),
      data: d.train,
      val: d.test,
    });
    evaluate(tf, r.model, d.test, 40);
    predictEmbeddings(tf, r.model, d.test.x, 40);
    disposeModel(r.model);
    assert.equal(tf.memory().numTensors, before, model);
  }
});

test("a diverging run stops with an error naming the step", async () => {
  const tf = await tfReady();
  const d = await data();
  const x = d.train.x.slice();
  x[123] = NaN;
  assert.throws(
    () =>
      train(tf, { config: resolveTrainConfig({ model: "mlp", steps: 50, batchSize: 100 }), data: { ...d.train, x } }),
    (e: unknown) => e instanceof TrainingDiverged && e.step === 0 && /loss is NaN at step 0/.test(e.message),
  );
});

test("embeddings times the head plus bias are the logits", async () => {
  const tf = await tfReady();
  const d = await data();
  for (const model of ["mlp", "cnn"] as const) {
    const r = train(tf, { config: resolveTrainConfig({ model, steps: 5 }), data: d.train });
    const emb = predictEmbeddings(tf, r.model, d.test.x, 40);
    const logits = predictLogits(tf, r.model, d.test.x, 40);
    const W = r.model.head.W.dataSync();
    const b = r.model.head.b.dataSync();
    const e = r.model.embeddingSize;
    for (const i of [0, 17, 199]) {
      for (let c = 0; c < 10; c++) {
        let v = b[c];
        for (let j = 0; j < e; j++) v += emb[i * e + j] * W[j * 10 + c];
        assert.ok(Math.abs(v - logits[i * 10 + c]) < 1e-4 * (1 + Math.abs(v)), `${model} row ${i} class ${c}`);
      }
    }
    disposeModel(r.model);
  }
});

test("model selection keeps the evaluated step with the best validation score", async () => {
  const tf = await tfReady();
  const d = await data();
  const r = train(tf, {
    config: resolveTrainConfig({ model: "mlp", steps: 60, evalEvery: 10, selectBy: "accuracy" }),
    data: d.train,
    val: d.test,
  });
  const best = r.history.reduce((a, p) => (p.accuracy! > a.accuracy! ? p : a));
  assert.equal(r.selectedStep, best.step);
  assert.equal(evaluate(tf, r.model, d.test, 40).averageAccuracy, best.accuracy);
  disposeModel(r.model);
});

test("zero loss weights on a class make training ignore it", async () => {
  const tf = await tfReady();
  const d = await data();
  const weights = Float32Array.from(d.train.y, (y) => (y === 3 ? 0 : 1));
  const r = train(tf, {
    config: resolveTrainConfig({ model: "linear", steps: 300, learningRate: 0.05 }),
    data: { ...d.train, weights },
  });
  const m = evaluate(tf, r.model, d.test, 40);
  assert.ok(m.classes[3].accuracy < 0.05, `class 3 accuracy ${m.classes[3].accuracy}`);
  disposeModel(r.model);
});

const BAD: [Record<string, unknown>, string, RegExp][] = [
  [{ learningRate: 0 }, "learningRate", /> 0, got 0/],
  [{ learningRate: -1 }, "learningRate", /> 0, got -1/],
  [{ batchSize: 801 }, "batchSize", /at most the 800 training examples, got 801/],
  [{ model: "transformer" }, "model", /one of "linear", "mlp", "cnn", got "transformer"/],
  [{ optimizer: "lbfgs" }, "optimizer", /one of "adam", "sgd", got "lbfgs"/],
];
for (const [given, path, message] of BAD) {
  test(`training config rejects ${JSON.stringify(given)}, naming ${path}`, () => {
    assert.throws(
      () => resolveTrainConfig(given, 800),
      (e: unknown) => e instanceof ConfigError && e.path === path && message.test(e.message),
    );
  });
}
