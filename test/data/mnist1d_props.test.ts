// Properties of the generator over random valid arguments (fast-check).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { makeMnist1d } from "../../src/data/mnist1d.ts";
import { type Mnist1dArgs, resolveMnist1dArgs, splitIndex, totalExamples } from "../../src/data/mnist1d_args.ts";
import { sha256 } from "../helpers/hash.ts";

/** Small but varied valid arguments: every branch of the transform is reachable. */
const validArgs: fc.Arbitrary<Mnist1dArgs> = fc
  .record({
    numSamples: fc.integer({ min: 20, max: 400 }),
    trainSplit: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
    templateLen: fc.integer({ min: 1, max: 20 }),
    low: fc.integer({ min: 0, max: 30 }),
    extra: fc.integer({ min: 0, max: 30 }),
    scaleCoeff: fc.double({ min: 0, max: 1, noNaN: true }),
    maxTranslation: fc.integer({ min: 1, max: 100 }),
    corrNoiseScale: fc.double({ min: 0, max: 2, noNaN: true }),
    iidNoiseScale: fc.double({ min: 0, max: 1, noNaN: true }),
    shearScale: fc.double({ min: 0, max: 3, noNaN: true }),
    shuffleSeq: fc.boolean(),
    finalSeqLength: fc.integer({ min: 2, max: 80 }),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  })
  .map(({ low, extra, ...rest }) => resolveMnist1dArgs({ ...rest, padding: [low, low + extra] }));

/** Exact-enough mean of many doubles (pairwise), independent of the kernel's reductions. */
function mean(values: Float64Array): number {
  const sum = (lo: number, hi: number): number => {
    if (hi - lo <= 64) {
      let s = 0;
      for (let i = lo; i < hi; i++) s += values[i];
      return s;
    }
    const mid = (lo + hi) >> 1;
    return sum(lo, mid) + sum(mid, hi);
  };
  return sum(0, values.length) / values.length;
}

const RUNS = { numRuns: 40, seed: 20261128 };

test("shapes follow the arguments: N = 10 * floor(num_samples / 10), cut = floor(N * train_split)", async () => {
  await fc.assert(
    fc.asyncProperty(validArgs, async (args) => {
      const ds = await makeMnist1d(args);
      const n = totalExamples(args);
      const cut = splitIndex(args);
      assert.equal(ds.y.length, cut);
      assert.equal(ds.yTest.length, n - cut);
      assert.equal(ds.x.length, cut * args.finalSeqLength);
      assert.equal(ds.xTest.length, (n - cut) * args.finalSeqLength);
      assert.equal(ds.t.length, args.finalSeqLength);
      assert.equal(ds.x32.length, ds.x.length);
    }),
    RUNS,
  );
});

test("before the split, every label appears exactly num_samples // 10 times", async () => {
  await fc.assert(
    fc.asyncProperty(validArgs, async (args) => {
      const ds = await makeMnist1d(args);
      const counts = new Array(10).fill(0);
      for (const y of [...ds.y, ...ds.yTest]) counts[y]++;
      assert.deepEqual(counts, new Array(10).fill(Math.floor(args.numSamples / 10)));
    }),
    RUNS,
  );
});

test("the same arguments give the same bytes; another seed gives other data", async () => {
  await fc.assert(
    fc.asyncProperty(validArgs, fc.integer({ min: 1, max: 1000 }), async (args, delta) => {
      const a = await makeMnist1d(args);
      const b = await makeMnist1d(args);
      assert.equal(sha256(a.x), sha256(b.x));
      assert.equal(sha256(a.y), sha256(b.y));
      assert.equal(sha256(a.t), sha256(b.t));
      const other = await makeMnist1d({ ...args, seed: (args.seed + delta) % 2 ** 32 });
      assert.notEqual(sha256(other.x), sha256(a.x));
    }),
    RUNS,
  );
});

test("normalised data (train and test together) has mean 0 and std 1 to 1e-12", async () => {
  await fc.assert(
    fc.asyncProperty(validArgs, async (args) => {
      const ds = await makeMnist1d(args);
      const all = new Float64Array(ds.x.length + ds.xTest.length);
      all.set(ds.x);
      all.set(ds.xTest, ds.x.length);
      const m = mean(all);
      const sq = all.map((v) => (v - m) * (v - m));
      assert.ok(Math.abs(m) < 1e-12, `mean ${m}`);
      assert.ok(Math.abs(Math.sqrt(mean(sq)) - 1) < 1e-12, `std ${Math.sqrt(mean(sq))}`);
    }),
    RUNS,
  );
});
