// The playground's settings: their defaults, their limits, and their round trip through the URL's
// query string, validated once here with errors that name the field (the page is the edge).
import { ConfigError } from "../config/errors.ts";

/** One run of the playground. */
export interface PlaygroundSettings {
  /** Spurious feature kind (patch, frequency, offset). */
  kind: string;
  /** P(attribute = label) in the training set. */
  rho: number;
  /** Size of the feature, in units of the data's std. */
  amplitude: number;
  /** Model trained by ERM (linear, mlp, cnn). */
  model: string;
  /** ERM's optimisation steps. */
  steps: number;
  /** The robustness method set against ERM. */
  method: string;
  /** Seed every draw derives from. */
  seed: number;
}

/** The choices the worker offers, from the library's own registries. */
export interface PlaygroundChoices {
  readonly kinds: readonly string[];
  readonly models: readonly string[];
  readonly methods: readonly { readonly name: string; readonly summary: string }[];
}

/** A quick first run: a strong shortcut, an MLP, DFR. */
export const PLAYGROUND_DEFAULTS: Readonly<PlaygroundSettings> = Object.freeze({
  kind: "patch",
  rho: 0.95,
  amplitude: 1,
  model: "mlp",
  steps: 300,
  method: "dfr",
  seed: 0,
});

/** Bounds of the numeric settings (a browser tab, not a cluster: steps stay small). */
export const PLAYGROUND_LIMITS = Object.freeze({
  rho: { min: 0, max: 1, step: 0.01 },
  amplitude: { min: 0, max: 4, step: 0.05 },
  steps: { min: 10, max: 3000, step: 10 },
  seed: { min: 0, max: 2 ** 31 - 1, step: 1 },
});

const KEYS = Object.keys(PLAYGROUND_DEFAULTS) as (keyof PlaygroundSettings)[];

function numberIn(key: keyof typeof PLAYGROUND_LIMITS, text: string, integer: boolean): number {
  const { min, max } = PLAYGROUND_LIMITS[key];
  const v = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new ConfigError(key, `${integer ? "an integer" : "a number"} in [${min}, ${max}]`, text);
  }
  return v;
}

function choice(key: string, text: string, allowed: readonly string[]): string {
  if (!allowed.includes(text)) throw new ConfigError(key, `one of ${allowed.join(", ")}`, text);
  return text;
}

/** Settings from a query string over the defaults; each bad field is reported and keeps its default. */
export function settingsFromQuery(
  query: string,
  choices: PlaygroundChoices,
): { settings: PlaygroundSettings; problems: string[] } {
  const params = new URLSearchParams(query);
  const settings: PlaygroundSettings = { ...PLAYGROUND_DEFAULTS };
  const problems: string[] = [];
  const methods = choices.methods.map((m) => m.name);
  for (const key of KEYS) {
    const text = params.get(key);
    if (text === null) continue;
    try {
      if (key === "kind") settings.kind = choice(key, text, choices.kinds);
      else if (key === "model") settings.model = choice(key, text, choices.models);
      else if (key === "method") settings.method = choice(key, text, methods);
      else settings[key] = numberIn(key, text, key === "steps" || key === "seed");
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
    }
  }
  for (const key of params.keys()) {
    if (!(KEYS as string[]).includes(key)) {
      problems.push(`${key}: expected one of ${KEYS.join(", ")}, got an unknown setting`);
    }
  }
  return { settings, problems };
}

/** The query string that reproduces `settings` (every key, in a fixed order). */
export function settingsToQuery(settings: PlaygroundSettings): string {
  return new URLSearchParams(KEYS.map((k) => [k, String(settings[k])])).toString();
}
