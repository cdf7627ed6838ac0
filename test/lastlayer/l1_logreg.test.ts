// The L1 solver reaches the true optimum: the optimality (KKT) conditions hold at its solution, and
// no perturbation of it lowers the objective.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fitL1Logreg, optimalityViolation } from "../../src/lastlayer/l1_logreg.ts";
import { LogregProblem } from "../../src/lastlayer/problem.ts";
import { uniforms } from "../../src/random/draws.ts";
import { balancedSubsample } from "../../src/lastlayer/subsample.ts";

function problem(n: number, d: number, k: number, seed: number) {
  const x = Float64Array.from(uniforms(n * d, -1, 1, seed));
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % k);
  for (let i = 0; i < n; i++) x[i * d + (y[i] % d)] += 1;
  return new LogregProblem(x, y, d, k);
}

test("at the solution every optimality condition holds (|g + lambda sign w| at nonzeros, |g| <= lambda at zeros)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 20, max: 200 }),
      fc.integer({ min: 2, max: 12 }),
      fc.integer({ min: 2, max: 6 }),
      fc.constantFrom(1, 0.3, 0.05),
      fc.nat(1000),
      (n, d, k, C, seed) => {
        const p = problem(n, d, k, seed);
        const fit = fitL1Logreg(p, { C, tol: 1e-7 });
        const gW = new Float64Array(d * k);
        const gb = new Float64Array(k);
        p.lossGrad(fit, gW, gb);
        assert.ok(fit.converged, `not converged: ${fit.violation}`);
        assert.ok(optimalityViolation(fit, gW, gb, 1 / C) <= 1e-7 * n);
      },
    ),
    { numRuns: 25, seed: 11 },
  );
});

test("no small perturbation of the solution lowers the objective", () => {
  const n = 120;
  const d = 6;
  const k = 3;
  const C = 0.2;
  const p = problem(n, d, k, 3);
  const fit = fitL1Logreg(p, { C, tol: 1e-9 });
  const objective = (W: Float64Array, b: Float64Array) =>
    p.lossGrad({ W, b }) + W.reduce((s, v) => s + Math.abs(v), 0) / C;
  const best = objective(fit.W, fit.b);
  for (let i = 0; i < d * k; i++) {
    for (const step of [1e-3, -1e-3]) {
      const W = fit.W.slice();
      W[i] += step;
      assert.ok(objective(W, fit.b) >= best - 1e-9, `moving W[${i}] by ${step} lowered the objective`);
    }
  }
  assert.ok(fit.W.some((v) => v === 0), "the L1 penalty zeroes some weights");
});

test("balanced subsamples hold the same number of examples of every non-empty group", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 300 }), fc.nat(), (g, seed) => {
      const groups = Int32Array.from(g);
      const rows = balancedSubsample(groups, seed);
      const counts = new Map<number, number>();
      for (const i of rows) counts.set(groups[i], (counts.get(groups[i]) ?? 0) + 1);
      const present = new Set(g);
      assert.equal(counts.size, present.size, "every non-empty group is kept");
      const sizes = [...counts.values()];
      assert.ok(sizes.every((s) => s === sizes[0]));
      assert.equal(new Set(rows).size, rows.length, "no example twice");
    }),
    { numRuns: 100, seed: 2 },
  );
});
