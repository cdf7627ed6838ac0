// Argument validation: every bad value is rejected with an error naming the field, the
// expectation and the value; good values pass through unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MNIST1D_DEFAULTS, resolveMnist1dArgs } from "../../src/data/mnist1d_args.ts";
import { ConfigError } from "../../src/config/errors.ts";

test("no arguments gives the reference defaults", () => {
  assert.deepEqual(resolveMnist1dArgs({}), { ...MNIST1D_DEFAULTS });
});

const BAD: [string, Record<string, unknown>, string, RegExp][] = [
  ["fractional num_samples", { numSamples: 100.5 }, "numSamples", /an integer in \[10, 2147483647\], got 100\.5/],
  ["too few samples", { numSamples: 9 }, "numSamples", /got 9$/],
  ["num_samples as text", { numSamples: "many" }, "numSamples", /got "many"/],
  ["train split leaving test empty", { trainSplit: 1 }, "trainSplit", /both splits non-empty/],
  ["train split leaving train empty", { numSamples: 10, trainSplit: 0.05 }, "trainSplit", /got 0\.05/],
  ["padding low above high", { padding: [10, 5] }, "padding", /low <= high.*got \[10,5\]/],
  ["negative padding", { padding: [-1, 5] }, "padding[0]", /got -1/],
  ["padding of one number", { padding: [5] }, "padding", /two integers/],
  ["seed above 2^32-1", { seed: 2 ** 32 }, "seed", /\[0, 4294967295\].*got 4294967296/],
  ["negative seed", { seed: -1 }, "seed", /got -1/],
  ["fractional seed", { seed: 1.5 }, "seed", /got 1\.5/],
  ["final length 1", { finalSeqLength: 1 }, "finalSeqLength", /integer in \[2, 1048576\], got 1$/],
  ["NaN scale", { scaleCoeff: NaN }, "scaleCoeff", /finite number.*got NaN/],
  ["infinite noise", { iidNoiseScale: Infinity }, "iidNoiseScale", /got Infinity/],
  ["negative shear", { shearScale: -0.5 }, "shearScale", /finite number >= 0/],
  ["max translation 0", { maxTranslation: 0 }, "maxTranslation", /integer in \[1,/],
  ["shuffle_seq as a string", { shuffleSeq: "yes" }, "shuffleSeq", /true or false/],
  ["unknown field", { numSample: 5 }, "numSample", /known fields/],
  ["dataset too large for WASM memory", { numSamples: 2e9 }, "numSamples", /3\.5 GiB/],
];

for (const [name, given, path, message] of BAD) {
  test(`rejects ${name}, naming ${path}`, () => {
    assert.throws(() => resolveMnist1dArgs(given), (e: unknown) => {
      assert.ok(e instanceof ConfigError, `not a ConfigError: ${e}`);
      assert.equal(e.path, path);
      assert.match(e.message, message);
      assert.ok(e.message.startsWith(`${path}: expected `), e.message);
      return true;
    });
  });
}
