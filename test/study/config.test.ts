// The study config: defaults, presets, per-method hyperparameters, the cells, and errors naming the path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveStudyConfig, STUDY_DEFAULTS } from "../../src/study/config.ts";
import { studyCells } from "../../src/study/cells.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { DFR_C_GRID } from "../../src/methods/dfr.ts";

test("defaults, presets, and a resolved config resolves to itself", () => {
  const c = resolveStudyConfig({});
  assert.deepEqual(c.models, ["mlp", "cnn"]);
  assert.deepEqual(c.kinds, ["patch", "frequency", "offset"]);
  assert.ok(c.seeds.length >= 3);
  // A method's entry is its defaults with the config's values over them.
  assert.deepEqual(c.methods.dfr.C, STUDY_DEFAULTS.methods.dfr.C);
  assert.equal(c.methods.dfr.multinomial, 0);
  assert.deepEqual(c.methods["cb-llr"].C, DFR_C_GRID);
  const quick = resolveStudyConfig({}, "quick");
  assert.ok(quick.steps < c.steps && quick.seeds.length === 1);
  assert.deepEqual(resolveStudyConfig({}, true), quick, "true means the quick preset");
  const full = resolveStudyConfig({}, "full");
  assert.equal(full.seeds.length, 5);
  assert.deepEqual(full.groupings, ["coarse", "fine"]);
  for (const m of ["jtt", "subg", "rwg", "gdro"]) assert.ok(Object.hasOwn(full.methods, m), m);
  for (const config of [c, quick, full]) {
    assert.deepEqual(resolveStudyConfig(JSON.parse(JSON.stringify(config))), config);
  }
});

test("fields that name methods follow a user's method list unless given", () => {
  const c = resolveStudyConfig({ methods: ["dfr", "afr"] });
  assert.deepEqual(Object.keys(c.methods), ["dfr", "afr"]);
  assert.deepEqual(c.strengthMethods, ["dfr"]);
  assert.deepEqual(c.worstGroupMethods, ["afr", "dfr"]);
  assert.equal(c.referenceMethod, null);
  assert.throws(
    () => resolveStudyConfig({ methods: ["dfr"], strengthMethods: ["afr"] }),
    (e: unknown) =>
      e instanceof ConfigError && e.path === "strengthMethods[0]" && /the study's methods \(dfr\)/.test(e.message),
  );
});

test("cells: one per model, kind, grouping, strength and seed; ids unique; sweep cells first", () => {
  const c = resolveStudyConfig({});
  const cells = studyCells(c);
  assert.equal(new Set(cells.map((x) => x.id)).size, cells.length);
  // Strengths of the swept kind (the base counted once) plus the other kinds at the base strength.
  const strengths = new Set([...c.rhos.map((r) => `${r}|${c.amplitude}`), ...c.amplitudes.map((a) => `${c.rho}|${a}`)]);
  strengths.add(`${c.rho}|${c.amplitude}`);
  const settings = strengths.size + c.kinds.length - 1;
  assert.equal(cells.length, settings * c.models.length * c.seeds.length * c.groupings.length);
  assert.ok(cells[0].sweeps);
  assert.equal(cells.filter((x) => x.sweeps).length, c.models.length * c.seeds.length);
  assert.equal(cells.filter((x) => x.base).length, c.kinds.length * c.models.length * c.seeds.length);
  assert.ok(cells.every((x) => x.kind === c.kind || x.base), "other kinds run at the base strength only");
});

const BAD: [unknown, string, RegExp][] = [
  [{ rho: 1.5 }, "rho", /in \[0, 1\], got 1\.5/],
  [{ rhos: [] }, "rhos", /a non-empty list of numbers/],
  [{ rhos: [0.5, "x"] }, "rhos[1]", /got "x"/],
  [{ methods: ["dfr", "magic"] }, "methods[1]", /one of erm, dfr/],
  [{ methods: { dfr: {}, magic: {} } }, "methods.magic", /one of erm, dfr/],
  [{ methods: { dfr: { C: [0] } } }, "methods.dfr.C[0]", /in \[0\.000001, 10000\]/],
  [{ methods: { dfr: { refits: 1.5 } } }, "methods.dfr.refits", /an integer/],
  [{ methods: { afr: { gammma: 1 } } }, "methods.afr.gammma", /a hyperparameter of afr/],
  [{ methods: { dfr: 3 } }, "methods.dfr", /an object/],
  [{ models: ["gpt"] }, "models[0]", /one of "linear", "mlp", "cnn"/],
  [{ models: ["mlp", "mlp"] }, "models[1]", /not already in the list/],
  [{ kinds: ["patch", "colour"] }, "kinds[1]", /one of "patch"/],
  [{ groupings: [] }, "groupings", /a non-empty list/],
  [
    { heldoutSweep: { method: "dfr", sizes: [5], compositions: ["decorrelated"] } },
    "heldoutSweep.sizes[0]",
    /integer in \[20,/,
  ],
  [
    { heldoutSweep: { method: "nope", sizes: [50], compositions: ["decorrelated"] } },
    "heldoutSweep.method",
    /one of erm/,
  ],
  [{ heldout: { mode: "mix" } }, "heldout.rho", /a finite number in \[0, 1\]/],
  [{ heldout: { mode: "mix", rho: 0.5, extra: 1 } }, "heldout.extra", /known fields/],
  [{ heldout: "sideways" }, "heldout", /one of "decorrelated", "like-training", "mix"/],
  [{ gammaSweep: { method: "dfr", gammas: [1], arms: ["decorrelated"] } }, "gammaSweep.method", /gamma hyperparameter/],
  [{ gammaSweep: { method: "afr", gammas: [-1], arms: ["decorrelated"] } }, "gammaSweep.gammas[0]", /in \[0, 100\]/],
  [
    { gammaSweep: { method: "afr", gammas: [1], arms: ["decorrelated", "decorrelated"] } },
    "gammaSweep.arms[1]",
    /not already/,
  ],
  [{ referenceMethod: "jtt" }, "referenceMethod", /one of the study's methods/],
  [{ stepz: 3 }, "stepz", /known fields/],
  [[1, 2], "config", /an object/],
  [{ methods: [] }, "methods", /an object of method names/],
  [{ methods: ["toString"] }, "methods[0]", /one of erm/],
  [{ methods: ["__proto__"] }, "methods[0]", /one of erm/],
  [{ methods: ["dfr", "dfr"] }, "methods[1]", /not already in the list/],
  [{ seeds: [0, 0] }, "seeds[1]", /not already in the list, got 0/],
  [{ amplitude: 1e308 }, "amplitude", /in \[0, 1000\], got 1e\+308/],
  [{ amplitudes: [1, 2000] }, "amplitudes[1]", /in \[0, 1000\]/],
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
    assert.throws(
      () => resolveStudyConfig({ methods: JSON.parse(`{${JSON.stringify(name)}: {}}`) }),
      (e: unknown) => e instanceof ConfigError && e.path === `methods.${name}`,
      name,
    );
  }
});
