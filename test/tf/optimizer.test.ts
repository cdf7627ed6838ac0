// The one-pass optimizers over a packed parameter vector against their textbook formulas in float64.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tfReady } from "../../src/tf/backend.ts";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type OptimizerSettings, packedOptimizer } from "../../src/tf/optimizer.ts";
import { HeapBlock } from "../../src/tf/heap_network.ts";
import { rand } from "../helpers/tf_compare.ts";

const SETTINGS: OptimizerSettings[] = [
  { kind: "adam", learningRate: 0.01, weightDecay: 0, momentum: 0 },
  { kind: "adam", learningRate: 0.003, weightDecay: 0.1, momentum: 0 },
  { kind: "sgd", learningRate: 0.1, weightDecay: 0.01, momentum: 0.9 },
  { kind: "sgd", learningRate: 0.05, weightDecay: 0, momentum: 0 },
];

/** The same steps in float64 from the formulas (PyTorch's Adam and SGD with L2 weight decay). */
function reference(s: OptimizerSettings, p0: Float32Array, grads: Float32Array[]): Float64Array {
  const p = Float64Array.from(p0);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  grads.forEach((g, t) => {
    for (let i = 0; i < p.length; i++) {
      const d = g[i] + s.weightDecay * p[i];
      if (s.kind === "adam") {
        m[i] = 0.9 * m[i] + 0.1 * d;
        v[i] = 0.999 * v[i] + 0.001 * d * d;
        const mHat = m[i] / (1 - 0.9 ** (t + 1));
        const vHat = v[i] / (1 - 0.999 ** (t + 1));
        p[i] -= (s.learningRate * mHat) / (Math.sqrt(vHat) + 1e-8);
      } else {
        m[i] = s.momentum > 0 ? s.momentum * m[i] + d : d;
        p[i] -= s.learningRate * m[i];
      }
    }
  });
  return p;
}

for (const s of SETTINGS) {
  test(`${s.kind} (lr ${s.learningRate}, wd ${s.weightDecay}, momentum ${s.momentum}) follows its formula over 5 steps`, async () => {
    const tf = await tfReady();
    const size = 23; // not a multiple of four: the scalar tail runs too
    const p0 = rand([size], 1);
    const backend = tf.backend() as unknown as BackendWasm;
    const params = new HeapBlock(backend, size);
    const g = new HeapBlock(backend, size);
    params.f32(0, size).set(p0);
    const opt = packedOptimizer(backend, size, s);
    const grads = Array.from({ length: 5 }, (_, t) => rand([size], 10 + t));
    for (const gt of grads) {
      g.f32(0, size).set(gt);
      opt.step(params.at(0), g.at(0));
    }
    const want = reference(s, p0, grads);
    const got = params.f32(0, size).slice();
    for (let i = 0; i < size; i++) {
      assert.ok(
        Math.abs(got[i] - want[i]) <= 1e-5 * Math.max(1, Math.abs(want[i])),
        `param ${i}: ${got[i]} vs ${want[i]}`,
      );
    }
    opt.dispose();
    params.dispose();
    g.dispose();
  });
}
