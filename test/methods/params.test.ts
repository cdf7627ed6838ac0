// Hyperparameter schemas: every method declares one for exactly its defaults, the defaults pass it,
// and every value the outside test found harmful (negative C, fractional steps, prototype names,
// junk) is rejected with an error naming the method's key, what it expects and what it got.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { getMethod, METHOD_NAMES, METHODS } from "../../src/methods/registry.ts";
import { checkHyperparameter, parseHyperparameterFlags, resolveHyperparameters } from "../../src/methods/params.ts";
import { ConfigError } from "../../src/config/errors.ts";

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

test("the registry finds no Object.prototype name", () => {
  for (const name of PROTOTYPE_NAMES) assert.equal(getMethod(name), undefined, name);
  assert.deepEqual(METHOD_NAMES, [...METHODS.keys()]);
});

test("every method's schema names exactly its defaults, and its defaults pass it", () => {
  for (const [name, m] of METHODS) {
    assert.deepEqual(Object.keys(m.schema).sort(), Object.keys(m.defaults).sort(), name);
    const resolved = resolveHyperparameters(m, m.defaults);
    assert.deepEqual({ ...resolved }, { ...m.defaults }, name);
  }
});

const rejects = (method: string, flags: string[], path: string, message: RegExp) => {
  test(`--method ${method} ${flags.map((f) => `--hp ${f}`).join(" ")} is rejected, naming ${path}`, () => {
    assert.throws(
      () => resolveHyperparameters(getMethod(method)!, parseHyperparameterFlags(flags)),
      (e: unknown) => e instanceof ConfigError && e.path === path && message.test(e.message),
    );
  });
};
rejects("dfr", ["C=-1"], "hp.C", /a finite number in \[0\.000001, 10000\], got -1/);
rejects("dfr", ["C=1,-1"], "hp.C[1]", /got -1/);
rejects("dfr", ["C=0x10"], "hp.C", /got "0x10"/);
rejects("dfr", ["refits=-1"], "hp.refits", /an integer in \[1, 1000\]/);
rejects("dfr", ["refits=0"], "hp.refits", /got 0/);
rejects("dfr", ["refits=1.5"], "hp.refits", /got 1\.5/);
rejects("dfr", ["refits=2,3"], "hp.refits", /one value, not a list/);
rejects("afr", ["steps=-3"], "hp.steps", /an integer in \[1, 100000\], got -3/);
rejects("afr", ["steps=0.5"], "hp.steps", /got 0\.5/);
rejects("afr", ["gamma=-5"], "hp.gamma", /in \[0, 100\]/);
rejects("afr", ["learningRate=-1"], "hp.learningRate", /in \(0, 10\], got -1/);
rejects("afr", ["learningRate=0"], "hp.learningRate", /got 0/);
rejects("afr", ["lambda=-1"], "hp.lambda", /got -1/);
rejects("afr", ["gamma="], "hp.gamma", /got ""/);
rejects("afr", ["gamma=1,,2"], "hp.gamma[1]", /got ""/);
rejects("afr", ["gamma=1", "gamma=2"], "hp.gamma", /one --hp flag per hyperparameter/);
rejects("gdro-ll", ["steps=-1"], "hp.steps", /got -1/);
rejects("afr-wg", ["eta=1e308"], "hp.eta", /in \[0, 10\], got 1e\+308/);
rejects("afr-wg", ["eta=-1e308"], "hp.eta", /got -1e\+308/);
rejects("jtt", ["upweight=-20"], "hp.upweight", /in \[1, 10000\], got -20/);
rejects("afr", ["junk"], "hp", /key=value/);
rejects("afr", ["=1"], "hp", /key=value/);
rejects("erm", ["C=1"], "hp.C", /nothing: erm has no hyperparameters/);
for (const name of PROTOTYPE_NAMES) rejects("afr", [`${name}=1`], `hp.${name}`, /a hyperparameter of afr/);

test("prototype names given as own keys of a JSON object are rejected too", () => {
  const given = JSON.parse('{"__proto__": 1, "constructor": 2}') as Record<string, unknown>;
  assert.throws(() => resolveHyperparameters(getMethod("dfr")!, given), /hp\.__proto__: expected a hyperparameter/);
});

test("grids: a list where the method searches one; a single value elsewhere", () => {
  const afr = getMethod("afr")!;
  const r = resolveHyperparameters(afr, parseHyperparameterFlags(["gamma=2,4", "steps=10", "lambda=0"]));
  assert.deepEqual([r.gamma, r.steps, r.lambda, r.learningRate], [[2, 4], 10, 0, 0.01]);
});

test("property: a value passes a spec exactly when it is a number in range (and whole where required)", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.double(), fc.integer({ min: -10, max: 2000 }), fc.string(), fc.boolean(), fc.constant(null)),
      fc.boolean(),
      (value, integer) => {
        const spec = { min: 1, max: 1000, integer };
        const ok = typeof value === "number" && value >= 1 && value <= 1000 && (!integer || Number.isInteger(value));
        let passed = true;
        try {
          checkHyperparameter("k", spec, value);
        } catch (e) {
          assert.ok(e instanceof ConfigError && e.path === "k");
          passed = false;
        }
        assert.equal(passed, ok, String(value));
      },
    ),
    { seed: 19, numRuns: 300 },
  );
});
