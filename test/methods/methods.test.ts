// Each method's defining property, and end to end on a strongly spurious setting: DFR's
// worst-group accuracy beats ERM's.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { afrWeights, labelProbabilities, weightDiagnostics } from "../../src/methods/afr.ts";
import { exampleWeights, groupMeans, updateGroupWeights } from "../../src/methods/group_dro.ts";
import { METHODS } from "../../src/methods/registry.ts";
import { tfReady } from "../../src/tf/backend.ts";
import { makeSplits, SPLIT_DEFAULTS } from "../../src/data/splits.ts";
import { resolveSpuriousFeature } from "../../src/data/spurious_config.ts";
import { resolveTrainConfig } from "../../src/tf/train_config.ts";
import { makeContext } from "../../src/methods/context.ts";
import { groupMetrics } from "../../src/metrics/group_metrics.ts";

test("AFR weights sum to 1, give every class the same total, and fall as p rises", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 4 })), {
        minLength: 1,
        maxLength: 200,
      }),
      fc.double({ min: 0.1, max: 30, noNaN: true }),
      (rows, gamma) => {
        const p = Float64Array.from(rows, (r) => r[0]);
        const y = Int32Array.from(rows, (r) => r[1]);
        const w = afrWeights(p, y, 5, gamma);
        assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-9);
        const totals = new Map<number, number>();
        y.forEach((c, i) => totals.set(c, (totals.get(c) ?? 0) + w[i]));
        for (const t of totals.values()) assert.ok(Math.abs(t - 1 / totals.size) < 1e-9);
        for (let i = 0; i < y.length; i++) {
          for (let j = 0; j < y.length; j++) {
            if (y[i] === y[j] && p[i] < p[j]) assert.ok(w[i] >= w[j], "a more confident example never weighs more");
          }
        }
      },
    ),
    { numRuns: 100, seed: 8 },
  );
});

test("the effective sample size is n for equal weights and 1 for a single weight", () => {
  assert.ok(
    Math.abs(weightDiagnostics(new Float64Array(10).fill(0.1), new Int32Array(10), 1).effectiveSampleSize - 10) < 1e-9,
  );
  assert.equal(weightDiagnostics(Float64Array.from([1, 0, 0]), new Int32Array(3), 1).effectiveSampleSize, 1);
});

test("label probabilities are the softmax of the label's logit", () => {
  const p = labelProbabilities(Float32Array.from([0, 0, Math.log(2)]), Int32Array.from([2]), 3);
  assert.ok(Math.abs(p[0] - 0.5) < 1e-7);
});

test("Group DRO's q stays on the simplex and moves toward the worst group", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 2, maxLength: 20 }),
      fc.double({ min: 0.001, max: 1, noNaN: true }),
      (losses, eta) => {
        const q = new Float64Array(losses.length).fill(1 / losses.length);
        const loss = Float64Array.from(losses);
        updateGroupWeights(q, loss, losses.map(() => true), eta);
        assert.ok(Math.abs(q.reduce((a, b) => a + b, 0) - 1) < 1e-12);
        assert.ok(q.every((v) => v >= 0));
        const worst = losses.indexOf(Math.max(...losses));
        const best = losses.indexOf(Math.min(...losses));
        assert.ok(q[worst] >= q[best]);
        // Strictly, once eta times the gap is large enough for exp to tell it from 1.
        if ((losses[worst] - losses[best]) * eta > 1e-9) {
          assert.ok(
            q[worst] > 1 / losses.length,
            "the worst group gains weight",
          );
        }
      },
    ),
    { numRuns: 100, seed: 4 },
  );
  // Example weights turn sum_i w_i CE_i into sum_g q_g mean loss_g.
  const groups = Int32Array.from([0, 0, 1]);
  const losses = [1, 3, 5];
  const m = groupMeans(losses, groups, 2);
  const q = Float64Array.from([0.25, 0.75]);
  const w = exampleWeights(q, groups, m.count);
  assert.ok(Math.abs(w.reduce((s, v, i) => s + v * losses[i], 0) - (0.25 * 2 + 0.75 * 5)) < 1e-12);
});

test("every registered method declares its group-label use and defaults", () => {
  for (const [name, m] of METHODS) {
    assert.equal(m.name, name);
    assert.ok(["none", "validation", "training"].includes(m.groupLabels));
    assert.ok(m.summary.length > 10);
  }
});

test("on a strongly spurious setting, DFR's worst-group accuracy beats ERM's; SUBG trains on equal groups", async () => {
  const tf = await tfReady();
  const feature = resolveSpuriousFeature({ amplitude: 1.5 }, 40);
  const coarse = { mode: "random" as const, rho: 0.95, exact: false };
  const splits = await makeSplits(
    {
      train: { ...SPLIT_DEFAULTS.train, attributes: { ...SPLIT_DEFAULTS.train.attributes, rho: 0.98 } },
      heldout: { ...SPLIT_DEFAULTS.heldout, numSamples: 3000, attributes: { ...coarse, seed: 2 } },
      val: { ...SPLIT_DEFAULTS.val, numSamples: 2000, attributes: { ...coarse, seed: 3 } },
      test: {
        ...SPLIT_DEFAULTS.test,
        numSamples: 4000,
        attributes: { ...SPLIT_DEFAULTS.test.attributes, mode: "conflicting" },
      },
    },
    {},
    feature,
  );
  const ctx = makeContext(tf, splits, resolveTrainConfig({ model: "mlp", steps: 1500 }), "coarse");
  const score = (logits: Float32Array) =>
    groupMetrics({
      labels: splits.test.y,
      groups: ctx.groups("test"),
      numGroups: ctx.numGroups,
      numClasses: 10,
      logits,
    }).worstGroupAccuracy;
  const erm = score(METHODS.get("erm")!.run(ctx, {}).logits.test);
  const dfr = score(METHODS.get("dfr")!.run(ctx, { C: [0.3, 0.1], refits: 3 }).logits.test);
  assert.ok(dfr > erm, `DFR worst-group accuracy ${dfr} should beat ERM's ${erm}`);
  const subg = METHODS.get("subg")!.run(ctx, {});
  const size = subg.diagnostics.subsampleSize as number;
  assert.equal(size % 20, 0, "SUBG keeps the same number of each of the 20 coarse groups");
});
