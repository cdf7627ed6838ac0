// Property tests of the fetch handler against arbitrary input. Invariants, in words:
// 1. Whatever bytes, JSON or near-valid config arrive at whatever route, the answer is a 2xx or a 4xx
//    with a JSON error naming what was wrong: never a 500, never a thrown exception.
// 2. A request the cost model accepts finishes within FACTOR times its predicted time. Predicted
//    time is cost units x the nanoseconds per unit this machine shows right now, measured in the same
//    run on reference requests (the machine is shared, so absolute speed varies several-fold).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createHandler, ROUTE_PATHS } from "../../src/edge/handler.ts";
import { cellCost, generateCost, trainCost } from "../../src/edge/cost.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { resolveMnist1dArgs } from "../../src/data/mnist1d_args.ts";
import { resolveTrainConfig } from "../../src/tf/train_config.ts";

/** The stated factor: an accepted request takes at most this many times its predicted time. */
const FACTOR = 10;
/** Small limits, so that accepted requests stay quick enough for a test. */
const LIMITS = { maxBodyBytes: 4096, maxCost: 3e8, maxResponseBytes: 2 ** 20 };
const handler = createHandler(LIMITS);
/** For the timing property: room for a small study cell (about a second of one core). */
const roomy = createHandler({ ...LIMITS, maxCost: 3e9 });
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

interface Outcome {
  status: number;
  ms: number;
  units?: number;
}
const accepted: { route: string; ms: number; units: number }[] = [];

async function send(
  route: string,
  body: BodyInit,
  headers: Record<string, string> = {},
  h: (r: Request) => Promise<Response> = handler,
): Promise<Outcome> {
  const start = performance.now();
  const r = await h(new Request(`http://local${route}`, { method: "POST", body, headers }));
  const bytes = new Uint8Array(await r.arrayBuffer());
  const ms = performance.now() - start;
  assert.ok(r.status < 500, `${route} ${r.status}: ${new TextDecoder().decode(bytes.slice(0, 300))}`);
  assert.ok(r.status >= 200, `${route}: status ${r.status}`);
  if (r.status >= 400) {
    const error = JSON.parse(new TextDecoder().decode(bytes)).error;
    assert.equal(typeof error, "string");
    assert.ok(error.length > 0 && !/internal error|at .*\.ts:\d+/.test(error), error);
  }
  return { status: r.status, ms };
}

const postRoutes = ROUTE_PATHS.filter((p) => p !== "/health");
const routeArb = fc.constantFrom(...postRoutes);
const RUNS = { seed: 190019, numRuns: 60 };

test("arbitrary bytes to every route: 2xx or 4xx, never 500", async () => {
  await fc.assert(
    fc.asyncProperty(routeArb, fc.uint8Array({ maxLength: 6000 }), async (route, bytes) => {
      await send(route, bytes);
    }),
    RUNS,
  );
});

test("arbitrary JSON to every route: 2xx or 4xx, never 500", async () => {
  await fc.assert(
    fc.asyncProperty(routeArb, fc.json({ maxDepth: 40 }), async (route, text) => {
      await send(route, text);
    }),
    RUNS,
  );
});

// Values a careless or hostile client sends in place of the right one.
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -5, max: 200 }),
  fc.double(),
  fc.constantFrom(0, 1, 2, 3, 10, 40, 100, 1e300, -1, 0.5, 2 ** 20, 2 ** 31, 2 ** 53),
  fc.string({ maxLength: 8 }),
  fc.constantFrom(...PROTOTYPE_NAMES, "mlp", "cnn", "linear", "dfr", "afr", "erm", "patch", "aligned"),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer({ min: -2, max: 100 }), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom(...PROTOTYPE_NAMES, "x"), fc.integer(), { maxKeys: 2 }),
);
const section = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), oddValue, { maxKeys: 3 });
const mnistKeys = ["numSamples", "trainSplit", "templateLen", "padding", "finalSeqLength", "seed", "shuffleSeq"];
const bodyArb = fc.record(
  {
    mnist: section(mnistKeys),
    training: section(["model", "steps", "batchSize", "learningRate", "optimizer", "seed"]),
    spurious: fc.record({ feature: section(["amplitude", "kind", "windowWidth"]), train: section(["rho", "seed"]) }, {
      requiredKeys: [],
    }),
    config: section(["steps", "seeds", "methods", "testSize", "model", "heldoutSizes", "amplitude"]),
    cell: section(["rho", "amplitude", "seed"]),
    quick: oddValue,
  },
  { requiredKeys: [] },
);

test("near-valid bodies to every route: 2xx or 4xx, never 500", async () => {
  await fc.assert(
    fc.asyncProperty(
      routeArb,
      bodyArb,
      fc.option(fc.constantFrom("x", "y", "t", "g", "__proto__", "constructor")),
      async (route, body, array) => {
        const npy = array !== null && route === "/generate";
        await send(
          npy ? `${route}?array=${array}` : route,
          JSON.stringify(body),
          npy ? { accept: "application/x-npy" } : {},
        );
      },
    ),
    { ...RUNS, numRuns: 120 },
  );
});

