// Model selection protocols: what each scores and which labels it reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  errorEnvironments,
  isSelection,
  selectBest,
  SELECTIONS,
  selectionUsesGroupLabels,
} from "../../src/methods/selection.ts";

test("inferred environments: per class, ERM right (2c) or wrong (2c + 1)", () => {
  const logits = Float32Array.from([3, 0, 0, 3, 3, 0, 0, 3]); // predicts 0, 1, 0, 1
  assert.deepEqual(Array.from(errorEnvironments(logits, Int32Array.from([0, 1, 1, 0]), 2)), [0, 2, 3, 1]);
});

test("protocol names are checked by list membership, not by property lookup", () => {
  for (const s of SELECTIONS) assert.ok(isSelection(s));
  for (const bad of ["toString", "constructor", "__proto__", "hasOwnProperty", "", 3, undefined]) {
    assert.equal(isSelection(bad), false);
  }
  assert.deepEqual(SELECTIONS.filter(selectionUsesGroupLabels), ["val-wga", "oracle-test"]);
});

test("selectBest keeps the highest-scoring candidate, the first on ties, and reports every score", () => {
  const logits = (v: number) => ({ val: Float32Array.from([v]), test: Float32Array.from([0]) });
  const selector = { by: "val-accuracy" as const, split: "val" as const, score: (l: Float32Array) => l[0] };
  const { best, scores } = selectBest(selector, [
    { params: { C: 1 }, logits: logits(0.25) },
    { params: { C: 2 }, logits: logits(0.75) },
    { params: { C: 3 }, logits: logits(0.75) },
  ]);
  assert.deepEqual(best.params, { C: 2 });
  assert.deepEqual(scores.map((s) => s.score), [0.25, 0.75, 0.75]);
  assert.throws(() => selectBest(selector, []));
});
