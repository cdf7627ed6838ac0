// The study's configuration: what to sweep, how to train, which methods; JSON with built-in
// defaults, validated with errors that name the path, the expectation and the value.
import { finite, integer, noUnknownKeys, oneOf, record } from "../config/checks.ts";
import { ConfigError } from "../config/errors.ts";
import { MODEL_KINDS, type ModelKind } from "../tf/models.ts";
import { METHOD_NAMES, METHODS } from "../methods/registry.ts";
import { checkHyperparameter } from "../methods/params.ts";
import { AFR_SCHEMA } from "../methods/afr.ts";
import { DFR_SCHEMA } from "../methods/dfr.ts";
import type { HyperparameterSpec } from "../methods/types.ts";
import { SPURIOUS_KINDS, type SpuriousKind } from "../data/spurious_config.ts";
import type { Grouping } from "../data/groups.ts";

/** Everything the study does. */
export interface StudyConfig {
  model: ModelKind;
  steps: number;
  seeds: number[];
  kind: SpuriousKind;
  /** The default strength (the "base" setting of the report). */
  rho: number;
  amplitude: number;
  /** Q1: strengths swept (every rho with the base amplitude, every amplitude with the base rho). */
  rhos: number[];
  amplitudes: number[];
  /** Q2: held-out sizes for DFR (examples; the held-out set is decorrelated). */
  heldoutSizes: number[];
  /** Composition of the held-out set: decorrelated (random attributes) or drawn like training. */
  heldoutMode: "random" | "aligned";
  testSize: number;
  grouping: Grouping;
  /** Last-layer methods run in every cell (ERM always). */
  methods: string[];
  /** Q3: AFR's gamma values for the sweep. */
  afrGammas: number[];
  /** DFR's C grid and refits (fewer than published to fit the time budget; say so in the report). */
  dfrC: number[];
  dfrRefits: number;
  /** Points of each training set embedded by t-SNE for the report's dataset figure. */
  tsnePoints: number;
}

export const STUDY_DEFAULTS: Readonly<StudyConfig> = Object.freeze({
  model: "mlp",
  steps: 3000,
  seeds: [0, 1],
  kind: "patch",
  rho: 0.95,
  amplitude: 1,
  rhos: [0.1, 0.5, 0.8, 0.9, 0.95, 0.99],
  amplitudes: [0, 0.25, 0.5, 1, 2],
  heldoutSizes: [100, 300, 1000, 3000, 10000],
  heldoutMode: "random",
  testSize: 20000,
  grouping: "coarse",
  methods: ["dfr", "afr", "afr-wg", "gdro-ll"],
  afrGammas: [0, 1, 4, 16, 64],
  dfrC: [1, 0.3, 0.1, 0.03],
  dfrRefits: 5,
  tsnePoints: 2000,
});

/** `--quick`: the same study, small enough for a smoke test (about a minute on two cores). */
export const STUDY_QUICK: Partial<StudyConfig> = Object.freeze({
  steps: 400,
  seeds: [0],
  rhos: [0.5, 0.95],
  amplitudes: [0, 1],
  heldoutSizes: [200, 2000],
  testSize: 4000,
  afrGammas: [0, 4],
  dfrC: [0.3, 0.1],
  dfrRefits: 2,
  tsnePoints: 1000,
});

const KEYS = Object.keys(STUDY_DEFAULTS);

/** The largest spurious amplitude a study trains with (in units of the data's std): far past any shortcut
 * worth studying, and small enough that float32 training stays finite (1e308 overflowed to a diverged loss). */
export const MAX_STUDY_AMPLITUDE = 1000;

function numbers(
  path: string,
  v: unknown,
  opts: { min?: number; max?: number; integer?: boolean; distinct?: boolean } = {},
): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(path, "a non-empty list of numbers", v);
  const list = v.map((x, i) => (opts.integer ? integer(`${path}[${i}]`, x, opts) : finite(`${path}[${i}]`, x, opts)));
  if (opts.distinct) {
    const seen = new Set<number>();
    list.forEach((x, i) => {
      if (seen.has(x)) throw new ConfigError(`${path}[${i}]`, "a value not already in the list", x);
      seen.add(x);
    });
  }
  return list;
}

function methodNames(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw new ConfigError("methods", `a non-empty list of method names (${METHOD_NAMES.join(", ")})`, v);
  }
  const seen = new Set<string>();
  v.forEach((m, i) => {
    if (typeof m !== "string" || !METHODS.has(m)) {
      throw new ConfigError(`methods[${i}]`, `one of ${METHOD_NAMES.join(", ")}`, m);
    }
    if (seen.has(m)) throw new ConfigError(`methods[${i}]`, "a method not already in the list", m);
    seen.add(m);
  });
  return [...v];
}

/** A list checked against a method's hyperparameter domain (the study passes it to that method). */
function grid(path: string, v: unknown, spec: HyperparameterSpec): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(path, "a non-empty list of numbers", v);
  return checkHyperparameter(path, { ...spec, grid: true }, v) as number[];
}

/** Validate a study config (partial, over the defaults; `quick` first applies the quick settings). */
export function resolveStudyConfig(input: unknown = {}, quick = false): StudyConfig {
  const given = record("config", input);
  noUnknownKeys("", given, KEYS);
  const v = { ...STUDY_DEFAULTS, ...(quick ? STUDY_QUICK : {}), ...given } as Record<string, unknown>;
  const methods = methodNames(v.methods);
  return {
    model: oneOf("model", v.model, MODEL_KINDS),
    steps: integer("steps", v.steps, { min: 1, max: 1e7 }),
    seeds: numbers("seeds", v.seeds, { min: 0, max: 2 ** 32 - 1, integer: true, distinct: true }),
    kind: oneOf("kind", v.kind, SPURIOUS_KINDS),
    rho: finite("rho", v.rho, { min: 0, max: 1 }),
    amplitude: finite("amplitude", v.amplitude, { min: 0, max: MAX_STUDY_AMPLITUDE }),
    rhos: numbers("rhos", v.rhos, { min: 0, max: 1 }),
    amplitudes: numbers("amplitudes", v.amplitudes, { min: 0, max: MAX_STUDY_AMPLITUDE }),
    heldoutSizes: numbers("heldoutSizes", v.heldoutSizes, { min: 20, max: 1e6, integer: true }),
    heldoutMode: oneOf("heldoutMode", v.heldoutMode, ["random", "aligned"] as const),
    testSize: integer("testSize", v.testSize, { min: 100, max: 1e7 }),
    grouping: oneOf("grouping", v.grouping, ["fine", "coarse"] as const),
    methods,
    afrGammas: grid("afrGammas", v.afrGammas, AFR_SCHEMA.gamma),
    dfrC: grid("dfrC", v.dfrC, DFR_SCHEMA.C),
    dfrRefits: integer("dfrRefits", v.dfrRefits, { min: DFR_SCHEMA.refits.min, max: DFR_SCHEMA.refits.max }),
    tsnePoints: integer("tsnePoints", v.tsnePoints, { min: 50, max: 5000 }),
  };
}
