// headLogits in WebAssembly gives the bits of the JS loop it replaced (float64 sums in the same
// order, zeros skipped, rounded to float32), for float32 and float64 rows, odd and even class
// counts, and more rows than one kernel call takes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { headLogits, headLogitsJs } from "../../src/lastlayer/problem.ts";
import { uniforms } from "../../src/random/draws.ts";

for (const [n, d, k] of [[9000, 7, 3], [301, 100, 10], [5, 4, 1]]) {
  test(`the same bits as the JS loop (n ${n}, d ${d}, k ${k})`, () => {
    // A third of the features zero (skipped by both); weights on several scales so sums round.
    const x64 = Float64Array.from(uniforms(n * d, -0.5, 1, 7), (v) => (v < 0 ? 0 : v * 1e3 ** (v > 0.9 ? 1 : 0)));
    const x32 = Float32Array.from(x64);
    const head = {
      W: Float64Array.from(uniforms(d * k, -1, 1, 8), (v) => v / 3),
      b: Float64Array.from(uniforms(k, -1, 1, 9)),
    };
    for (const x of [x32, x64]) {
      const ours = headLogits(x, d, head);
      assert.equal(ours.length, n * k);
      assert.deepEqual(ours, headLogitsJs(x, d, head));
    }
  });
}
