// The study's configuration: which models, feature kinds and strengths, which methods with which
// hyperparameters, and what each question sweeps; JSON with built-in defaults and presets, validated
// once, with errors that name the path, the expectation and the value.
import { finite, integer, noUnknownKeys, oneOf, record } from "../config/checks.ts";
import { ConfigError } from "../config/errors.ts";
import { MODEL_KINDS, type ModelKind } from "../tf/models.ts";
import { METHOD_NAMES } from "../methods/registry.ts";
import { resolveHyperparameters } from "../methods/params.ts";
import type { Hyperparameters } from "../methods/types.ts";
import { requireMethod } from "../pipeline/method_run.ts";
import { SPURIOUS_KINDS, type SpuriousKind } from "../data/spurious_config.ts";
import type { Grouping } from "../data/groups.ts";

/** How a held-out set's attributes are drawn: independent of the label, like the training data (the cell's
 * rho), or aligned with the label with a rho of its own. */
export type HeldoutComposition =
  | { readonly mode: "decorrelated" }
  | { readonly mode: "like-training" }
  | { readonly mode: "mix"; readonly rho: number };

/** A composition's short name, as results and the report show it ("decorrelated", "like-training", "mix 0.5"). */
export function compositionName(c: HeldoutComposition): string {
  return c.mode === "mix" ? `mix ${c.rho}` : c.mode;
}

/** Whether a reweighting set is AFR's published one: a held-out part of the training distribution (Qiu et al.). */
export function isPublishedArm(arm: string): boolean {
  return arm === "like-training";
}

/** Everything the study does. */
export interface StudyConfig {
  /** Every model is trained in every cell setting; each question is answered per model. */
  models: ModelKind[];
  steps: number;
  seeds: number[];
  /** The feature kind Q1-Q4 sweep. */
  kind: SpuriousKind;
  /** Feature kinds compared at the base strength (every method runs on each); includes `kind`. */
  kinds: SpuriousKind[];
  /** The base strength. */
  rho: number;
  amplitude: number;
  /** Q1: strengths swept with `kind` (every rho at the base amplitude, every amplitude at the base rho). */
  rhos: number[];
  amplitudes: number[];
  /** Methods run in Q1's cells away from the base strength (ERM always; every method runs at the base strength). */
  strengthMethods: string[];
  /** Size and composition of the held-out set every method uses. */
  heldoutSize: number;
  heldout: HeldoutComposition;
  /** Q2: the method refitted on held-out sets of each size and composition (any registered method; its
   * hyperparameters are those of `methods` when it is one of them, else its defaults). */
  heldoutSweep: { method: string; sizes: number[]; compositions: HeldoutComposition[] };
  /** Q3: the reweighting method at each gamma, on each reweighting set ("arm"); like-training is AFR's published
   * setting, and the report puts the arms in this order. */
  gammaSweep: { method: string; gammas: number[]; arms: HeldoutComposition[] };
  /** Q4: the methods compared on more attention to the worst group (the first is the baseline). */
  worstGroupMethods: string[];
  /** The reference last layer the report compares with (a maximum-likelihood fit on the whole held-out set), or null. */
  referenceMethod: string | null;
  testSize: number;
  /** Groupings each cell setting runs with (methods balance and select by the cell's grouping). */
  groupings: Grouping[];
  /** Methods run in every cell (ERM always), in report order, each with its validated hyperparameters. */
  methods: Record<string, Hyperparameters>;
  /** Points of each training set embedded by t-SNE for the report's dataset figure. */
  tsnePoints: number;
}

