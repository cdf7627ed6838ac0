// The study config: defaults, quick mode, and errors naming the path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveStudyConfig, STUDY_DEFAULTS } from "../../src/study/config.ts";
import { studyCells } from "../../src/study/cells.ts";
import { ConfigError } from "../../src/config/errors.ts";

test("defaults and quick mode", () => {
  assert.deepEqual(resolveStudyConfig({}), { ...STUDY_DEFAULTS });
  const quick = resolveStudyConfig({}, true);
  assert.ok(quick.steps < STUDY_DEFAULTS.steps && quick.seeds.length === 1);
});

test("cells: one per strength and seed, ids unique, base cells first", () => {
  const c = resolveStudyConfig({});
  const cells = studyCells(c);
  assert.equal(new Set(cells.map((x) => x.id)).size, cells.length);
  assert.ok(cells[0].base);
  assert.equal(cells.filter((x) => x.base).length, c.seeds.length);
});

const BAD: [unknown, string, RegExp][] = [
  [{ rho: 1.5 }, "rho", /in \[0, 1\], got 1\.5/],
  [{ rhos: [] }, "rhos", /a non-empty list of numbers/],
  [{ rhos: [0.5, "x"] }, "rhos[1]", /got "x"/],
  [{ methods: ["dfr", "magic"] }, "methods[1]", /one of erm, dfr/],
  [{ model: "gpt" }, "model", /one of "linear", "mlp", "cnn"/],
  [{ heldoutSizes: [5] }, "heldoutSizes[0]", /integer in \[20,/],
  [{ stepz: 3 }, "stepz", /known fields/],
  [[1, 2], "config", /an object/],
  [{ methods: [] }, "methods", /a non-empty list of method names/],
  [{ methods: ["toString"] }, "methods[0]", /one of erm/],
  [{ methods: ["__proto__"] }, "methods[0]", /one of erm/],
  [{ methods: ["dfr", "dfr"] }, "methods[1]", /not already in the list/],
  [{ seeds: [0, 0] }, "seeds[1]", /not already in the list, got 0/],
  [{ amplitude: 1e308 }, "amplitude", /in \[0, 1000\], got 1e\+308/],
  [{ amplitudes: [1, 2000] }, "amplitudes[1]", /in \[0, 1000\]/],
  [{ afrGammas: [-1] }, "afrGammas[0]", /in \[0, 100\]/],
  [{ dfrC: [0] }, "dfrC[0]", /in \[0\.000001, 10000\]/],
  [{ dfrRefits: 1.5 }, "dfrRefits", /an integer/],
];
for (const [given, path, message] of BAD) {
  test(`study config rejects ${JSON.stringify(given)}, naming ${path}`, () => {
    assert.throws(
      () => resolveStudyConfig(given),
      (e: unknown) => e instanceof ConfigError && e.path === path && message.test(e.message),
    );
  });
}

test("every Object.prototype name, as a config key or as a method, is rejected naming it", () => {
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    const asKey = JSON.parse(`{${JSON.stringify(name)}: 1}`);
    assert.throws(
      () => resolveStudyConfig(asKey),
      (e: unknown) => e instanceof ConfigError && e.path === name && /known fields/.test(e.message),
      name,
    );
    assert.throws(
      () => resolveStudyConfig({ methods: [name] }),
      (e: unknown) => e instanceof ConfigError && e.path === "methods[0]",
      name,
    );
  }
});
