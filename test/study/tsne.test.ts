// Barnes-Hut t-SNE: separated clusters stay separated, the KL divergence is sane, and the same
// input gives the same bits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tsne } from "../../src/study/tsne.ts";
import { uniforms } from "../../src/random/draws.ts";
import { sha256 } from "../helpers/hash.ts";

test("three far-apart clusters stay apart in the embedding, deterministically", () => {
  const n = 240;
  const d = 10;
  const noise = uniforms(n * d, -0.5, 0.5, 4);
  const x = Float64Array.from(noise, (v, i) => v + 20 * (Math.floor(i / d) % 3 === Math.floor((i % d) / 4) ? 1 : 0));
  const label = (i: number) => i % 3;
  const r = tsne(x, d, { iterations: 400 });
  assert.ok(r.klDivergence > 0 && r.klDivergence < 3, `KL ${r.klDivergence}`);
  // Every point's nearest embedded neighbour shares its cluster.
  let agree = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dd = (r.embedding[2 * i] - r.embedding[2 * j]) ** 2 +
        (r.embedding[2 * i + 1] - r.embedding[2 * j + 1]) ** 2;
      if (dd < bestD) (bestD = dd), (best = j);
    }
    if (label(best) === label(i)) agree++;
  }
  assert.ok(agree / n > 0.97, `${agree} of ${n} nearest neighbours share the cluster`);
  assert.equal(sha256(tsne(x, d, { iterations: 400 }).embedding), sha256(r.embedding));
});
