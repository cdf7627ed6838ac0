// What a spurious feature is (kind, strength, noise, where) and how attributes are drawn for a
// split (mode, rho, exactness, seed): types, defaults and validation with field-naming errors.
import { boolean, finite, integer, noUnknownKeys, oneOf, record } from "../config/checks.ts";
import { ConfigError } from "../config/errors.ts";

/** The kinds of spurious signal. */
export const SPURIOUS_KINDS = ["patch", "frequency", "offset"] as const;
/** patch: a short attribute-specific waveform in a fixed window; frequency: an attribute-specific
 * sinusoid over the whole sequence; offset: an attribute-specific constant level (a + 1) / K. */
export type SpuriousKind = (typeof SPURIOUS_KINDS)[number];

/** How a split's attributes relate to its labels. */
export const ATTRIBUTE_MODES = ["aligned", "random", "conflicting", "absent"] as const;
/** aligned: a = label with probability rho; random: a independent of the label; conflicting: a != label
 * always; absent: a drawn as in random but no signal is added. */
export type AttributeMode = (typeof ATTRIBUTE_MODES)[number];

/** The spurious feature itself, shared by every split so that the shortcut transfers. */
export interface SpuriousFeature {
  kind: SpuriousKind;
  /** K, the number of attribute values (K = number of classes by default). */
  numAttributes: number;
  /** Signal size in units of the data's std (generated MNIST-1D has std 1, so absolute units). */
  amplitude: number;
  /** Gaussian noise on the feature, per position of its support, relative to the amplitude. */
  noise: number;
  /** Per-example shift of the feature, uniform in [-jitter, jitter] positions (patch, frequency). */
  jitter: number;
  /** First position of the patch window. */
  windowStart: number;
  /** Width of the patch window. */
  windowWidth: number;
  /** Seed of the patch codebook (the attribute waveforms). */
  featureSeed: number;
}

/** How one split draws its attributes. */
export interface AttributeDraw {
  mode: AttributeMode;
  /** P(a = label) in aligned mode. */
  rho: number;
  /** Aligned mode: exactly round(rho * n_class) aligned examples per class. */
  exact: boolean;
  /** Seed of the attribute draws, shifts and feature noise. */
  seed: number;
}

/** Defaults: a 6-point patch at the start of the sequence, one attribute per class, amplitude 1. */
export const SPURIOUS_FEATURE_DEFAULTS: Readonly<SpuriousFeature> = Object.freeze({
  kind: "patch",
  numAttributes: 10,
  amplitude: 1,
  noise: 0,
  jitter: 0,
  windowStart: 0,
  windowWidth: 6,
  featureSeed: 0,
});

/** Defaults: aligned 95% of the time, drawn independently per example. */
export const ATTRIBUTE_DRAW_DEFAULTS: Readonly<AttributeDraw> = Object.freeze({
  mode: "aligned",
  rho: 0.95,
  exact: false,
  seed: 0,
});

const FEATURE_KEYS = Object.keys(SPURIOUS_FEATURE_DEFAULTS);
const DRAW_KEYS = Object.keys(ATTRIBUTE_DRAW_DEFAULTS);

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Validate a spurious feature for sequences of `seqLength` over the defaults. */
export function resolveSpuriousFeature(input: unknown, seqLength: number, path = ""): SpuriousFeature {
  const given = record(path || "feature", input ?? {});
  noUnknownKeys(path, given, FEATURE_KEYS);
  const v = { ...SPURIOUS_FEATURE_DEFAULTS, ...given } as Record<string, unknown>;
  const kind = oneOf(at(path, "kind"), v.kind, SPURIOUS_KINDS);
  const numAttributes = integer(at(path, "numAttributes"), v.numAttributes, { min: 2, max: 1 << 16 });
  const amplitude = finite(at(path, "amplitude"), v.amplitude, { min: 0 });
  const noise = finite(at(path, "noise"), v.noise, { min: 0 });
  const jitter = integer(at(path, "jitter"), v.jitter, { min: 0, max: seqLength });
  const windowWidth = integer(at(path, "windowWidth"), v.windowWidth, { min: 1, max: seqLength });
  const windowStart = integer(at(path, "windowStart"), v.windowStart, { min: 0, max: seqLength - 1 });
  const featureSeed = integer(at(path, "featureSeed"), v.featureSeed, { min: 0, max: 2 ** 32 - 1 });
  if (kind === "patch" && (windowStart - jitter < 0 || windowStart + windowWidth + jitter > seqLength)) {
    throw new ConfigError(
      at(path, "windowStart"),
      `a patch window that stays inside the sequence of ${seqLength} positions with its jitter ` +
        `(windowStart - jitter >= 0 and windowStart + windowWidth + jitter <= ${seqLength}; ` +
        `windowWidth ${windowWidth}, jitter ${jitter})`,
      windowStart,
    );
  }
  return { kind, numAttributes, amplitude, noise, jitter, windowStart, windowWidth, featureSeed };
}

/** Validate one split's attribute draw over the defaults. */
export function resolveAttributeDraw(input: unknown, path = ""): AttributeDraw {
  const given = record(path || "attributes", input ?? {});
  noUnknownKeys(path, given, DRAW_KEYS);
  const v = { ...ATTRIBUTE_DRAW_DEFAULTS, ...given } as Record<string, unknown>;
  return {
    mode: oneOf(at(path, "mode"), v.mode, ATTRIBUTE_MODES),
    rho: finite(at(path, "rho"), v.rho, { min: 0, max: 1 }),
    exact: boolean(at(path, "exact"), v.exact),
    seed: integer(at(path, "seed"), v.seed, { min: 0, max: 2 ** 32 - 1 }),
  };
}