/** The study's defaults: both models, three kinds, three seeds; about 10 minutes on two cores (`npm start`). */
export const STUDY_DEFAULTS: Readonly<StudyConfig> = Object.freeze({
  models: ["mlp", "cnn"],
  steps: 3000,
  seeds: [0, 1, 2],
  kind: "patch",
  kinds: ["patch", "frequency", "offset"],
  rho: 0.95,
  amplitude: 1,
  rhos: [0.1, 0.5, 0.8, 0.95, 0.99],
  amplitudes: [0, 0.5, 1, 2],
  strengthMethods: ["dfr", "cb-llr", "probe"],
  heldoutSize: 5000,
  heldout: { mode: "decorrelated" },
  heldoutSweep: {
    method: "dfr",
    sizes: [100, 300, 1000, 3000, 10000],
    compositions: [{ mode: "decorrelated" }, { mode: "like-training" }, { mode: "mix", rho: 0.5 }],
  },
  gammaSweep: { method: "afr", gammas: [0, 1, 4, 16, 64], arms: [{ mode: "like-training" }, { mode: "decorrelated" }] },
  worstGroupMethods: ["afr", "afr-wg", "gdro-ll", "dfr"],
  referenceMethod: "probe",
  testSize: 20000,
  groupings: ["coarse"],
  // DFR with fewer C values and refits than published (7 and 20) to fit the time budget; the report says so.
  methods: {
    dfr: { C: [1, 0.3, 0.1, 0.03], refits: 5 },
    afr: {},
    "afr-wg": {},
    "gdro-ll": {},
    "cb-llr": {},
    self: {},
    evals: {},
    "logit-scale": {},
    probe: {},
  },
  tsnePoints: 2000,
} as StudyConfig);

/** A named preset: settings applied over the defaults before the user's config. */
export type StudyPreset = "default" | "quick" | "full";

/** The presets' names, for flags and errors. */
export const STUDY_PRESETS: readonly StudyPreset[] = ["default", "quick", "full"];

/** `--quick`: the same study, small enough for a smoke test (under a minute on two cores). */
export const STUDY_QUICK: Readonly<Partial<StudyConfig>> = Object.freeze({
  models: ["mlp", "cnn"],
  steps: 300,
  seeds: [0],
  kinds: ["patch", "frequency"],
  rhos: [0.5, 0.95],
  amplitudes: [0, 1],
  strengthMethods: ["dfr"],
  heldoutSize: 2000,
  heldoutSweep: {
    method: "dfr",
    sizes: [200, 2000],
    compositions: [{ mode: "decorrelated" }, { mode: "like-training" }],
  },
  gammaSweep: { method: "afr", gammas: [0, 4], arms: [{ mode: "like-training" }, { mode: "decorrelated" }] },
  testSize: 4000,
  methods: {
    dfr: { C: [0.3, 0.1], refits: 2 },
    afr: { gamma: [4], lambda: [0] },
    "afr-wg": { gamma: [4], lambda: [0], eta: [1] },
    "gdro-ll": {},
    "cb-llr": { C: [0.3, 0.1] },
    probe: {},
  },
  tsnePoints: 1000,
} as Partial<StudyConfig>);

/** `full`: five seeds, every method including those that retrain the whole network, both groupings; meant for many
 * machines (`experiment --queue`). */
export const STUDY_FULL: Readonly<Partial<StudyConfig>> = Object.freeze({
  seeds: [0, 1, 2, 3, 4],
  rhos: [0.1, 0.5, 0.8, 0.9, 0.95, 0.99],
  amplitudes: [0, 0.25, 0.5, 1, 2],
  strengthMethods: ["dfr", "afr", "cb-llr", "probe"],
  groupings: ["coarse", "fine"],
  methods: {
    dfr: {},
    "dfr-tr": {},
    afr: {},
    "afr-wg": {},
    "gdro-ll": {},
    "cb-llr": {},
    self: {},
    evals: {},
    dpe: {},
    "logit-scale": {},
    probe: {},
    jtt: {},
    subg: {},
    rwg: {},
    gdro: {},
  },
} as Partial<StudyConfig>);

const PRESETS: ReadonlyMap<StudyPreset, Readonly<Partial<StudyConfig>>> = new Map([
  ["default", {}],
  ["quick", STUDY_QUICK],
  ["full", STUDY_FULL],
]);

const KEYS = Object.keys(STUDY_DEFAULTS);

/** The largest spurious amplitude a study trains with (in units of the data's std): far past any shortcut
 * worth studying, and small enough that float32 training stays finite (1e308 overflowed to a diverged loss). */
export const MAX_STUDY_AMPLITUDE = 1000;

