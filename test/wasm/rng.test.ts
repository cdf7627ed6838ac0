// The WASM MT19937 and numpy's legacy draws: the trace's first outputs, and numpy itself for other
// seeds (uniforms, polar normals with their cached value, bounded integers, permutations).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { instantiateKernels, type Kernels } from "../../src/wasm/module.ts";
import { REFERENCE_DIR } from "../helpers/env.ts";
import { oracleUnavailable, PORTABLE_ENV } from "../helpers/oracle.ts";
import { run } from "../helpers/run.ts";

async function seeded(seed: number): Promise<Kernels> {
  const k = await instantiateKernels();
  k.reset();
  k.raw.rngSeed(seed);
  return k;
}

function draw(k: Kernels, kind: "raw" | "uniform" | "normal", n: number): number[] {
  const p = k.alloc(n * 8);
  if (kind === "raw") {
    k.raw.rngRaw(p, n);
    return Array.from(k.u32(p, n));
  }
  if (kind === "uniform") k.raw.rngUniform(p, n);
  else k.raw.rngNormal(p, n);
  return Array.from(k.f64(p, n));
}

test("seed 42 gives the trace's first MT outputs, uniforms and normals", async () => {
  const trace = JSON.parse(await readFile(`${REFERENCE_DIR}/mnist1d_default_trace.json`, "utf8"));
  assert.deepEqual(draw(await seeded(42), "raw", 8), trace.mt_first8_uint32_outputs);
  assert.deepEqual(draw(await seeded(42), "uniform", 4), trace.random_sample_first4_from_seed42);
  assert.deepEqual(draw(await seeded(42), "normal", 5), trace.standard_normal_first5_from_seed42);
});

test("the cached gaussian survives between calls: 3 + 2 normals equal 5 normals", async () => {
  const k = await seeded(123);
  const split = [...draw(k, "normal", 3), ...draw(k, "normal", 2)];
  assert.deepEqual(split, draw(await seeded(123), "normal", 5));
});

test("batched normals equal one-at-a-time normals, whatever the counts and the cached value", async () => {
  // Counts straddle the 512-pair batches, the 624-word MT blocks and odd lengths (cached value).
  const counts = [1, 2, 3, 72, 73, 1023, 1024, 1025, 5000, 7];
  const one = await seeded(7);
  const batched = await seeded(7);
  for (const n of counts) {
    const p = one.alloc(n * 8);
    one.raw.rngNormal(p, n);
    const q = batched.alloc(n * 8);
    batched.raw.rngNormalBatch(q, n);
    assert.deepEqual(Array.from(batched.f64(q, n)), Array.from(one.f64(p, n)), `count ${n}`);
  }
  assert.deepEqual(draw(batched, "raw", 3), draw(one, "raw", 3));
});

test("bounded integer with max 0 draws nothing", async () => {
  const k = await seeded(5);
  assert.equal(k.raw.rngInterval(0), 0);
  assert.deepEqual(draw(k, "raw", 3), draw(await seeded(5), "raw", 3));
});

test("uniforms, normals, bounded integers and permutations equal numpy's RandomState for other seeds", async (t) => {
  const why = await oracleUnavailable();
  if (why) return t.skip(why);
  const script = [
    "import json, sys, numpy as np",
    "out = {}",
    "for s in [0, 1, 2**31, 2**32 - 1]:",
    "    r = np.random.RandomState(s)",
    "    u = r.random_sample(1000).tolist(); g = r.standard_normal(1001).tolist()",
    "    c = [int(r.choice(n)) for n in (1, 2, 3, 7, 48, 1000, 65537)]",
    "    p = r.permutation(2500).tolist()",
    "    out[s] = dict(u=u, g=g, c=c, p=p)",
    "print(json.dumps(out))",
  ].join("\n");
  const r = await run("python3", ["-c", script], PORTABLE_ENV);
  assert.equal(r.code, 0, r.stderr);
  const expected = JSON.parse(r.stdout);
  for (const seed of [0, 1, 2 ** 31, 2 ** 32 - 1]) {
    const k = await seeded(seed);
    const e = expected[String(seed)];
    assert.deepEqual(draw(k, "uniform", 1000), e.u, `uniforms, seed ${seed}`);
    assert.deepEqual(draw(k, "normal", 1001), e.g, `normals, seed ${seed}`);
    assert.deepEqual([1, 2, 3, 7, 48, 1000, 65537].map((n) => k.raw.rngInterval(n - 1)), e.c, `choice, seed ${seed}`);
    const perm = k.alloc(2500 * 4);
    k.raw.drawPermutation(perm, 2500);
    assert.deepEqual(Array.from(k.i32(perm, 2500)), e.p, `permutation, seed ${seed}`);
  }
});
