// The two-lane log of the normal sampler against Math.log inside the same WASM module (the JS
// engines' Math.log differs between runtimes, so the reference is the module's own scalar log).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { instantiateKernels, type Kernels } from "../../src/wasm/module.ts";

const kernels: Kernels = await instantiateKernels();

/** Bits of log(x) for every x, through logPairs and through the scalar Math.log. */
function logBits(values: number[]): { pairs: bigint[]; scalar: bigint[] } {
  const k = kernels;
  k.reset();
  const n = values.length;
  const src = k.alloc(Math.max(n, 1) * 8);
  const a = k.alloc(Math.max(n, 1) * 8);
  const b = k.alloc(Math.max(n, 1) * 8);
  k.f64(src, n).set(values);
  k.raw.logPairs(a, src, n);
  k.raw.logScalar(b, src, n);
  const bits = (p: number) => Array.from(new BigUint64Array(k.raw.memory.buffer, p, n));
  return { pairs: bits(a), scalar: bits(b) };
}

test("logPairs gives Math.log's bits at the edges of its table path and for special values", () => {
  const edges = [
    0,
    -0,
    1,
    -1,
    Infinity,
    -Infinity,
    NaN,
    Number.MIN_VALUE,
    2.2250738585072014e-308,
    2.225073858507201e-308,
    0.9375,
    0.9374999999999999,
    1.0644531249999998,
    1.064453125,
    Number.MAX_VALUE,
    0.5,
    2,
    Math.E,
    1e-300,
  ];
  const { pairs, scalar } = logBits(edges);
  assert.deepEqual(pairs, scalar);
});

test("property: for any doubles, logPairs and Math.log give the same bits", () => {
  fc.assert(
    fc.property(fc.array(fc.double(), { maxLength: 41 }), (xs) => {
      const { pairs, scalar } = logBits(xs);
      assert.deepEqual(pairs, scalar);
    }),
    { numRuns: 300 },
  );
});

test("property: for values in (0, 1), where the sampler uses it, logPairs and Math.log agree", () => {
  const unit = fc.double({ min: Number.MIN_VALUE, max: 1, maxExcluded: true, noNaN: true });
  fc.assert(
    fc.property(fc.array(unit, { minLength: 1, maxLength: 200 }), (xs) => {
      const { pairs, scalar } = logBits(xs);
      assert.deepEqual(pairs, scalar);
    }),
    { numRuns: 300 },
  );
});
