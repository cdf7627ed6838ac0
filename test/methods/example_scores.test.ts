// The subsets the label-free methods train on, stated as invariants.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { klRows, labelLoss, lossExtremes, softmaxRows, topK } from "../../src/methods/example_scores.ts";

const labelsAndScores = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.double({ min: -5, max: 5, noNaN: true })),
  {
    minLength: 1,
    maxLength: 120,
  },
);

test("SELF's budget: topK picks exactly min(k, n) distinct rows, and none it leaves out scores higher", () => {
  fc.assert(
    fc.property(labelsAndScores, fc.integer({ min: 0, max: 150 }), (rows, k) => {
      const scores = Float64Array.from(rows, (r) => r[1]);
      const picked = topK(scores, k);
      assert.equal(picked.length, Math.min(k, rows.length));
      assert.equal(new Set(picked).size, picked.length);
      const chosen = new Set(picked);
      const lowestPicked = Math.min(...Array.from(picked, (i) => scores[i]));
      for (let i = 0; i < scores.length; i++) if (!chosen.has(i)) assert.ok(scores[i] <= lowestPicked);
    }),
    { numRuns: 200, seed: 18 },
  );
});

test("EVaLS's sample: per class the k highest- and k lowest-loss rows, 2 min(k, floor(n_c / 2)) of each class", () => {
  fc.assert(
    fc.property(labelsAndScores, fc.integer({ min: 1, max: 40 }), (rows, k) => {
      const y = Int32Array.from(rows, (r) => r[0]);
      const loss = Float64Array.from(rows, (r) => r[1]);
      const picked = lossExtremes(loss, y, 4, k);
      assert.equal(new Set(picked).size, picked.length, "no row twice");
      for (let c = 0; c < 4; c++) {
        const members = Array.from(y.keys()).filter((i) => y[i] === c);
        const take = Math.min(k, Math.floor(members.length / 2));
        const mine = Array.from(picked).filter((i) => y[i] === c);
        assert.equal(mine.length, 2 * take);
        // Every row left out of class c lies between the kept low and high extremes.
        const kept = new Set(mine);
        const sorted = mine.map((i) => loss[i]).sort((a, b) => a - b);
        for (const i of members) {
          if (!kept.has(i) && take > 0) assert.ok(loss[i] >= sorted[take - 1] && loss[i] <= sorted[take]);
        }
      }
    }),
    { numRuns: 200, seed: 19 },
  );
});

test("softmax rows sum to 1; KL of a row with itself is 0 and never negative; label loss is -log p", () => {
  fc.assert(
    fc.property(fc.array(fc.float({ min: -20, max: 20, noNaN: true }), { minLength: 6, maxLength: 6 }), (z) => {
      const logits = Float32Array.from(z);
      const p = softmaxRows(logits, 3);
      for (const i of [0, 3]) assert.ok(Math.abs(p[i] + p[i + 1] + p[i + 2] - 1) < 1e-12);
      const self = klRows(p, p, 3);
      assert.ok(self.every((v) => Math.abs(v) < 1e-12));
      const q = softmaxRows(Float32Array.from([...z.slice(3), ...z.slice(0, 3)]), 3);
      assert.ok(klRows(p, q, 3).every((v) => v >= -1e-12));
      const y = Int32Array.from([1, 2]);
      const loss = labelLoss(p, y, 3);
      assert.ok(Math.abs(loss[0] + Math.log(p[1])) < 1e-9 && Math.abs(loss[1] + Math.log(p[5])) < 1e-9);
    }),
    { numRuns: 200, seed: 20 },
  );
});