function numbers(
  path: string,
  v: unknown,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(path, "a non-empty list of numbers", v);
  return distinct(
    path,
    v.map((x, i) => (opts.integer ? integer(`${path}[${i}]`, x, opts) : finite(`${path}[${i}]`, x, opts))),
  );
}

/** The list itself, or an error naming the first value already in it. */
function distinct<T>(path: string, list: T[], key: (x: T) => string = String): T[] {
  const seen = new Set<string>();
  list.forEach((x, i) => {
    if (seen.has(key(x))) throw new ConfigError(`${path}[${i}]`, "a value not already in the list", x);
    seen.add(key(x));
  });
  return list;
}

function choices<T extends string>(path: string, v: unknown, allowed: readonly T[]): T[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw new ConfigError(path, `a non-empty list of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, v);
  }
  return distinct(path, v.map((x, i) => oneOf(`${path}[${i}]`, x, allowed)));
}

/** `methods`: an object of method name to hyperparameters (`{}` for the method's defaults), or a list of names. */
function methodSettings(v: unknown): Record<string, Hyperparameters> {
  const expected = `an object of method names (${METHOD_NAMES.join(", ")}) to hyperparameters, or a list of names`;
  const entries: [string, unknown, string][] = Array.isArray(v)
    ? v.map((name, i) => [name, {}, `methods[${i}]`])
    : Object.entries(record("methods", v)).map(([name, hp]) => [name, hp, `methods.${name}`]);
  if (entries.length === 0) throw new ConfigError("methods", expected, v);
  const seen = new Set<string>();
  return Object.fromEntries(entries.map(([name, hp, path]) => {
    if (typeof name !== "string") throw new ConfigError(path, `one of ${METHOD_NAMES.join(", ")}`, name);
    const method = requireMethod(name, path);
    if (seen.has(name)) throw new ConfigError(path, "a method not already in the list", name);
    seen.add(name);
    return [name, resolveHyperparameters(method, record(path, hp), path)];
  }));
}

/** A method a question runs: any registered method. */
function anyMethod(path: string, v: unknown): string {
  if (typeof v !== "string") throw new ConfigError(path, `one of ${METHOD_NAMES.join(", ")}`, v);
  return requireMethod(v, path).name;
}

/** A method named in a question's settings: one of the study's methods. */
function studyMethod(path: string, v: unknown, methods: Record<string, Hyperparameters>): string {
  const names = Object.keys(methods);
  if (typeof v !== "string" || !Object.hasOwn(methods, v)) {
    throw new ConfigError(path, `one of the study's methods (${names.join(", ")})`, v);
  }
  return v;
}

function studyMethods(path: string, v: unknown, methods: Record<string, Hyperparameters>): string[] {
  if (!Array.isArray(v)) throw new ConfigError(path, "a list of the study's methods", v);
  return distinct(path, v.map((m, i) => studyMethod(`${path}[${i}]`, m, methods)));
}

function composition(path: string, v: unknown): HeldoutComposition {
  const modes = ["decorrelated", "like-training", "mix"] as const;
  if (typeof v === "string" && v !== "mix") return { mode: oneOf(path, v, modes) as "decorrelated" | "like-training" };
  const r = record(path, v);
  const mode = oneOf(`${path}.mode`, r.mode, modes);
  if (mode !== "mix") {
    noUnknownKeys(path, r, ["mode"]);
    return { mode };
  }
  noUnknownKeys(path, r, ["mode", "rho"]);
  return { mode, rho: finite(`${path}.rho`, r.rho, { min: 0, max: 1 }) };
}

function compositions(path: string, v: unknown): HeldoutComposition[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(path, "a non-empty list of compositions", v);
  return distinct(path, v.map((c, i) => composition(`${path}[${i}]`, c)), compositionName);
}

