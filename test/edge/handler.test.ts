// The fetch handler's routes and its answers to hostile input: 413, 400, 422 (with the CLI's
// field-naming messages), a cost budget checked before any work, 404 and 405.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHandler } from "../../src/edge/handler.ts";
import { poster } from "../helpers/post.ts";
import { decodeNpy } from "../../src/data/npy.ts";
import { resolveMnist1dArgs } from "../../src/data/mnist1d_args.ts";
import { resolveAttributeDraw, resolveSpuriousFeature } from "../../src/data/spurious_config.ts";
import { makeDataset, trainTestRows } from "../../src/pipeline/dataset.ts";
import { trainModel } from "../../src/pipeline/train_model.ts";
import { resolveTrainConfig } from "../../src/tf/train_config.ts";
import { disposeModel } from "../../src/tf/models.ts";

const handler = createHandler({ maxBodyBytes: 4096, maxCost: 5e8 });
const post = poster(handler);

test("GET /health", async () => {
  const r = await handler(new Request("http://local/health"));
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { ok: true, name: "spurious1d" });
});

test("POST /generate returns JSON arrays, or one array as .npy by Accept", async () => {
  const r = await post("/generate", {
    mnist: { numSamples: 100 },
    spurious: { feature: { amplitude: 1 }, train: { rho: 0.9 } },
  });
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.deepEqual(body.x.shape, [80, 40]);
  assert.equal(body.a.data.length, 80);
  const npy = await post("/generate?array=y_test", { mnist: { numSamples: 100 } }, { accept: "application/x-npy" });
  assert.equal(npy.headers.get("content-type"), "application/x-npy");
  const a = decodeNpy(new Uint8Array(await npy.arrayBuffer()));
  assert.deepEqual([a.dtype, a.shape], ["<i8", [20]]);
});

test("POST /train returns the metrics of the library's trainModel for the same data and config", async () => {
  const mnist = { numSamples: 300 };
  const spurious = { feature: { amplitude: 1 }, train: { rho: 0.9, seed: 3 } };
  const r = await post("/train", { mnist, spurious, training: { model: "linear", steps: 10 } });
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.equal(body.model, "linear");
  const args = resolveMnist1dArgs(mnist);
  const train = resolveAttributeDraw(spurious.train);
  const rows = trainTestRows(
    await makeDataset({
      args,
      spurious: {
        feature: resolveSpuriousFeature(spurious.feature, 40),
        train,
        test: resolveAttributeDraw({ ...train, mode: "absent", seed: train.seed + 1 }),
      },
    }),
  );
  const config = resolveTrainConfig({ model: "linear", steps: 10, evalEvery: 10 });
  const trained = await trainModel(config, rows);
  disposeModel(trained.model);
  // The same bits: the route adds nothing to the pipeline's numbers.
  assert.equal(body.test.accuracy, trained.test.averageAccuracy);
  assert.equal(body.test.worstGroupAccuracy, trained.test.worstGroupAccuracy);
  assert.equal(body.test.meanLoss, trained.test.meanLoss);
  assert.ok(body.test.worstGroupAccuracy <= body.test.accuracy, "the worst group is no better than the average");
  assert.equal(rows.numGroups, 100, "fine groups: 10 classes x 10 attribute values");
});

const HOSTILE: [string, () => Promise<Response>, number, RegExp][] = [
  ["a body over the limit", () => post("/generate", "x".repeat(5000)), 413, /body: expected at most 4096 bytes/],
  ["invalid JSON", () => post("/generate", "{oops"), 400, /body: expected JSON/],
  ["a JSON array body", () => post("/generate", [1, 2]), 422, /body: expected an object/],
  [
    "a bad field",
    () => post("/generate", { mnist: { seed: 1.5 } }),
    422,
    /mnist\.seed: expected an integer in \[0, 4294967295\], got 1\.5/,
  ],
  [
    "a bad spurious field",
    () => post("/generate", { spurious: { train: { rho: 3 } } }),
    422,
    /spurious\.train\.rho: expected a finite number in \[0, 1\], got 3/,
  ],
  [
    "an unknown field",
    () => post("/train", { training: { stepz: 3 } }),
    422,
    /training\.stepz: expected one of the known fields/,
  ],
  [
    "too many examples",
    () => post("/generate?array=y", { mnist: { numSamples: 1000000 } }, { accept: "application/x-npy" }),
    422,
    /cost: expected a request costing at most 500000000 units, got \d+/,
  ],
  [
    "too much training",
    () => post("/train", { training: { steps: 3000 } }),
    422,
    /cost: expected a request costing at most 500000000 units/,
  ],
  ["an unknown route", () => handler(new Request("http://local/etc/passwd")), 404, /route: expected one of/],
  ["a wrong method", () => handler(new Request("http://local/train")), 405, /method: expected POST, got GET/],
  [
    "a wrong method on /health",
    () => handler(new Request("http://local/health", { method: "DELETE" })),
    405,
    /method: expected GET, got DELETE/,
  ],
];
for (const [name, send, status, message] of HOSTILE) {
  test(`hostile input: ${name} -> ${status}`, async () => {
    const r = await send();
    assert.equal(r.status, status);
    assert.match((await r.json()).error, message);
  });
}

test("a request over budget is refused before any work starts", async () => {
  const start = performance.now();
  const r = await post("/train", { mnist: { numSamples: 5000 }, training: { model: "cnn", steps: 100000 } });
  assert.equal(r.status, 422);
  assert.ok(performance.now() - start < 2000, "refused without training");
});
