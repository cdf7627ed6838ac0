// The pieces of CB-LLR, DPE and logit scaling, stated as invariants.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { classBalancedWeights } from "../../src/methods/balanced_head.ts";
import { balancedBootstrap, normaliseRows } from "../../src/methods/dpe.ts";
import { applyLogitScaling, fitLogitScaling } from "../../src/methods/logit_scale.ts";

const labels = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 200 });

test("class-balanced weights: every present class has the same total, and the mean weight is 1", () => {
  fc.assert(
    fc.property(labels, (ys) => {
      const y = Int32Array.from(ys);
      const w = classBalancedWeights(y, 5);
      const totals = new Map<number, number>();
      y.forEach((c, i) => totals.set(c, (totals.get(c) ?? 0) + w[i]));
      const t = [...totals.values()];
      for (const v of t) assert.ok(Math.abs(v - t[0]) < 1e-9 * y.length);
      assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) / y.length - 1) < 1e-12);
    }),
    { numRuns: 200, seed: 21 },
  );
});

test("DPE's bootstrap draws the smallest class's size from every present class, only of that class", () => {
  fc.assert(
    fc.property(labels, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (ys, seed) => {
      const y = Int32Array.from(ys);
      const rows = balancedBootstrap(y, 5, seed);
      const count = new Map<number, number>();
      for (const c of ys) count.set(c, (count.get(c) ?? 0) + 1);
      const smallest = Math.min(...count.values());
      const drawn = new Map<number, number>();
      for (const r of rows) drawn.set(y[r], (drawn.get(y[r]) ?? 0) + 1);
      assert.deepEqual([...drawn.keys()].sort(), [...count.keys()].sort());
      for (const n of drawn.values()) assert.equal(n, smallest);
      assert.deepEqual(balancedBootstrap(y, 5, seed), rows, "the same seed gives the same sample");
    }),
    { numRuns: 100, seed: 22 },
  );
});

test("DPE's features: each row has mean 0 and length 1 (a constant row becomes 0)", () => {
  fc.assert(
    fc.property(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 8, maxLength: 8 }), (v) => {
      const u = normaliseRows(Float32Array.from(v), 4);
      for (const i of [0, 4]) {
        const row = u.subarray(i, i + 4);
        const mean = row.reduce((a, b) => a + b, 0) / 4;
        const len = Math.hypot(...row);
        assert.ok(Math.abs(mean) < 1e-9);
        assert.ok(Math.abs(len - 1) < 1e-9 || len === 0);
      }
    }),
    { numRuns: 200, seed: 23 },
  );
});

test("logit scaling: s = 1, t = 0 is the identity; fitting lifts a class that ERM's logits short-change", () => {
  const z = Float32Array.from([2, 1, 0.5, 1.5]);
  assert.deepEqual(
    applyLogitScaling(z, { scale: Float64Array.from([1, 1]), offset: Float64Array.from([0, 0]) }),
    z,
  );
  // Class 1 is always scored 1 below where it should be: every row is predicted class 0.
  const n = 200;
  const logits = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const margin = (i % 7) / 7; // the true class leads by [0, 1) before the shift
    logits[2 * i + y[i]] = margin;
    if (y[i] === 1) logits[2 * i + 1] -= 1;
  }
  const before = Array.from(y.keys()).filter((i) => y[i] === 1 && logits[2 * i + 1] > logits[2 * i]).length;
  const fit = fitLogitScaling(logits, y, 2, 300, 0.05);
  const scaled = applyLogitScaling(logits, fit);
  const after = Array.from(y.keys()).filter((i) => y[i] === 1 && scaled[2 * i + 1] > scaled[2 * i]).length;
  assert.equal(before, 0);
  assert.ok(after > 50, `class 1 now right on ${after} of 100 rows`);
});
