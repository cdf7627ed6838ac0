// Validation of spurious-feature and attribute-draw configs: errors name the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveAttributeDraw, resolveSpuriousFeature } from "../../src/data/spurious_config.ts";
import { ConfigError } from "../../src/config/errors.ts";

const BAD: [string, () => unknown, string, RegExp][] = [
  ["rho above 1", () => resolveAttributeDraw({ rho: 1.2 }), "rho", /in \[0, 1\], got 1\.2/],
  ["negative rho", () => resolveAttributeDraw({ rho: -0.1 }), "rho", /got -0\.1/],
  [
    "unknown mode",
    () => resolveAttributeDraw({ mode: "mixed" }),
    "mode",
    /one of "aligned", "random", "conflicting", "absent"/,
  ],
  ["K below 2", () => resolveSpuriousFeature({ numAttributes: 1 }, 40), "numAttributes", /integer in \[2,/],
  [
    "window past the end",
    () => resolveSpuriousFeature({ windowStart: 36, windowWidth: 6 }, 40),
    "windowStart",
    /inside the sequence of 40/,
  ],
  [
    "jitter pushing the window out",
    () => resolveSpuriousFeature({ windowStart: 1, jitter: 2 }, 40),
    "windowStart",
    /jitter 2/,
  ],
  ["negative amplitude", () => resolveSpuriousFeature({ amplitude: -1 }, 40), "amplitude", />= 0, got -1/],
  ["NaN amplitude", () => resolveSpuriousFeature({ amplitude: NaN }, 40), "amplitude", /got NaN/],
  [
    "unknown kind",
    () => resolveSpuriousFeature({ kind: "stripe" }, 40),
    "kind",
    /one of "patch", "frequency", "offset"/,
  ],
  ["unknown field", () => resolveSpuriousFeature({ amplitud: 1 }, 40), "amplitud", /known fields/],
];

for (const [name, call, path, message] of BAD) {
  test(`rejects ${name}, naming ${path}`, () => {
    assert.throws(call, (e: unknown) => e instanceof ConfigError && e.path === path && message.test(e.message));
  });
}

test("nested paths are named in full", () => {
  assert.throws(
    () => resolveAttributeDraw({ rho: 2 }, "splits.train.attributes"),
    (e: unknown) => e instanceof ConfigError && e.message.startsWith("splits.train.attributes.rho: expected"),
  );
});
