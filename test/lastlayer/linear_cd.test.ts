// The one-vs-rest coordinate-descent solver: it reproduces liblinear's fit (coefficients from
// scikit-learn, committed as a fixture with the script that made them), the optimality conditions
// hold at its solutions for both penalties, warm starts reach the same solution, and it is
// deterministic.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { type CdOptions, OvrProblem } from "../../src/lastlayer/linear_cd.ts";
import { uniforms } from "../../src/random/draws.ts";

interface Fixture {
  n: number;
  d: number;
  classes: number;
  x: number[];
  y: number[];
  fits: { C: number; coef: number[][]; intercept: number[] }[];
}

function problem(n: number, d: number, k: number, seed: number) {
  const x = Float64Array.from(uniforms(n * d, -1, 1, seed));
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % k);
  for (let i = 0; i < n; i++) x[i * d + (y[i] % d)] += 1;
  return new OvrProblem(x, y, d, k);
}

test("one-vs-rest L1 fits match liblinear's (sklearn 1.2, intercept_scaling 1) on a fixed problem", async () => {
  const f: Fixture = JSON.parse(await readFile("test/fixtures/liblinear_ovr.json", "utf8"));
  const p = new OvrProblem(Float64Array.from(f.x), Int32Array.from(f.y), f.d, f.classes);
  for (const fit of f.fits) {
    const head = p.fit({ C: fit.C, tol: 1e-8 });
    assert.ok(head.converged);
    for (let c = 0; c < f.classes; c++) {
      for (let j = 0; j < f.d; j++) {
        const ours = head.W[j * f.classes + c];
        const theirs = fit.coef[c][j];
        assert.ok(Math.abs(ours - theirs) <= 1e-5, `C ${fit.C}, class ${c}, feature ${j}: ${ours} vs ${theirs}`);
        assert.equal(ours === 0, theirs === 0, `C ${fit.C}, class ${c}, feature ${j}: zero pattern differs`);
      }
      assert.ok(Math.abs(head.b[c] - fit.intercept[c]) <= 1e-5, `C ${fit.C}, intercept ${c}`);
    }
  }
});

test("at the solution every class's optimality conditions hold (L1 and L2, intercept penalised or free)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 20, max: 150 }),
      fc.integer({ min: 2, max: 10 }),
      fc.integer({ min: 2, max: 5 }),
      fc.constantFrom(1, 0.3, 0.05),
      fc.constantFrom<"l1" | "l2">("l1", "l2"),
      fc.boolean(),
      fc.nat(1000),
      (n, d, k, C, penalty, penalizeIntercept, seed) => {
        const p = problem(n, d, k, seed);
        const o: CdOptions = { C, penalty, penalizeIntercept, tol: 1e-10, maxNewton: 500 };
        const fit = p.fit(o);
        assert.ok(fit.converged, "stopping rule met");
        // liblinear's scale: penalty + C sum loss; the gradient's size grows with C n.
        for (let c = 0; c < k; c++) {
          const v = p.violation(fit, c, o);
          assert.ok(v <= 1e-6 * Math.max(1, C * n), `class ${c}: violation ${v}`);
        }
      },
    ),
    { numRuns: 40, seed: 12 },
  );
});

test("a warm start from another C's solution reaches the same solution as a cold start", () => {
  const p = problem(200, 8, 4, 5);
  const cold = p.fit({ C: 0.5, tol: 1e-9 });
  const warm = p.fit({ C: 0.5, tol: 1e-9, init: p.fit({ C: 0.05, tol: 1e-9 }) });
  cold.W.forEach((v, i) => assert.ok(Math.abs(v - warm.W[i]) <= 1e-5, `W[${i}]: ${v} vs ${warm.W[i]}`));
  cold.b.forEach((v, i) => assert.ok(Math.abs(v - warm.b[i]) <= 1e-5, `b[${i}]`));
});

test("no small perturbation of an L1 solution lowers its class's objective", () => {
  const n = 120;
  const d = 6;
  const k = 3;
  const C = 0.2;
  const p = problem(n, d, k, 3);
  const fit = p.fit({ C, tol: 1e-10 });
  const x = Float64Array.from(uniforms(n * d, -1, 1, 3));
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7 + 3) % k);
  for (let i = 0; i < n; i++) x[i * d + (y[i] % d)] += 1;
  // Class c's objective: |w|_1 + |b| + C sum log(1 + exp(-y z)).
  const objective = (c: number, w: Float64Array, b: number) => {
    let s = Math.abs(b);
    for (let j = 0; j < d; j++) s += Math.abs(w[j]);
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let j = 0; j < d; j++) z += x[i * d + j] * w[j];
      s += C * Math.log1p(Math.exp(-(y[i] === c ? 1 : -1) * z));
    }
    return s;
  };
  for (let c = 0; c < k; c++) {
    const w = Float64Array.from({ length: d }, (_, j) => fit.W[j * k + c]);
    const best = objective(c, w, fit.b[c]);
    for (let j = 0; j <= d; j++) {
      for (const step of [1e-3, -1e-3]) {
        const w2 = w.slice();
        let b2 = fit.b[c];
        if (j < d) w2[j] += step;
        else b2 += step;
        assert.ok(objective(c, w2, b2) >= best - 1e-9, `class ${c}: moving coordinate ${j} by ${step} lowered it`);
      }
    }
  }
  assert.ok(fit.W.some((v) => v === 0), "the L1 penalty zeroes some weights");
});

test("the same rows give the same bits, also after other rows were loaded in between", () => {
  const x = Float64Array.from(uniforms(150 * 7, -1, 1, 9));
  const y = Int32Array.from({ length: 150 }, (_, i) => (i * 5) % 3);
  const p = new OvrProblem(x, y, 7, 3);
  const a = p.fit({ C: 0.3 });
  p.load(Float64Array.from(uniforms(80 * 7, -1, 1, 10)), Int32Array.from({ length: 80 }, (_, i) => i % 3));
  const between = p.fit({ C: 0.3 });
  p.load(x, y);
  const b = p.fit({ C: 0.3 });
  assert.notDeepEqual(Array.from(between.W), Array.from(a.W), "other rows, another fit");
  assert.deepEqual(Array.from(a.W), Array.from(b.W));
  assert.deepEqual(Array.from(a.b), Array.from(b.b));
});
