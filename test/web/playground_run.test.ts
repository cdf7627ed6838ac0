// One playground run: the per-(class, attribute) grid counts what it should; a run is deterministic
// (same settings, same numbers), covers every test set with numbers in [0, 1], and reports progress
// that only moves forward and ends at 1; Deno computes the same numbers as Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DENO_BIN, freshPath, IS_DENO } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";
import { accuracyGrid, playgroundChoices, runPlayground, TEST_MODES } from "../../src/web/playground_run.ts";
import { METHOD_NAMES } from "../../src/methods/registry.ts";
import { PLAYGROUND_DEFAULTS } from "../../src/web/settings.ts";

test("the page offers every registered method but ERM (the baseline), each with its summary", () => {
  const methods = playgroundChoices().methods;
  assert.deepEqual(methods.map((m) => m.name), METHOD_NAMES.filter((n) => n !== "erm"));
  assert.ok(methods.every((m) => m.summary.length > 10));
});

test("accuracyGrid: right / count per (class, attribute), null for empty cells", () => {
  // Three examples, 10 classes, 2 attribute values; logits pick class 1, 1, 0.
  const logits = new Float32Array(30);
  logits[1] = 5;
  logits[10 + 1] = 5;
  logits[20 + 0] = 5;
  const grid = accuracyGrid(logits, Int32Array.from([1, 1, 1]), Int32Array.from([0, 0, 1]), 2);
  assert.equal(grid.length, 10);
  assert.deepEqual(grid[1], [1, 0]);
  assert.deepEqual(grid[0], [null, null]);
  assert.ok(grid.every((row) => row.length === 2));
});

test("a small run is deterministic, covers every test set, and reports forward progress", async () => {
  const settings = { ...PLAYGROUND_DEFAULTS, model: "linear", steps: 20, method: "gdro-ll", rho: 0.9 };
  const seen: number[] = [];
  const a = await runPlayground(settings, (f) => seen.push(f));
  const b = await runPlayground(settings);
  assert.deepEqual({ ...a, seconds: 0 }, { ...b, seconds: 0 });
  assert.deepEqual(a.modes.map((m) => m.mode), TEST_MODES.map((m) => m.mode));
  for (const m of a.modes) {
    for (const v of [m.erm.accuracy, m.erm.worstGroupAccuracy, m.method.accuracy, m.method.worstGroupAccuracy]) {
      assert.ok(v >= 0 && v <= 1, `${m.mode}: ${v}`);
    }
  }
  // Every test set has every group at 1000+ examples except where the mode rules a group out.
  assert.ok(a.grid.erm.flat().every((v) => v === null || (v >= 0 && v <= 1)));
  assert.equal(a.grid.erm.flat().filter((v) => v === null).length, 0, "the decorrelated set fills every cell");
  assert.equal(a.examples.length, 4);
  assert.deepEqual(
    a.examples.map((e) => e.attribute === e.label % a.numAttributes),
    [true, true, false, false],
  );
  // The feature changes the example (amplitude 1) and only in its window (patch: the first 6 positions).
  const e = a.examples[0];
  assert.ok(e.featured.slice(0, 6).some((v, t) => v !== e.clean[t]));
  assert.deepEqual(e.featured.slice(6), e.clean.slice(6));
  assert.equal(seen.at(-1), 1);
  assert.ok(seen.every((f, i) => i === 0 || f >= seen[i - 1]), `progress went back: ${seen}`);
  assert.ok(seen.length >= 4, "ERM's steps report progress");
  await assert.rejects(runPlayground({ ...settings, method: "erm" }), /method: no method called erm/);
});

test("Deno's run gives Node's numbers for the same settings", async (t) => {
  if (IS_DENO) return t.skip("runs from the Node side (it starts Deno itself)");
  const settings = { ...PLAYGROUND_DEFAULTS, model: "mlp", steps: 20, method: "afr", rho: 0.7, seed: 5 };
  const dir = resolve(await freshPath("playground-deno"));
  await mkdir(dir, { recursive: true });
  const module = pathToFileURL(resolve("src/web/playground_run.ts")).href;
  await writeFile(
    join(dir, "run.ts"),
    `import { runPlayground } from ${JSON.stringify(module)};\n` +
      `const r = await runPlayground(${JSON.stringify(settings)});\n` +
      "console.log(JSON.stringify({ ...r, seconds: 0 }));\n",
  );
  const deno = await run(DENO_BIN, ["run", "--no-prompt", join(dir, "run.ts")]);
  assert.equal(deno.code, 0, deno.stderr);
  const node = await runPlayground(settings);
  assert.deepEqual(
    JSON.parse(deno.stdout.trim().split("\n").pop()!),
    JSON.parse(JSON.stringify({ ...node, seconds: 0 })),
  );
});
