// Every failure the outside test found in the fetch handler, one test each, and every
// Object.prototype property name sent to every place a name is looked up: all answered with a 4xx
// that names the field, never a 500.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHandler } from "../../src/edge/handler.ts";
import { poster } from "../helpers/post.ts";

const handler = createHandler({ maxBodyBytes: 64 * 1024, maxCost: 2e9, maxResponseBytes: 8 * 2 ** 20 });
const post = poster(handler);

/** Every name Object.prototype has (constructor, toString, __proto__, hasOwnProperty, ...). */
export const PROTOTYPE_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype);

const nested = (depth: number, leaf: string) => "[".repeat(depth) + leaf + "]".repeat(depth);

async function expectStatus(r: Response, status: number, message: RegExp): Promise<void> {
  const text = await r.text();
  assert.equal(r.status, status, text.slice(0, 300));
  assert.match(JSON.parse(text).error, message);
}

test("10,000 levels of nesting (body, mnist.padding, config.seeds, cell.rho) -> 400, no stack overflow", async () => {
  await expectStatus(await post("/generate", nested(10_000, "")), 400, /nested at most 32 levels/);
  await expectStatus(await post("/generate", `{"mnist":{"padding":${nested(10_000, "1")}}}`), 400, /nested/);
  await expectStatus(await post("/experiment", `{"config":{"seeds":${nested(10_000, "0")}}}`), 400, /nested/);
  await expectStatus(await post("/experiment", `{"cell":{"rho":${nested(10_000, "0.5")}}}`), 400, /nested/);
  // Brackets inside strings are not nesting.
  await expectStatus(await post("/generate", { mnist: { seed: "[".repeat(10_000) } }), 422, /mnist\.seed/);
});

test("a body stream that errors part-way -> 400", async () => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"mnist":'));
      controller.error(new Error("connection reset"));
    },
  });
  const init = { method: "POST", body, duplex: "half" } as RequestInit;
  await expectStatus(await handler(new Request("http://local/generate", init)), 400, /stream that failed/);
});

test("invalid UTF-8 -> 400", async () => {
  const init = { method: "POST", body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) };
  await expectStatus(await handler(new Request("http://local/generate", init)), 400, /invalid UTF-8/);
});

const NO_COERCION: [string, unknown][] = [
  ["cell.rho", "0.5"],
  ["cell.rho", [0.5]],
  ["cell.rho", true],
  ["cell.seed", ""],
  ["cell.seed", []],
  ["cell.seed", "7"],
  ["cell.seed", 1e300],
  ["cell.amplitude", null],
];
for (const [path, value] of NO_COERCION) {
  test(`strict types: ${path} = ${JSON.stringify(value)} -> 422 naming it`, async () => {
    const [, key] = path.split(".");
    await expectStatus(
      await post("/experiment", { cell: { [key]: value } }),
      422,
      new RegExp(`^${path.replace(".", "\\.")}:`),
    );
  });
}

const UNKNOWN_KEYS: [string, unknown, RegExp][] = [
  ["/generate", { mnsit: {} }, /^mnsit: expected one of the known fields/],
  ["/train", { trainig: {} }, /^trainig: expected one of the known fields/],
  ["/experiment", { cell: { rhoo: 1 } }, /^cell\.rhoo: expected one of the known fields/],
  ["/generate", { spurious: { feature: {}, extra: 1 } }, /^spurious\.extra:/],
  ["/generate", { mnist: null }, /^mnist: expected an object, got null/],
  ["/experiment", { quick: "yes" }, /^quick: expected true or false/],
];
for (const [route, body, message] of UNKNOWN_KEYS) {
  test(`unknown keys and null sections -> 422: ${route} ${JSON.stringify(body)}`, async () => {
    await expectStatus(await post(route, body), 422, message);
  });
}

const TOO_COSTLY: [string, string, unknown, Record<string, string>, RegExp][] = [
  ["a million examples as JSON", "/generate", { mnist: { numSamples: 1_000_000 } }, {}, /^response: expected/],
  [
    "40 examples of length 2^20",
    "/generate",
    { mnist: { numSamples: 40, finalSeqLength: 1_048_576 } },
    {},
    /^response: expected/,
  ],
  [
    "template length 2^20 with 2,000 examples",
    "/generate?array=y",
    { mnist: { numSamples: 2000, templateLen: 1_048_576 } },
    { accept: "application/x-npy" },
    /^cost: expected/,
  ],
  [
    "padding 2^20 with 2,000 examples",
    "/generate?array=y",
    { mnist: { numSamples: 2000, padding: [0, 1_048_576] } },
    { accept: "application/x-npy" },
    /^cost: expected/,
  ],
  ["a study cell with a test set of 2e6", "/experiment", { config: { steps: 1, testSize: 2_000_000 } }, {}, /^cost:/],
  ["a large CNN training", "/train", { training: { model: "cnn", steps: 20_000 } }, {}, /^cost:/],
];
for (const [name, route, body, headers, message] of TOO_COSTLY) {
  test(`cost model: ${name} -> 422 before any work`, async () => {
    const start = performance.now();
    await expectStatus(await post(route, body, headers), 422, message);
    assert.ok(performance.now() - start < 1000, `refused in ${performance.now() - start} ms`);
  });
}

test("every Object.prototype name as ?array, a body key at each level, a method, a route -> 4xx", async () => {
  for (const name of PROTOTYPE_NAMES) {
    const q = encodeURIComponent(name);
    const cases: [string, Promise<Response>][] = [
      ["?array", post(`/generate?array=${q}`, {}, { accept: "application/x-npy" })],
      ["query key", post(`/train?${q}=1`, {})],
      ["body key", post("/generate", `{${JSON.stringify(name)}:{}}`)],
      ["mnist key", post("/generate", `{"mnist":{${JSON.stringify(name)}:1}}`)],
      ["spurious key", post("/generate", `{"spurious":{${JSON.stringify(name)}:{}}}`)],
      ["feature key", post("/generate", `{"spurious":{"feature":{${JSON.stringify(name)}:1}}}`)],
      ["training key", post("/train", `{"training":{${JSON.stringify(name)}:1}}`)],
      ["config key", post("/experiment", `{"config":{${JSON.stringify(name)}:1}}`)],
      ["cell key", post("/experiment", `{"cell":{${JSON.stringify(name)}:1}}`)],
      ["method", post("/experiment", { config: { methods: [name] } })],
      ["model", post("/train", { training: { model: name } })],
      ["route", handler(new Request(`http://local/${q}`, { method: "POST", body: "{}" }))],
    ];
    for (const [where, pending] of cases) {
      const r = await pending;
      const text = await r.text();
      assert.ok(r.status >= 400 && r.status < 500, `${name} as ${where}: ${r.status} ${text.slice(0, 200)}`);
      assert.ok(!/internal error/.test(text), `${name} as ${where}: ${text.slice(0, 200)}`);
    }
  }
});
