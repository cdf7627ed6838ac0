// The per-group gradient pass (Group DRO's one pass per step) agrees with reweighting the examples
// and taking the ordinary gradient: sum_g w_g G_g = gradient of sum_i w_{g_i} CE_i.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LogregProblem } from "../../src/lastlayer/problem.ts";
import { uniforms } from "../../src/random/draws.ts";

test("per-group gradients, weighted by group, equal the gradient with those example weights", () => {
  const n = 157;
  const d = 9;
  const k = 4;
  const numGroups = 6;
  const x = Float64Array.from(uniforms(n * d, -1, 1, 3));
  const y = Int32Array.from({ length: n }, (_, i) => (i * 5) % k);
  const groups = Int32Array.from({ length: n }, (_, i) => (i * 7 + 1) % numGroups);
  const head = { W: Float64Array.from(uniforms(d * k, -0.5, 0.5, 4)), b: Float64Array.from(uniforms(k, -0.5, 0.5, 5)) };
  const wg = Float64Array.from(uniforms(numGroups, 0.1, 2, 6));
  const p = new LogregProblem(x, y, d, k);
  p.setGroups(groups, numGroups);
  const r = p.groupedLossGrad(head);
  const gW = new Float64Array(d * k);
  const gb = new Float64Array(k);
  for (let g = 0; g < numGroups; g++) {
    for (let i = 0; i < d * k; i++) gW[i] += wg[g] * r.gW[g * d * k + i];
    for (let c = 0; c < k; c++) gb[c] += wg[g] * r.gb[g * k + c];
  }
  p.setWeights(Float64Array.from(groups, (g) => wg[g]));
  const refW = new Float64Array(d * k);
  const refB = new Float64Array(k);
  p.lossGrad(head, refW, refB);
  refW.forEach((v, i) => assert.ok(Math.abs(v - gW[i]) <= 1e-12 * Math.max(1, Math.abs(v)), `gW[${i}]`));
  refB.forEach((v, c) => assert.ok(Math.abs(v - gb[c]) <= 1e-12 * Math.max(1, Math.abs(v)), `gb[${c}]`));
  assert.ok(refW.some((v) => Math.abs(v) > 1e-3), "a gradient that is not zero");
  const per = p.perExampleLoss(head);
  per.forEach((v, i) => assert.equal(r.perExample[i], v, `CE[${i}]`));
});
