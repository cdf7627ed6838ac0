// Model selection through the pipeline: a method with a grid is scored under every protocol it
// supports from one run, and the default protocol's choice is the method's own result.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSplits, SPLIT_DEFAULTS } from "../../src/data/splits.ts";
import { resolveSpuriousFeature } from "../../src/data/spurious_config.ts";
import { getMethod } from "../../src/methods/registry.ts";
import { resolveSelectBy, runMethodIn, trainErm } from "../../src/pipeline/method_run.ts";
import { resolveTrainConfig } from "../../src/tf/train_config.ts";
import { disposeModel } from "../../src/tf/models.ts";
import { ConfigError } from "../../src/config/errors.ts";

test("resolveSelectBy accepts only protocols the method supports, by list membership", () => {
  const cbLlr = getMethod("cb-llr")!;
  assert.equal(resolveSelectBy(cbLlr, "val-wga"), "val-wga");
  for (const bad of ["toString", "__proto__", "val_wga", 1, undefined]) {
    assert.throws(() => resolveSelectBy(cbLlr, bad), ConfigError);
  }
  assert.throws(() => resolveSelectBy(getMethod("dfr")!, "val-wga"), /dfr selects as its paper does/);
});

test("byProtocol: one run of cb-llr scored under each protocol; the default's entry is the result itself", async () => {
  const feature = resolveSpuriousFeature({ amplitude: 1 }, 40);
  const random = { mode: "random" as const, rho: 0.9, exact: false };
  const splits = await makeSplits(
    {
      train: { ...SPLIT_DEFAULTS.train, attributes: { ...SPLIT_DEFAULTS.train.attributes, rho: 0.9 } },
      heldout: { ...SPLIT_DEFAULTS.heldout, numSamples: 1500, attributes: { ...random, seed: 2 } },
      val: { ...SPLIT_DEFAULTS.val, numSamples: 1000, attributes: { ...random, seed: 3 } },
      test: { ...SPLIT_DEFAULTS.test, numSamples: 2000, attributes: { ...random, seed: 4 } },
    },
    {},
    feature,
  );
  const ctx = await trainErm(splits, resolveTrainConfig({ model: "mlp", steps: 300 }), "coarse");
  try {
    const method = getMethod("cb-llr")!;
    const params = { C: [1, 0.1, 0.01] };
    const run = runMethodIn(ctx, method, params);
    assert.deepEqual(run.byProtocol!.map((p) => p.selectBy), method.selections);
    const mine = run.byProtocol!.find((p) => p.selectBy === method.selections![0])!;
    assert.deepEqual(mine.selected, run.result.selected);
    assert.equal(mine.test.worstGroupAccuracy, run.test.worstGroupAccuracy);
    for (const p of run.byProtocol!) assert.ok([1, 0.1, 0.01].includes(p.selected.C), `${p.selectBy}: ${p.selected.C}`);
    // Running with another protocol selects what byProtocol said it would.
    const wga = runMethodIn(ctx, method, params, "val-wga");
    assert.deepEqual(wga.result.selected, run.byProtocol!.find((p) => p.selectBy === "val-wga")!.selected);
  } finally {
    disposeModel(ctx.erm);
  }
});
