// Each method's defining property, and every registered method end to end on a strongly spurious
// setting: grid choices from the grid, and methods that read group labels beat ERM's worst-group accuracy.
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
import { resolveHyperparameters } from "../../src/methods/params.ts";
import type { Hyperparameters } from "../../src/methods/types.ts";
import { runMethodIn, trainErm } from "../../src/pipeline/method_run.ts";
import { disposeModel } from "../../src/tf/models.ts";

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

test("every registered method declares its group-label use, and defaults that its own validation accepts", () => {
  assert.ok(METHODS.size >= 10, "the ten methods of the README are registered");
  for (const [name, m] of METHODS) {
    assert.equal(m.name, name);
    assert.ok(["none", "validation", "training"].includes(m.groupLabels), `${name}.groupLabels`);
    assert.ok(m.summary.length > 10, `${name}.summary`);
    for (const [key, value] of Object.entries(m.defaults)) {
      const values = Array.isArray(value) ? value : [value];
      assert.ok(values.length > 0, `${name}.${key}: an empty grid`);
      for (const v of values) assert.ok(Number.isFinite(v), `${name}.${key}: ${v} is not a finite number`);
    }
    // The defaults are exactly what validating no given hyperparameters yields.
    assert.deepEqual({ ...resolveHyperparameters(m, {}) }, m.defaults, name);
  }
});

// Small grids (to keep the test quick) for the methods that select from one; the others run with their defaults.
const GRIDS: Record<string, Hyperparameters> = {
  dfr: { C: [0.3, 0.1], refits: 3 },
  "dfr-tr": { C: [0.3, 0.1], refits: 3 },
  afr: { gamma: [1, 4], lambda: [0, 0.1], steps: 100, learningRate: 0.01 },
  "afr-wg": { gamma: [1, 4], eta: [0.5, 2], lambda: [0], steps: 100, learningRate: 0.01 },
  "gdro-ll": { eta: [0.1, 1], steps: 200, learningRate: 0.01 },
};

test("every registered method runs on a spurious set: choices come from the grid; on conflicting test data every method beats ERM's accuracy, and full-model Group DRO moves its weight to the conflicting groups", async (t) => {
  const tf = await tfReady();
  const feature = resolveSpuriousFeature({ amplitude: 1 }, 40);
  const coarse = { mode: "random" as const, rho: 0.95, exact: false };
  const splits = await makeSplits(
    {
      train: { ...SPLIT_DEFAULTS.train, attributes: { ...SPLIT_DEFAULTS.train.attributes, rho: 0.9 } },
      heldout: { ...SPLIT_DEFAULTS.heldout, numSamples: 2000, attributes: { ...coarse, seed: 2 } },
      val: { ...SPLIT_DEFAULTS.val, numSamples: 1000, attributes: { ...coarse, seed: 3 } },
      test: {
        ...SPLIT_DEFAULTS.test,
        numSamples: 2000,
        attributes: { ...SPLIT_DEFAULTS.test.attributes, mode: "conflicting" },
      },
    },
    {},
    feature,
  );
  const ctx = await trainErm(splits, resolveTrainConfig({ model: "mlp", steps: 800 }), "coarse", tf);
  const runs = [...METHODS].map(([name, method]) => {
    const params = GRIDS[name] ?? method.defaults;
    return { name, method, params, ...runMethodIn(ctx, method, params) };
  });
  disposeModel(ctx.erm);
  for (const r of runs) {
    t.diagnostic(
      `${r.name}: worst-group ${r.test.worstGroupAccuracy.toFixed(4)}, accuracy ${
        r.test.averageAccuracy.toFixed(4)
      }, mean-group ${r.test.meanGroupAccuracy.toFixed(4)}, selected ${JSON.stringify(r.result.selected)}`,
    );
  }
  // Every test example conflicts (its attribute never equals its label), so accuracy here is
  // accuracy where the shortcut is wrong: what these methods exist to raise.
  const erm = runs.find((r) => r.name === "erm")!.test.averageAccuracy;
  assert.ok(erm < 0.5, `ERM leans on the feature: its accuracy on conflicting data is ${erm}`);
  for (const { name, params, result, test: m } of runs) {
    assert.equal(result.method, name);
    assert.equal(result.logits.test.length, splits.test.y.length * 10, `${name}: one row of logits per test example`);
    assert.ok(result.logits.test.every(Number.isFinite), `${name}: finite logits`);
    for (const [key, grid] of Object.entries(params)) {
      if (!(key in result.selected)) continue;
      const allowed = Array.isArray(grid) ? grid : [grid];
      const chosen = result.selected[key];
      if (key === "C" && result.selected.gridEdge) {
        // At an edge DFR extends its grid past it (by factors of 3): the grid's edge or beyond it, outward only.
        const outward = allowed.includes(chosen) ||
          (result.selected.gridEdge > 0 ? chosen > Math.max(...allowed) : chosen < Math.min(...allowed));
        assert.ok(
          outward,
          `${name}.C: ${chosen} is not beyond the ${result.selected.gridEdge > 0 ? "top" : "bottom"} of ${allowed}`,
        );
        continue;
      }
      assert.ok(allowed.includes(chosen), `${name}.${key}: ${chosen} is not in ${allowed}`);
    }
    if (name !== "erm") {
      assert.ok(
        m.averageAccuracy > erm,
        `${name}: accuracy on conflicting data ${m.averageAccuracy} should beat ERM's ${erm}`,
      );
    }
  }
  // Full-model Group DRO (its default step size): the online weights end up mostly on the
  // conflicting groups (odd coarse ids), from an even split at the start.
  const q = runs.find((r) => r.name === "gdro")!.result.diagnostics.groupWeights as number[];
  const conflictingShare = q.reduce((sum, v, g) => sum + (g % 2 === 1 ? v : 0), 0);
  t.diagnostic(`gdro: weight on conflicting groups ${conflictingShare.toFixed(3)}`);
  assert.ok(conflictingShare > 0.5, `gdro puts ${conflictingShare} of its weight on the conflicting groups`);
  const subg = runs.find((r) => r.name === "subg")!.result;
  assert.equal(
    (subg.diagnostics.subsampleSize as number) % 20,
    0,
    "SUBG keeps the same number of each of the 20 coarse groups",
  );
});
