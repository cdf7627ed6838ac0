// The WASM group metrics against a plain TypeScript implementation on random inputs, and their
// definitions on small hand-checked cases.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { groupMetrics } from "../../src/metrics/group_metrics.ts";
import { plainGroupMetrics } from "../helpers/plain_metrics.ts";

const inputArb = fc
  .record({
    n: fc.integer({ min: 1, max: 300 }),
    c: fc.integer({ min: 2, max: 13 }),
    g: fc.integer({ min: 1, max: 40 }),
  })
  .chain(({ n, c, g }) =>
    fc.record({
      c: fc.constant(c),
      g: fc.constant(g),
      labels: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }).map((v) =>
        Int32Array.from(v)
      ),
      groups: fc.array(fc.integer({ min: 0, max: g - 1 }), { minLength: n, maxLength: n }).map((v) =>
        Int32Array.from(v)
      ),
      logits: fc.array(fc.float({ min: -30, max: 30, noNaN: true }), { minLength: n * c, maxLength: n * c })
        .map((v) => Float32Array.from(v)),
    })
  );

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test("from logits: counts and correct match exactly; losses to 1e-5, ECE to 1e-5 (+2/n per example on a bin edge)", () => {
  fc.assert(
    fc.property(inputArb, ({ c, g, labels, groups, logits }) => {
      const ours = groupMetrics({ labels, groups, numGroups: g, numClasses: c, logits });
      const plain = plainGroupMetrics(labels, groups, g, c, logits);
      for (let k = 0; k < g; k++) {
        assert.equal(ours.groups[k].count, plain.groupCount[k]);
        assert.equal(ours.groups[k].correct, plain.groupCorrect[k]);
        if (plain.groupCount[k] > 0) {
          assert.ok(
            close(ours.groups[k].meanLoss! * plain.groupCount[k], plain.groupLoss[k], 1e-5),
            `loss of group ${k}`,
          );
        }
      }
      for (let k = 0; k < c; k++) assert.equal(ours.classes[k].correct, plain.classCorrect[k]);
      assert.equal(ours.averageAccuracy, plain.averageAccuracy);
      assert.equal(ours.worstGroupAccuracy, plain.worstGroupAccuracy);
      assert.ok(close(ours.meanLoss!, plain.meanLoss, 1e-5));
      // An example whose confidence sits on a bin edge may fall on either side with another exp;
      // moving one example changes the ECE by at most 2 / n.
      const tolerance = 1e-5 + (2 * plain.nearBinEdge) / labels.length;
      assert.ok(Math.abs(ours.ece! - plain.ece) <= tolerance, `ece ${ours.ece} vs ${plain.ece}`);
    }),
    { numRuns: 200, seed: 99 },
  );
});

test("from predicted labels: the same tallies as from the logits they come from", () => {
  fc.assert(
    fc.property(inputArb, ({ c, g, labels, groups, logits }) => {
      const predictions = Int32Array.from({ length: labels.length }, (_, i) => {
        const row = Array.from(logits.subarray(i * c, (i + 1) * c));
        return row.indexOf(Math.max(...row));
      });
      const a = groupMetrics({ labels, groups, numGroups: g, numClasses: c, predictions });
      const b = groupMetrics({ labels, groups, numGroups: g, numClasses: c, logits });
      assert.deepEqual(a.groups.map((s) => [s.count, s.correct]), b.groups.map((s) => [s.count, s.correct]));
      assert.equal(a.worstClassAccuracy, b.worstClassAccuracy);
      assert.equal(a.meanLoss, undefined);
    }),
    { numRuns: 100, seed: 5 },
  );
});

test("definitions on a hand-checked case", () => {
  // Two classes, four groups (y, a). Group 0: 2/2 right, group 1: 1/2, group 2: 0/1, group 3 empty.
  const labels = Int32Array.from([0, 0, 0, 0, 1]);
  const groups = Int32Array.from([0, 0, 1, 1, 2]);
  const predictions = Int32Array.from([0, 0, 0, 1, 0]);
  const m = groupMetrics({ labels, groups, numGroups: 4, numClasses: 2, predictions, trainGroupCounts: [90, 5, 4, 1] });
  assert.equal(m.averageAccuracy, 3 / 5);
  assert.equal(m.worstGroupAccuracy, 0);
  assert.equal(m.worstGroup, 2);
  assert.equal(m.meanGroupAccuracy, (1 + 0.5 + 0) / 3);
  assert.equal(m.emptyGroups, 1);
  assert.equal(m.worstClassAccuracy, 0);
  assert.equal(m.worstClass, 1);
  assert.ok(close(m.trainWeightedAccuracy!, (90 * 1 + 5 * 0.5 + 4 * 0) / 99, 1e-15));
});

test("ECE of a perfectly calibrated and of an overconfident predictor", () => {
  // Confidence ~1 and always right: ECE ~0. Confidence ~1 and always wrong: ECE ~1.
  const labels = Int32Array.from([0, 1, 0, 1]);
  const groups = new Int32Array(4);
  const right = Float32Array.from([20, 0, 0, 20, 20, 0, 0, 20]);
  const wrong = Float32Array.from([0, 20, 20, 0, 0, 20, 20, 0]);
  assert.ok(groupMetrics({ labels, groups, numGroups: 1, numClasses: 2, logits: right }).ece! < 1e-6);
  assert.ok(groupMetrics({ labels, groups, numGroups: 1, numClasses: 2, logits: wrong }).ece! > 1 - 1e-6);
});

test("out-of-range labels or groups are rejected, naming the example", () => {
  const call = (labels: number[], groups: number[]) =>
    groupMetrics({
      labels: Int32Array.from(labels),
      groups: Int32Array.from(groups),
      numGroups: 2,
      numClasses: 2,
      predictions: new Int32Array(labels.length),
    });
  assert.throws(() => call([0, 1, 2], [0, 0, 0]), /example 2 has label 2 \(expected 0\.\.1\)/);
  assert.throws(() => call([0, 1, 1], [0, -1, 0]), /example 1 has label 1 .* group -1 \(expected 0\.\.1\)/);
  assert.throws(() => call([0], [0, 1]), /2 group ids for 1 labels/);
});

test("inputs larger than one kernel chunk give the same tallies as the plain loop", () => {
  const n = 300_000;
  const c = 10;
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % c);
  const groups = Int32Array.from({ length: n }, (_, i) => (i * 13) % 37);
  const predictions = Int32Array.from({ length: n }, (_, i) => (i * 3) % c);
  const ours = groupMetrics({ labels, groups, numGroups: 37, numClasses: c, predictions });
  const plain = plainGroupMetrics(labels, groups, 37, c, undefined, predictions);
  assert.deepEqual(ours.groups.map((s) => s.correct), plain.groupCorrect);
  assert.equal(ours.averageAccuracy, plain.averageAccuracy);
});
