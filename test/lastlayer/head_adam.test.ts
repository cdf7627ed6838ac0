// The WebAssembly Adam loop (float32 products) follows the float64 JS descent it replaced: the same
// objective, update and Group DRO weights, to float32 precision; its predictions are the argmax of
// the head's logits. Shapes cover every kernel path: rows not a multiple of four, d not a multiple
// of four, class counts whose padded width takes the three-vector tile, one-vector tail or both,
// and features read dense or compressed (half of them zero, as after a ReLU).
import { test } from "node:test";
import assert from "node:assert/strict";
import { type FeatureLayout, HeadAdam } from "../../src/lastlayer/head_adam.ts";
import { descend } from "../../src/lastlayer/descent.ts";
import { type Head, headLogits, LogregProblem } from "../../src/lastlayer/problem.ts";
import { groupMeans, updateGroupWeights } from "../../src/methods/group_dro.ts";
import { uniforms } from "../../src/random/draws.ts";

const LAYOUTS: FeatureLayout[] = ["dense", "sparse"];

function data(n: number, d: number, k: number, seed: number) {
  // Half the features zero, as in embeddings after a ReLU.
  const x = Float32Array.from(uniforms(n * d, -1, 1, seed), (v) => Math.max(v, 0));
  const y = Int32Array.from({ length: n }, (_, i) => (i * 5 + (x[i * d] > 0 ? 1 : 0)) % k);
  const head = {
    W: Float64Array.from(uniforms(d * k, -0.3, 0.3, seed + 1)),
    b: Float64Array.from(uniforms(k, -0.3, 0.3, seed + 2)),
  };
  return { x, y, head };
}

function maxDiff(a: Head, b: Head): number {
  let m = 0;
  a.W.forEach((v, i) => (m = Math.max(m, Math.abs(v - b.W[i]))));
  a.b.forEach((v, i) => (m = Math.max(m, Math.abs(v - b.b[i]))));
  return m;
}

for (
  const [n, d, k, layout] of LAYOUTS.flatMap((l) =>
    [[157, 9, 4, l], [203, 16, 10, l], [61, 7, 13, l], [40, 4, 2, l]] as const
  )
) {
  test(`fixed weights with an anchor pull: the same path as the float64 descent (n ${n}, d ${d}, k ${k}, ${layout})`, () => {
    const { x, y, head } = data(n, d, k, n + d);
    const w = Float64Array.from(uniforms(n, 0, 2 / n, 11));
    const anchor = { W: head.W.map((v) => v * 0.5), b: head.b.map((v) => v + 0.1) };
    const o = { steps: 60, learningRate: 0.02, lambda: 0.3, anchor };
    const ref = descend(new LogregProblem(Float64Array.from(x), y, d, k, w), head, o);
    const fast = new HeadAdam(x, y, d, k, undefined, layout);
    assert.equal(fast.sparse, layout === "sparse");
    fast.setWeights(w);
    const checks: number[] = [];
    const got = fast.run(head, { ...o, every: 25, onCheck: (s) => checks.push(s) });
    assert.deepEqual(checks, [25, 50, 60]);
    // Adam moves each coordinate by about the learning rate per step: 60 steps go 1.2 at most.
    assert.ok(maxDiff(ref, head) > 0.1, "the head moved");
    assert.ok(maxDiff(got, ref) < 1e-5, `max |fast - float64| = ${maxDiff(got, ref)}`);
    // A second run starts afresh (Adam's moments and bias corrections reset).
    assert.deepEqual(fast.run(head, o), got);
  });
}

for (const layout of LAYOUTS) {
  test(`online Group DRO weights in the loop: the same path and q as the JS update (${layout})`, () => {
    const n = 203;
    const d = 16;
    const k = 10;
    const numGroups = 7;
    const { x, y, head } = data(n, d, k, 5);
    // Group 6 is empty: it keeps weight 0.
    const groups = Int32Array.from({ length: n }, (_, i) => (i * 3 + y[i]) % 6);
    const eta = 0.5;
    const steps = 40;
    const problem = new LogregProblem(Float64Array.from(x), y, d, k);
    const { count, present } = groupMeans(new Float64Array(n), groups, numGroups);
    const q = Float64Array.from(present, (p) => (p ? 1 / 6 : 0));
    const ref = descend(problem, head, {
      steps,
      learningRate: 0.02,
      reweight: (_, h) => {
        const m = groupMeans(problem.perExampleLoss(h), groups, numGroups);
        updateGroupWeights(q, m.mean, m.present, eta);
        return Float64Array.from(groups, (g) => q[g] / count[g]);
      },
    });
    const fast = new HeadAdam(x, y, d, k, undefined, layout);
    fast.setGroups(groups, numGroups);
    const got = fast.run(head, { steps, learningRate: 0.02, eta });
    assert.ok(maxDiff(got, ref) < 1e-5, `max |fast - float64| = ${maxDiff(got, ref)}`);
    const qFast = fast.groupWeights();
    qFast.forEach((v, g) => assert.ok(Math.abs(v - q[g]) < 1e-5 * Math.max(q[g], 1e-3), `q[${g}] ${v} vs ${q[g]}`));
    assert.equal(qFast[6], 0);
    assert.ok(Math.abs(qFast.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(Math.max(...q) > 1.2 / 6, "q moved away from uniform");
  });
}

for (const layout of LAYOUTS) {
  test(`predictions on the held rows are the argmax of the current head's logits (${layout})`, () => {
    const d = 13;
    const k = 10;
    const { x, y, head } = data(90, d, k, 21);
    const evalX = Float32Array.from(uniforms(1001 * d, -1, 1, 22), (v) => Math.max(v, 0));
    const fast = new HeadAdam(x, y, d, k, evalX, layout);
    const h = fast.run(head, { steps: 5, learningRate: 0.05 });
    const logits = headLogits(evalX, d, h);
    const pred = fast.predictEval();
    assert.equal(pred.length, 1001);
    let checked = 0;
    for (let i = 0; i < 1001; i++) {
      const row = Array.from(logits.subarray(i * k, (i + 1) * k));
      const sorted = [...row].sort((a, b) => b - a);
      if (sorted[0] - sorted[1] < 1e-4) continue; // float32 products may order a near tie differently
      assert.equal(pred[i], row.indexOf(sorted[0]), `row ${i}`);
      checked++;
    }
    assert.ok(checked > 950, `${checked} rows without a near tie`);
  });
}

test("the layout chosen by default: compressed for features with many zeros, dense otherwise", () => {
  const { x, y } = data(50, 6, 3, 8);
  assert.equal(new HeadAdam(x, y, 6, 3).sparse, true);
  assert.equal(new HeadAdam(x.map((v) => v + 1), y, 6, 3).sparse, false);
});

test("bad shapes, labels and groups are refused", () => {
  const { x, y } = data(20, 5, 3, 1);
  assert.throws(() => new HeadAdam(x.subarray(1), y, 5, 3), /expected 20 x 5/);
  assert.throws(() => new HeadAdam(x, Int32Array.from(y, (v) => v + 3), 5, 3), /label 3 not in/);
  assert.throws(() => new HeadAdam(x, y, 5, 3, new Float32Array(7)), /not rows of 5/);
  const h = new HeadAdam(x, y, 5, 3);
  assert.throws(() => h.setGroups(new Int32Array(20).fill(4), 4), /group 4 not in/);
  assert.throws(() => h.setWeights(new Float64Array(3)), /3 weights for 20/);
  assert.throws(
    () => h.run({ W: new Float64Array(14), b: new Float64Array(3) }, { steps: 1, learningRate: 0.1 }),
    /shape/,
  );
});