/** Validate a study config: the user's fields over the preset over the defaults. */
export function resolveStudyConfig(input: unknown = {}, preset: StudyPreset | boolean = "default"): StudyConfig {
  const given = record("config", input);
  noUnknownKeys("", given, KEYS);
  const name: StudyPreset = preset === true ? "quick" : preset === false ? "default" : preset;
  const v = { ...STUDY_DEFAULTS, ...PRESETS.get(name), ...given } as Record<string, unknown>;
  const methods = methodSettings(v.methods);
  // Fields that name methods and that the user left out follow the user's method list: they keep the
  // study's methods only (a reference method the study lacks becomes null).
  const implied = (key: "strengthMethods" | "worstGroupMethods" | "referenceMethod"): unknown => {
    if (Object.hasOwn(given, key)) return v[key];
    const value = v[key];
    if (Array.isArray(value)) return value.filter((m) => Object.hasOwn(methods, m));
    return typeof value === "string" && Object.hasOwn(methods, value) ? value : null;
  };
  const kind = oneOf("kind", v.kind, SPURIOUS_KINDS);
  const kinds = choices("kinds", v.kinds, SPURIOUS_KINDS);
  const heldoutSweep = record("heldoutSweep", v.heldoutSweep);
  noUnknownKeys("heldoutSweep", heldoutSweep, ["method", "sizes", "compositions"]);
  const gammaSweep = record("gammaSweep", v.gammaSweep);
  noUnknownKeys("gammaSweep", gammaSweep, ["method", "gammas", "arms"]);
  const reweighting = anyMethod("gammaSweep.method", gammaSweep.method);
  const gammaSpec = requireMethod(reweighting).schema;
  if (!Object.hasOwn(gammaSpec, "gamma")) {
    throw new ConfigError("gammaSweep.method", "a method with a gamma hyperparameter (afr, afr-wg)", reweighting);
  }
  return {
    models: choices("models", v.models, MODEL_KINDS),
    steps: integer("steps", v.steps, { min: 1, max: 1e7 }),
    seeds: numbers("seeds", v.seeds, { min: 0, max: 2 ** 32 - 1, integer: true }),
    kind,
    kinds: kinds.includes(kind) ? kinds : [kind, ...kinds],
    rho: finite("rho", v.rho, { min: 0, max: 1 }),
    amplitude: finite("amplitude", v.amplitude, { min: 0, max: MAX_STUDY_AMPLITUDE }),
    rhos: numbers("rhos", v.rhos, { min: 0, max: 1 }),
    amplitudes: numbers("amplitudes", v.amplitudes, { min: 0, max: MAX_STUDY_AMPLITUDE }),
    strengthMethods: studyMethods("strengthMethods", implied("strengthMethods"), methods),
    heldoutSize: integer("heldoutSize", v.heldoutSize, { min: 20, max: 1e6 }),
    heldout: composition("heldout", v.heldout),
    heldoutSweep: {
      method: anyMethod("heldoutSweep.method", heldoutSweep.method),
      sizes: numbers("heldoutSweep.sizes", heldoutSweep.sizes, { min: 20, max: 1e6, integer: true }),
      compositions: compositions("heldoutSweep.compositions", heldoutSweep.compositions),
    },
    gammaSweep: {
      method: reweighting,
      gammas: numbers("gammaSweep.gammas", gammaSweep.gammas, { min: gammaSpec.gamma.min, max: gammaSpec.gamma.max }),
      arms: compositions("gammaSweep.arms", gammaSweep.arms),
    },
    worstGroupMethods: studyMethods("worstGroupMethods", implied("worstGroupMethods"), methods),
    referenceMethod: implied("referenceMethod") === null
      ? null
      : studyMethod("referenceMethod", implied("referenceMethod"), methods),
    testSize: integer("testSize", v.testSize, { min: 100, max: 1e7 }),
    groupings: choices("groupings", v.groupings, ["coarse", "fine"] as const),
    methods,
    tsnePoints: integer("tsnePoints", v.tsnePoints, { min: 50, max: 5000 }),
  };
}

/** A study's method names, in report order. */
export function studyMethodNames(c: StudyConfig): string[] {
  return Object.keys(c.methods);
}

/** The hyperparameters the study runs `name` with: its entry in `methods`, or its defaults (a question's method
 * the list omits). */
export function methodParams(c: StudyConfig, name: string): Hyperparameters {
  return Object.hasOwn(c.methods, name) ? c.methods[name] : requireMethod(name).defaults;
}
