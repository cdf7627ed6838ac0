// The `lastlayer` command end to end on .npy files: JSON result and output folder, and bad input
// (missing files, NaN features, unknown methods, a method that needs ERM's head) as one line and exit 2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cliCommand, freshPath } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";
import { encodeNpy, int64Of } from "../../src/data/npy.ts";
import { uniforms } from "../../src/random/draws.ts";

const cli = (args: string[]) => {
  const c = cliCommand(args);
  return run(c.cmd, c.args);
};

const D = 6;
const K = 3;

/** A folder of embeddings: class signal on feature y, attribute on feature K + a, groups y * K + a. */
async function dataDir(options: { nan?: boolean; head?: boolean } = {}): Promise<string> {
  const dir = await freshPath("lastlayer-data");
  await mkdir(dir, { recursive: true });
  for (const [name, n, seed] of [["heldout", 450, 1], ["test", 300, 2]] as const) {
    const x = Float64Array.from(uniforms(n * D, -1, 1, seed));
    const y = new Int32Array(n);
    const g = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % K;
      const a = Math.floor(i / K) % K;
      g[i] = y[i] * K + a;
      x[i * D + y[i]] += 1.5;
      x[i * D + K + a] += 1;
    }
    if (options.nan && name === "test") x[7] = NaN;
    await writeFile(join(dir, `${name}_x.npy`), encodeNpy({ dtype: "<f8", shape: [n, D], data: x }));
    await writeFile(join(dir, `${name}_y.npy`), encodeNpy({ dtype: "<i8", shape: [n], data: int64Of(y) }));
    await writeFile(join(dir, `${name}_g.npy`), encodeNpy({ dtype: "<i4", shape: [n], data: g }));
  }
  if (options.head) {
    const W = new Float32Array(D * K);
    for (let c = 0; c < K; c++) W[c * K + c] = 1;
    await writeFile(join(dir, "head_w.npy"), encodeNpy({ dtype: "<f4", shape: [D, K], data: W }));
    await writeFile(join(dir, "head_b.npy"), encodeNpy({ dtype: "<f4", shape: [K], data: new Float32Array(K) }));
  }
  return dir;
}

test("lastlayer --json prints the method, its choice, test metrics and its time; --out writes them", async () => {
  const data = await dataDir({ head: true });
  const out = await freshPath("lastlayer-out");
  const r = await cli(["lastlayer", "--method", "dfr", "--data", data, "--hp", "refits=3", "--json", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.method, "dfr");
  assert.equal(result.selected.refits, 3);
  assert.ok([1, 0.7, 0.3, 0.1, 0.07, 0.03, 0.01].includes(result.selected.C) || result.selected.gridEdge !== 0);
  for (const key of ["averageAccuracy", "worstGroupAccuracy", "meanGroupAccuracy", "worstClassAccuracy"]) {
    assert.ok(result.test[key] >= 0 && result.test[key] <= 1, key);
  }
  assert.ok(result.test.worstGroupAccuracy > 0.5, `WGA ${result.test.worstGroupAccuracy}`);
  assert.equal(result.test.n, 300);
  assert.ok(result.seconds > 0);
  assert.deepEqual((await readdir(out)).sort(), ["result.json", "test_logits.npy"]);
  assert.equal(JSON.parse(await readFile(join(out, "result.json"), "utf8")).method, "dfr");
  const afr = await cli(["lastlayer", "--method", "gdro-ll", "--data", data, "--hp", "steps=20", "--json"]);
  assert.equal(afr.code, 0, afr.stderr);
  assert.match(JSON.parse(afr.stdout).notes[0], /no val_\*\.npy/);
});

test("lastlayer rejects bad input with one line and exit code 2", async () => {
  const data = await dataDir();
  const partial = await dataDir();
  await rm(join(partial, "test_g.npy"));
  const cases: [string[], RegExp][] = [
    [["--method", "dfr", "--data", partial], /--data: expected .*test_g\.npy \(every run needs/],
    [["--method", "dfr", "--data", data + "-missing"], /--data: expected a folder of \.npy files/],
    [
      ["--method", "nope", "--data", data],
      /--method: expected one of dfr, dfr-tr, afr, afr-wg, gdro-ll, probe, cb-llr, self, evals, dpe, logit-scale, got/,
    ],
    [["--method", "afr", "--data", data], /head_w\.npy: expected ERM's head/],
    [["--method", "dfr", "--data", data, "--hp", "gamma=2"], /--hp gamma \(dfr\): expected a hyperparameter of dfr/],
    [
      ["--method", "dfr", "--data", await dataDir({ nan: true })],
      /test_x\.npy: expected finite values, got NaN at row 1/,
    ],
    [["--data", data], /--method: expected one of/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(["lastlayer", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1, "one line, no stack trace");
  }
});
