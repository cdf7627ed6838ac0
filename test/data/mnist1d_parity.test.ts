// Parity with the reference generator: the frozen default dataset in ../shared byte for byte, the
// first-20 fixture and per-sample trace, and the numpy/scipy oracle on the branches the default
// never takes (odd L, max_translation 1, shuffle_seq, translation past L, other seeds and scales).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { makeMnist1d } from "../../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../../src/data/mnist1d_args.ts";
import { instantiateKernels } from "../../src/wasm/module.ts";
import { REFERENCE_DIR } from "../helpers/env.ts";
import { asInt64, sha256 } from "../helpers/hash.ts";
import { oracleHashes, oracleUnavailable } from "../helpers/oracle.ts";

const readJson = async (name: string) => JSON.parse(await readFile(`${REFERENCE_DIR}/${name}`, "utf8"));
const hexOf = (v: number) => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0).toString(16).padStart(16, "0");
};

test("default arguments reproduce every reference array byte for byte (sha256)", async () => {
  const meta = await readJson("a_default_seed42/meta.json");
  const ds = await makeMnist1d(resolveMnist1dArgs({}));
  const ours: Record<string, ArrayBufferView> = {
    x: ds.x,
    x_test: ds.xTest,
    y: asInt64(ds.y),
    y_test: asInt64(ds.yTest),
    t: ds.t,
    templates_x: ds.templates.x,
    templates_t: ds.templates.t,
    templates_y: asInt64(ds.templates.y),
  };
  for (const [name, info] of Object.entries(meta.arrays as Record<string, { sha256: string; shape: number[] }>)) {
    assert.ok(name in ours, `no array ${name}`);
    assert.equal(sha256(ours[name]), info.sha256, `sha256 of ${name}`);
  }
  assert.equal(ds.x.length, 4000 * 40);
  assert.equal(ds.x32.length, ds.x.length);
  assert.equal(ds.x32[123], Math.fround(ds.x[123]));
});

test("the first 20 training rows match the fixture's exact hex", async () => {
  const fixture = await readJson("mnist1d_default_first20.json");
  const ds = await makeMnist1d(resolveMnist1dArgs({}));
  for (let r = 0; r < 20; r++) {
    const row = Array.from(ds.x.subarray(r * 40, r * 40 + 40), hexOf);
    assert.deepEqual(row, fixture.x_hex[r], `row ${r}`);
    assert.equal(ds.y[r], fixture.y[r]);
  }
  assert.deepEqual(Array.from(ds.t), fixture.t);
});

for (const table of [true, false]) {
  test(`per-sample intermediates and the batch permutation match the trace (templates ${table ? "" : "not "}tabled)`, async () => {
    const trace = await readJson("mnist1d_default_trace.json");
    const k = await instantiateKernels();
    k.reset();
    k.raw.begin(42, 12, 36, 60, 0.4, 48, 0.25, 0.02, 0.75, 40, table ? 1e9 : 0);
    const rows = k.alloc(5000 * 40 * 8);
    k.raw.transformRange(rows, 0, 5000, 500); // class-major: the traced samples are the first of class 0
    const perm = k.alloc(5000 * 4);
    k.raw.drawPermutation(perm, 5000);
    const got = k.f64(rows, 5000 * 40);
    for (let s = 0; s < trace.samples.length; s++) {
      assert.equal(trace.samples[s].label, 0);
      assert.deepEqual(
        Array.from(got.subarray(s * 40, s * 40 + 40)),
        trace.samples[s].final_unnormalised,
        `sample ${s}`,
      );
    }
    assert.deepEqual(Array.from(k.i32(perm, 50)), trace.batch_permutation_first50);
  });
}

test("the oracle itself reproduces the frozen reference (so its other answers can be trusted)", async (t) => {
  const why = await oracleUnavailable();
  if (why) return t.skip(why);
  const meta = await readJson("a_default_seed42/meta.json");
  const o = await oracleHashes(resolveMnist1dArgs({}));
  for (const name of ["x", "x_test", "y", "y_test", "t", "templates_x", "templates_t"]) {
    assert.equal(o[name], meta.arrays[name].sha256, name);
  }
});

const BRANCHES: Record<string, Record<string, unknown>> = {
  "odd stretched length (the cached gaussian carries over between samples)": {
    numSamples: 300,
    templateLen: 13,
    padding: [3, 10],
    seed: 7,
  },
  "max_translation 1 (choice draws nothing)": { numSamples: 200, maxTranslation: 1, seed: 1 },
  "shuffle_seq (column-major whole-array sums)": { numSamples: 2000, shuffleSeq: true, seed: 3 },
  "shuffle_seq over several 8192-element chunks, odd length": {
    numSamples: 30000,
    shuffleSeq: true,
    seed: 5,
    finalSeqLength: 41,
    trainSplit: 0.5,
  },
  "large noise, scale and shear, the largest seed": {
    numSamples: 500,
    corrNoiseScale: 1.5,
    iidNoiseScale: 0.3,
    shearScale: 2,
    scaleCoeff: 0.9,
    seed: 4294967295,
  },
  "translation beyond L (left unchanged), no padding, length 2": {
    numSamples: 100,
    maxTranslation: 200,
    padding: [0, 0],
    seed: 0,
    finalSeqLength: 2,
  },
  "fixed padding, template_len 1, upsampling to 100": {
    numSamples: 25,
    padding: [5, 5],
    templateLen: 1,
    finalSeqLength: 100,
    seed: 9,
  },
  "num_samples not a multiple of 10, zero noise": {
    numSamples: 1237,
    corrNoiseScale: 0,
    iidNoiseScale: 0,
    seed: 11,
    trainSplit: 0.3,
  },
};

for (const [name, given] of Object.entries(BRANCHES)) {
  test(`oracle parity: ${name}`, async (t) => {
    const why = await oracleUnavailable();
    if (why) return t.skip(why);
    const args = resolveMnist1dArgs(given);
    const [ds, o] = await Promise.all([makeMnist1d(args), oracleHashes(args)]);
    assert.equal(sha256(ds.x), o.x, "x");
    assert.equal(sha256(ds.xTest), o.x_test, "x_test");
    assert.equal(sha256(asInt64(ds.y)), o.y, "y");
    assert.equal(sha256(asInt64(ds.yTest)), o.y_test, "y_test");
    assert.equal(sha256(ds.t), o.t, "t");
    // Stretching each example's template (no table) gives the same bytes as the table.
    const untabled = await makeMnist1d(args, undefined, { maxTableBytes: 0 });
    assert.equal(sha256(untabled.x), o.x, "x without the template table");
    assert.equal(sha256(untabled.xTest), o.x_test, "x_test without the template table");
  });
}
