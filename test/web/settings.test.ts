// The playground's settings and the URL: any valid settings survive the round trip through the query
// string, and each bad field of a shared link is reported by name while keeping its default.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  PLAYGROUND_DEFAULTS,
  PLAYGROUND_LIMITS,
  type PlaygroundChoices,
  settingsFromQuery,
  settingsToQuery,
} from "../../src/web/settings.ts";

const CHOICES: PlaygroundChoices = {
  kinds: ["patch", "frequency", "offset"],
  models: ["linear", "mlp", "cnn"],
  methods: [{ name: "dfr", summary: "" }, { name: "afr", summary: "" }],
};

test("settings -> query -> settings is the identity, with no problems (property)", () => {
  const { rho, amplitude, steps, seed } = PLAYGROUND_LIMITS;
  fc.assert(
    fc.property(
      fc.record({
        kind: fc.constantFrom(...CHOICES.kinds),
        rho: fc.double({ min: rho.min, max: rho.max, noNaN: true }),
        amplitude: fc.double({ min: amplitude.min, max: amplitude.max, noNaN: true }),
        model: fc.constantFrom(...CHOICES.models),
        steps: fc.integer({ min: steps.min, max: steps.max }),
        method: fc.constantFrom(...CHOICES.methods.map((m) => m.name)),
        seed: fc.integer({ min: seed.min, max: seed.max }),
      }),
      (s) => {
        const back = settingsFromQuery(settingsToQuery(s), CHOICES);
        assert.deepEqual(back.problems, []);
        // -0 prints as "0": compare as the page would show them.
        assert.deepEqual(
          { ...back.settings, rho: back.settings.rho + 0, amplitude: back.settings.amplitude + 0 },
          { ...s, rho: s.rho + 0, amplitude: s.amplitude + 0 },
        );
      },
    ),
  );
});

test("an empty query gives the defaults", () => {
  assert.deepEqual(settingsFromQuery("", CHOICES), { settings: { ...PLAYGROUND_DEFAULTS }, problems: [] });
});

test("each bad field is named, keeps its default, and the good ones still apply", () => {
  const { settings, problems } = settingsFromQuery(
    "?rho=1.5&steps=12.5&model=resnet&method=afr&amplitude=&seed=-1&kind=offset&colour=red",
    CHOICES,
  );
  assert.deepEqual(settings, { ...PLAYGROUND_DEFAULTS, method: "afr", kind: "offset" });
  assert.deepEqual(problems, [
    'rho: expected a number in [0, 1], got "1.5"',
    'amplitude: expected a number in [0, 4], got ""',
    'model: expected one of linear, mlp, cnn, got "resnet"',
    'steps: expected an integer in [10, 3000], got "12.5"',
    `seed: expected an integer in [0, ${2 ** 31 - 1}], got "-1"`,
    "colour: expected one of kind, rho, amplitude, model, steps, method, seed, got an unknown setting",
  ]);
});
