// The spurious-feature flags of `generate`: which exist, their help, and how they map to configs.
import {
  ATTRIBUTE_DRAW_DEFAULTS,
  ATTRIBUTE_MODES,
  type AttributeDraw,
  resolveAttributeDraw,
  resolveSpuriousFeature,
  SPURIOUS_FEATURE_DEFAULTS,
  SPURIOUS_KINDS,
  type SpuriousFeature,
} from "../data/spurious_config.ts";
import type { SpuriousSettings } from "../pipeline/dataset.ts";
import { numberOrText } from "./flag_values.ts";
import { asUsageError } from "./usage_error.ts";

/** Flag -> [config field, help]. Booleans are presence flags. */
const FEATURE_FLAGS: Record<string, [keyof SpuriousFeature, string]> = {
  "spurious-kind": ["kind", `kind of feature: ${SPURIOUS_KINDS.join(", ")}`],
  "num-attributes": ["numAttributes", "K, the number of attribute values"],
  amplitude: ["amplitude", "feature size in units of the data std"],
  "spurious-noise": ["noise", "Gaussian noise on the feature, relative to its amplitude"],
  jitter: ["jitter", "per-example shift of the feature, uniform in [-J, J] positions"],
  "window-start": ["windowStart", "first position of the patch window"],
  "window-width": ["windowWidth", "width of the patch window"],
  "feature-seed": ["featureSeed", "seed of the patch codebook"],
};
const DRAW_FLAGS: Record<string, [keyof AttributeDraw, string]> = {
  rho: ["rho", "training P(attribute = label)"],
  exact: ["exact", "exactly round(rho * n_class) aligned training examples per class"],
  "spurious-seed": ["seed", "seed of the attribute draws (the test split uses seed + 1)"],
};
const TEST_MODE_FLAG = "test-mode";

/** Every spurious flag name and its parseArgs type. */
export function spuriousFlagOptions(): Record<string, { type: "string" | "boolean" }> {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const flag of [...Object.keys(FEATURE_FLAGS), ...Object.keys(DRAW_FLAGS), TEST_MODE_FLAG]) {
    options[flag] = { type: flag === "exact" ? "boolean" : "string" };
  }
  return options;
}

/** Help lines for the spurious flags. */
export function spuriousHelp(): string[] {
  const line = (flag: string, help: string, def: unknown) => `  ${flag.padEnd(28)} ${help} (default ${def})`;
  return [
    "Spurious feature (any of these turns it on; also writes a.npy, g.npy, a_test.npy, g_test.npy):",
    ...Object.entries(FEATURE_FLAGS).map(([f, [k, h]]) =>
      line(`--${f} ${k === "kind" ? "KIND" : "N"}`, h, SPURIOUS_FEATURE_DEFAULTS[k])
    ),
    ...Object.entries(DRAW_FLAGS).map(([f, [k, h]]) =>
      line(k === "exact" ? `--${f}` : `--${f} N`, h, ATTRIBUTE_DRAW_DEFAULTS[k])
    ),
    line(`--${TEST_MODE_FLAG} MODE`, `test split's attributes: ${ATTRIBUTE_MODES.join(", ")}`, "absent"),
  ];
}

/** Read and validate the spurious flags (UsageError naming the flag); undefined when none was given. */
export function spuriousFromFlags(
  values: Record<string, string | boolean | undefined>,
  seqLength: number,
): SpuriousSettings | undefined {
  const given = Object.keys(spuriousFlagOptions()).filter((f) => values[f] !== undefined);
  if (given.length === 0) return undefined;
  const rename: Record<string, string> = {};
  const feature: Record<string, unknown> = {};
  for (const [flag, [key]] of Object.entries(FEATURE_FLAGS)) {
    rename[key] = `--${flag}`;
    const v = values[flag];
    if (v !== undefined) feature[key] = key === "kind" ? v : numberOrText(String(v));
  }
  const draw: Record<string, unknown> = { mode: "aligned" };
  for (const [flag, [key]] of Object.entries(DRAW_FLAGS)) {
    rename[key] = `--${flag}`;
    const v = values[flag];
    if (v !== undefined) draw[key] = typeof v === "boolean" ? v : numberOrText(v);
  }
  rename.mode = `--${TEST_MODE_FLAG}`;
  try {
    const resolvedFeature = resolveSpuriousFeature(feature, seqLength);
    const train = resolveAttributeDraw(draw);
    const testMode = values[TEST_MODE_FLAG] ?? "absent";
    const test = resolveAttributeDraw({ ...train, mode: testMode, seed: (train.seed + 1) % 2 ** 32 });
    return { feature: resolvedFeature, train, test };
  } catch (error) {
    throw asUsageError(error, rename);
  }
}
