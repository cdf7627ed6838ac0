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
];
for (const [given, path, message] of BAD) {
  test(`study config rejects ${JSON.stringify(given)}, naming ${path}`, () => {
    assert.throws(
      () => resolveStudyConfig(given),
      (e: unknown) => e instanceof ConfigError && e.path === path && message.test(e.message),
    );
  });
}
