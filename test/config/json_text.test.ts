// Untrusted JSON text: the nesting limit is checked by a linear scan before JSON.parse (brackets in
// strings do not count), and error messages render hostile values cut short instead of overflowing.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonDepth, JsonTextError, parseJsonText } from "../../src/config/json_text.ts";
import { ConfigError, describe } from "../../src/config/errors.ts";

test("depth: counted outside strings, escapes respected", () => {
  assert.equal(jsonDepth("1"), 0);
  assert.equal(jsonDepth('{"a":[1,{"b":[]}]}'), 4);
  assert.equal(jsonDepth('"[[[[\\"[["'), 0);
  assert.equal(jsonDepth('{"a\\\\":[[1]]}'), 3);
});

test("property: jsonDepth equals the depth of the parsed value", () => {
  const depthOf = (v: unknown): number =>
    v !== null && typeof v === "object" ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0;
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
      assert.equal(jsonDepth(JSON.stringify(v)), depthOf(v));
    }),
    { seed: 7, numRuns: 300 },
  );
});

test("100,000 levels: rejected as too deep without touching the stack", () => {
  const text = "[".repeat(100_000) + "]".repeat(100_000);
  assert.throws(() => parseJsonText(text), (e: unknown) => e instanceof JsonTextError && e.reason === "depth");
  assert.throws(() => parseJsonText("{oops"), (e: unknown) => e instanceof JsonTextError && e.reason === "syntax");
  assert.deepEqual(parseJsonText('{"a":[1]}'), { a: [1] });
});

test("describe cuts deep and long values short", () => {
  let deep: unknown = 0;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(describe(deep), "[[[[...]]]]");
  assert.ok(describe("x".repeat(10_000)).length <= 120);
  assert.ok(new ConfigError("a", "b", deep).message.length < 200);
  assert.equal(describe(NaN), "NaN");
  assert.equal(describe({ a: [1, "2"] }), '{"a":[1,"2"]}');
});
