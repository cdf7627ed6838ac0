// The reusable generator: the same bytes as makeMnist1d for every call, and a clear error when a
// dataset whose memory was reused is read again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeMnist1d, Mnist1dGenerator } from "../../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../../src/data/mnist1d_args.ts";
import { sha256 } from "../helpers/hash.ts";

test("a reused generator gives makeMnist1d's bytes, call after call, growing when needed", async () => {
  const gen = await Mnist1dGenerator.create();
  for (
    const given of [{ numSamples: 500, seed: 3 }, { numSamples: 3000, seed: 4, shuffleSeq: true }, { numSamples: 200 }]
  ) {
    const args = resolveMnist1dArgs(given);
    const [a, b] = [gen.generate(args), await makeMnist1d(args)];
    assert.equal(sha256(a.x), sha256(b.x), `x of ${JSON.stringify(given)}`);
    assert.equal(sha256(a.xTest), sha256(b.xTest), `xTest of ${JSON.stringify(given)}`);
    assert.deepEqual(a.y, b.y);
    assert.deepEqual(a.t, b.t);
  }
});

test("reading a dataset's x after the next generate() throws, naming what to do", async () => {
  const gen = await Mnist1dGenerator.create();
  const first = gen.generate(resolveMnist1dArgs({ numSamples: 100, seed: 1 }));
  const kept = first.x.slice();
  const x32 = first.x32; // made before the reuse: a copy that stays valid
  gen.generate(resolveMnist1dArgs({ numSamples: 100, seed: 2 }));
  assert.throws(() => first.x, /x was overwritten by a later generate\(\).*copy what you keep/);
  assert.throws(() => first.xTest32, /xTest was overwritten/);
  assert.equal(first.y.length, 80); // labels and t are the dataset's own
  assert.deepEqual(Array.from(x32.subarray(0, 5)), Array.from(kept.subarray(0, 5), Math.fround));
});
