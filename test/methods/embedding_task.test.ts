// Last-layer methods on arrays (as the lastlayer command reads them): validation errors name the
// file, DFR's grid grows past an edge when the best C sits there and says so, and its two modes.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { NpyArray } from "../../src/data/npy.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { embeddingTask, runOnEmbeddings } from "../../src/methods/embedding_task.ts";
import { uniforms } from "../../src/random/draws.ts";
import { tfReady } from "../../src/tf/backend.ts";

const tf = await tfReady();
const D = 8;
const K = 3;

/** Embeddings where feature y carries the class and feature K + a a spurious attribute; groups (y, a). */
function split(n: number, seed: number, spurious: boolean): Record<string, NpyArray> {
  const x = uniforms(n * D, -1, 1, seed);
  const y = new Int32Array(n);
  const g = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % K;
    const a = spurious && i % 5 !== 0 ? y[i] : Math.floor(i / K) % K;
    g[i] = y[i] * K + a;
    x[i * D + y[i]] += 1.2;
    x[i * D + K + a] += 2;
  }
  return {
    x: { dtype: "<f4", shape: [n, D], data: x },
    y: { dtype: "<i4", shape: [n], data: y },
    g: { dtype: "<i4", shape: [n], data: g },
  };
}

function arrays(): Map<string, NpyArray> {
  const out = new Map<string, NpyArray>();
  for (const [name, n, seed, spurious] of [["heldout", 600, 1, false], ["test", 600, 2, false]] as const) {
    for (const [k, v] of Object.entries(split(n, seed, spurious))) out.set(`${name}_${k}`, v);
  }
  return out;
}

function rejects(change: (a: Map<string, NpyArray>) => void, path: string, detail: RegExp) {
  const a = arrays();
  change(a);
  assert.throws(() => embeddingTask(tf, a), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.path, path);
    assert.match(e.message, detail);
    return true;
  });
}

test("bad arrays are rejected naming the file: missing, shapes, NaN, labels, groups without held-out examples", () => {
  rejects((a) => a.delete("test_g"), "test_g.npy", /a file in the data folder/);
  rejects(
    (a) => a.set("test_x", { dtype: "<f4", shape: [600, 5], data: new Float32Array(3000) }),
    "test_x.npy",
    /8 columns/,
  );
  rejects(
    (a) => a.set("heldout_y", { dtype: "<i4", shape: [10], data: new Int32Array(10) }),
    "heldout_y.npy",
    /600 values/,
  );
  rejects(
    (a) => {
      const x = (a.get("heldout_x")!.data as Float32Array).slice();
      x[17] = NaN;
      a.set("heldout_x", { dtype: "<f4", shape: [600, D], data: x });
    },
    "heldout_x.npy",
    /finite values, got "NaN at row 2, column 1"/,
  );
  rejects(
    (a) => {
      const y = (a.get("test_y")!.data as Int32Array).slice();
      y[4] = -1;
      a.set("test_y", { dtype: "<i4", shape: [600], data: y });
    },
    "test_y.npy",
    /values >= 0, got "-1 at index 4"/,
  );
  rejects(
    (a) => {
      const g = (a.get("test_g")!.data as Int32Array).slice();
      g[3] = 42;
      a.set("test_g", { dtype: "<i4", shape: [600], data: g });
    },
    "heldout_g.npy",
    /none of group 42/,
  );
  rejects(
    (a) => {
      a.set("head_w", { dtype: "<f4", shape: [D, 2], data: new Float32Array(D * 2) });
      a.set("head_b", { dtype: "<f4", shape: [2], data: new Float32Array(2) });
    },
    "labels",
    /0\.\.1/,
  );
});

test("DFR extends its grid past the top edge when the largest C wins, and records where it sat", () => {
  const task = embeddingTask(tf, arrays());
  const r = runOnEmbeddings(task, "dfr", { C: [0.003, 0.01], refits: 2 });
  assert.equal(r.selected.gridEdge, 1);
  const ext = r.diagnostics.gridExtension as { direction: number; tried: number[] };
  assert.equal(ext.direction, 1);
  assert.ok(Math.abs(ext.tried[0] - 0.03) < 1e-12, `first extension ${ext.tried[0]}`);
  assert.ok(r.selected.C > 0.01, `selected ${r.selected.C}: the extension found a better C`);
  const fixed = runOnEmbeddings(task, "dfr", { C: [0.003, 0.01], refits: 2, extendGrid: 0 });
  assert.equal(fixed.selected.C, 0.01);
  assert.equal(fixed.selected.gridEdge, 1, "the edge is recorded also when the grid is not extended");
  assert.deepEqual((fixed.diagnostics.gridExtension as { tried: number[] }).tried, []);
  assert.ok(r.test.worstGroupAccuracy >= fixed.test.worstGroupAccuracy);
  task.dispose();
});

test("DFR's one-vs-rest (default), multinomial and L2 modes all fit; a C inside the grid is no edge", () => {
  const task = embeddingTask(tf, arrays());
  const ovr = runOnEmbeddings(task, "dfr", { refits: 3 });
  const multi = runOnEmbeddings(task, "dfr", { refits: 3, multinomial: 1 });
  assert.equal(ovr.selected.multinomial, 0);
  assert.equal(multi.selected.multinomial, 1);
  for (const r of [ovr, multi]) {
    assert.ok(r.test.worstGroupAccuracy > 0.7, `${r.selected.multinomial}: WGA ${r.test.worstGroupAccuracy}`);
    assert.ok(r.diagnostics.allConverged);
  }
  const l2 = runOnEmbeddings(task, "dfr", { refits: 3, l2: 1 });
  assert.equal(l2.selected.l2, 1);
  assert.ok(l2.test.worstGroupAccuracy > 0.7, `L2: WGA ${l2.test.worstGroupAccuracy}`);
  assert.throws(() => runOnEmbeddings(task, "dfr", { l2: 1, multinomial: 1 }), /hp\.l2/);
  const inside = runOnEmbeddings(task, "dfr", { C: [1e-4, 1, 1e4], refits: 2 });
  assert.equal(inside.selected.gridEdge === 0, inside.selected.C === 1);
  task.dispose();
});

test("AFR, AFR-wg and last-layer Group DRO check validation every `every` steps: with a head that does not move, the first check wins", () => {
  const a = arrays();
  a.set("head_w", { dtype: "<f4", shape: [D, K], data: uniforms(D * K, -0.1, 0.1, 9) });
  a.set("head_b", { dtype: "<f4", shape: [K], data: new Float32Array(K) });
  const task = embeddingTask(tf, a);
  // A rate of 1e-9 leaves every checkpoint with the same validation score, and ties go to the
  // earliest, so the selected step is the first checkpoint: `every` itself.
  const still = { steps: 21, learningRate: 1e-9 };
  const runs: [string, Record<string, unknown>][] = [
    ["afr", { ...still, gamma: [1], lambda: [0], every: 7 }],
    ["afr-wg", { ...still, gamma: [1], eta: [1], lambda: [0], every: 3 }],
    ["gdro-ll", { ...still, eta: [0.1], every: 4 }],
  ];
  for (const [name, params] of runs) {
    assert.equal(runOnEmbeddings(task, name, params).selected.step, params.every, name);
  }
  assert.throws(() => runOnEmbeddings(task, "afr", { every: 0 }), /every/);
  task.dispose();
});