// Requests that the cost model accepts, of every shape that scales, to check the timing factor.
const acceptedArb = fc.oneof(
  fc.record({
    route: fc.constant("/generate"),
    mnist: fc.record({
      numSamples: fc.integer({ min: 10, max: 3000 }),
      templateLen: fc.integer({ min: 1, max: 400 }),
      padding: fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 10, max: 400 })),
      finalSeqLength: fc.integer({ min: 3, max: 300 }),
    }),
    npy: fc.boolean(),
  }),
  fc.record({
    route: fc.constant("/train"),
    mnist: fc.record({
      numSamples: fc.integer({ min: 100, max: 3000 }),
      finalSeqLength: fc.integer({ min: 3, max: 120 }),
    }),
    training: fc.record({
      model: fc.constantFrom("linear", "mlp", "cnn"),
      steps: fc.integer({ min: 1, max: 200 }),
      batchSize: fc.integer({ min: 1, max: 50 }),
    }),
  }),
  fc.record({
    route: fc.constant("/experiment"),
    config: fc.record({
      steps: fc.integer({ min: 1, max: 20 }),
      testSize: fc.integer({ min: 100, max: 400 }),
      models: fc.subarray(["mlp", "cnn"], { minLength: 1, maxLength: 1 }),
      heldoutSize: fc.integer({ min: 20, max: 300 }),
      heldoutSweep: fc.record({
        method: fc.constant("dfr"),
        sizes: fc.uniqueArray(fc.integer({ min: 20, max: 300 }), { minLength: 1, maxLength: 2 }),
        compositions: fc.constant(["decorrelated"]),
      }),
      gammaSweep: fc.record({
        method: fc.constant("afr"),
        gammas: fc.constant([4]),
        arms: fc.constant(["like-training"]),
      }),
      methods: fc.subarray(["erm", "dfr", "afr", "gdro-ll"], { minLength: 1, maxLength: 2 }).map((names) =>
        Object.fromEntries(
          names.map((m) => [m, m === "dfr" ? { C: [0.1], refits: 1 } : m === "afr" ? { gamma: [4], lambda: [0] } : {}]),
        )
      ),
    }),
    sweeps: fc.boolean(),
  }),
);

test(`accepted requests finish within ${FACTOR}x their predicted time`, async () => {
  // Warm up (WebAssembly compilation, the tfjs backend) outside the measurement.
  await send("/train", JSON.stringify({ mnist: { numSamples: 200 }, training: { model: "cnn", steps: 2 } }));
  await send("/generate", JSON.stringify({ mnist: { numSamples: 200 } }));
  // Nanoseconds per unit now: the best of three reference requests (a generation and a training).
  const reference = async () => {
    const m = { numSamples: 4000 };
    const t = { model: "mlp", steps: 100, batchSize: 50 };
    const units = generateCost(resolveMnist1dArgs(m), false, "x").units +
      trainCost(resolveMnist1dArgs(m), false, resolveTrainConfig(t, 3200)).units;
    const start = performance.now();
    await send("/generate?array=x", JSON.stringify({ mnist: m }), { accept: "application/x-npy" });
    await send("/train", JSON.stringify({ mnist: m, training: t }));
    return ((performance.now() - start) * 1e6) / units;
  };
  const nsPerUnit = Math.min(await reference(), await reference(), await reference());
  const ratios: number[] = [];
  let worst = "";
  await fc.assert(
    fc.asyncProperty(acceptedArb, async (req) => {
      const { route, ...rest } = req;
      const isNpy = "npy" in rest && rest.npy;
      const body = JSON.stringify(isNpy ? { mnist: rest.mnist } : { ...rest, npy: undefined });
      const units = "config" in rest
        ? cellCost(resolveStudyConfig(rest.config), {
          model: rest.config.models[0] as "mlp" | "cnn",
          base: true,
          sweeps: rest.sweeps,
        }).units
        : route === "/generate"
        ? generateCost(resolveMnist1dArgs(rest.mnist), false, isNpy ? "x" : undefined).units
        : trainCost(
          resolveMnist1dArgs(rest.mnist),
          false,
          resolveTrainConfig("training" in rest ? rest.training : {}, Infinity),
        ).units;
      const o = await send(
        isNpy ? `${route}?array=x` : route,
        body,
        isNpy ? { accept: "application/x-npy" } : {},
        roomy,
      );
      if (o.status !== 200) return; // refused (over budget, batch over the training set): nothing ran
      const ratio = (o.ms * 1e6) / (units * nsPerUnit);
      if (ratios.every((r) => r < ratio)) worst = `${route} ${body}`;
      ratios.push(ratio);
      accepted.push({ route, ms: o.ms, units });
      assert.ok(ratio <= FACTOR, `${route} ${body}: ${o.ms.toFixed(0)} ms, ${ratio.toFixed(2)}x predicted`);
    }),
    { seed: 190019, numRuns: 24 },
  );
  assert.ok(ratios.length >= 10, `enough accepted requests to say anything (${ratios.length})`);
  ratios.sort((a, b) => a - b);
  console.log(
    `cost model: ${ratios.length} accepted requests (${
      postRoutes.map((r) => `${r} ${accepted.filter((a) => a.route === r).length}`).join(", ")
    }), time / predicted (x ${nsPerUnit.toFixed(2)} ns/unit now): ` +
      `median ${ratios[ratios.length >> 1].toFixed(2)}, max ${
        ratios[ratios.length - 1].toFixed(2)
      } (stated factor ${FACTOR}), worst ${worst}`,
  );
});
