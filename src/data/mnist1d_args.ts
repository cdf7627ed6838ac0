// The reference generator's arguments: names, defaults and validation. One table drives the TS
// API (camelCase), the reference names (snake_case, used in meta.json) and the CLI flags (kebab-case).
import { boolean, finite, integer, noUnknownKeys, record } from "../config/checks.ts";
import { ConfigError } from "../config/errors.ts";

/** Arguments of MNIST-1D's make_dataset, with the reference's meaning and defaults. */
export interface Mnist1dArgs {
  /** Examples before the split; the generator makes num_samples // 10 per class. */
  numSamples: number;
  /** Fraction of examples in the training split (the rest is the test split). */
  trainSplit: number;
  /** Template length used for the stretched length L = templateLen + padding[1]. */
  templateLen: number;
  /** Zero padding drawn uniformly in [low, high] before stretching. */
  padding: readonly [number, number];
  /** Amplitude scaling: factor 1 + scaleCoeff * (u - 0.5). */
  scaleCoeff: number;
  /** Roll right by k drawn uniformly from [0, maxTranslation). */
  maxTranslation: number;
  /** Std of the Gaussian-filtered noise filling the padding. */
  corrNoiseScale: number;
  /** Std of the i.i.d. noise added everywhere. */
  iidNoiseScale: number;
  /** Shear: subtract s * linspace(-0.5, 0.5) with s = shearScale * (u - 0.5). */
  shearScale: number;
  /** Permute the positions of every sequence with one shared permutation. */
  shuffleSeq: boolean;
  /** Length of each final sequence. */
  finalSeqLength: number;
  /** Seed of the MT19937 generator (numpy's legacy np.random.seed). */
  seed: number;
}

/** The reference defaults (mnist1d's get_dataset_args). */
export const MNIST1D_DEFAULTS: Readonly<Mnist1dArgs> = Object.freeze({
  numSamples: 5000,
  trainSplit: 0.8,
  templateLen: 12,
  padding: [36, 60] as const,
  scaleCoeff: 0.4,
  maxTranslation: 48,
  corrNoiseScale: 0.25,
  iidNoiseScale: 0.02,
  shearScale: 0.75,
  shuffleSeq: false,
  finalSeqLength: 40,
  seed: 42,
});

/** Every argument's TS key in the reference's order. */
export const MNIST1D_KEYS: readonly (keyof Mnist1dArgs)[] = Object.freeze([
  "numSamples",
  "trainSplit",
  "templateLen",
  "padding",
  "scaleCoeff",
  "maxTranslation",
  "corrNoiseScale",
  "iidNoiseScale",
  "shearScale",
  "shuffleSeq",
  "finalSeqLength",
  "seed",
]);

/** The reference (snake_case) name of a TS key: numSamples -> num_samples. */
export function referenceName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The CLI flag of a TS key: numSamples -> num-samples. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The largest float64 dataset the 32-bit WebAssembly memory can hold beside its scratch. */
const MAX_DATA_BYTES = 3.5 * 2 ** 30;

/** Classes of MNIST-1D (one template each). */
export const MNIST1D_CLASSES = 10;

/** The examples the generator actually makes: num_samples rounded down to a multiple of 10. */
export function totalExamples(args: Pick<Mnist1dArgs, "numSamples">): number {
  return Math.floor(args.numSamples / MNIST1D_CLASSES) * MNIST1D_CLASSES;
}

/** The train/test cut, as the reference computes it: int(N * train_split). */
export function splitIndex(args: Pick<Mnist1dArgs, "numSamples" | "trainSplit">): number {
  return Math.floor(totalExamples(args) * args.trainSplit);
}

/**
 * Validate arguments over the defaults: every given field is checked, unknown fields are
 * rejected, and a ConfigError names the first bad field, what it expects and what it got.
 */
export function resolveMnist1dArgs(input: unknown = {}, path = ""): Mnist1dArgs {
  const given = record(path || "arguments", input);
  noUnknownKeys(path, given, MNIST1D_KEYS);
  const at = (key: string) => (path ? `${path}.${key}` : key);
  const v = { ...MNIST1D_DEFAULTS, ...given } as Record<string, unknown>;

  const numSamples = integer(at("numSamples"), v.numSamples, { min: MNIST1D_CLASSES, max: 2 ** 31 - 1 });
  const trainSplit = finite(at("trainSplit"), v.trainSplit, { min: 0, max: 1 });
  const templateLen = integer(at("templateLen"), v.templateLen, { min: 1, max: 1 << 20 });
  const padding = paddingOf(at("padding"), v.padding);
  const scaleCoeff = finite(at("scaleCoeff"), v.scaleCoeff, { min: 0 });
  const maxTranslation = integer(at("maxTranslation"), v.maxTranslation, { min: 1, max: 2 ** 31 - 1 });
  const corrNoiseScale = finite(at("corrNoiseScale"), v.corrNoiseScale, { min: 0 });
  const iidNoiseScale = finite(at("iidNoiseScale"), v.iidNoiseScale, { min: 0 });
  const shearScale = finite(at("shearScale"), v.shearScale, { min: 0 });
  const shuffleSeq = boolean(at("shuffleSeq"), v.shuffleSeq);
  const finalSeqLength = integer(at("finalSeqLength"), v.finalSeqLength, { min: 2, max: 1 << 20 });
  const seed = integer(at("seed"), v.seed, { min: 0, max: 2 ** 32 - 1 });

  const args: Mnist1dArgs = {
    numSamples,
    trainSplit,
    templateLen,
    padding,
    scaleCoeff,
    maxTranslation,
    corrNoiseScale,
    iidNoiseScale,
    shearScale,
    shuffleSeq,
    finalSeqLength,
    seed,
  };
  const n = totalExamples(args);
  const cut = splitIndex(args);
  if (cut < 1 || cut > n - 1) {
    throw new ConfigError(
      at("trainSplit"),
      `a fraction that leaves both splits non-empty for ${n} examples (train = floor(${n} * train_split) in [1, ${
        n - 1
      }])`,
      trainSplit,
    );
  }
  if (n * finalSeqLength * 8 > MAX_DATA_BYTES) {
    throw new ConfigError(
      at("numSamples"),
      `at most ${
        Math.floor(MAX_DATA_BYTES / (8 * finalSeqLength))
      } examples of length ${finalSeqLength} (the float64 data must fit in 3.5 GiB of WebAssembly memory)`,
      numSamples,
    );
  }
  if (templateLen + padding[1] < 2) {
    throw new ConfigError(at("templateLen"), "templateLen + padding[1] >= 2 (the stretched length)", templateLen);
  }
  return args;
}

function paddingOf(path: string, value: unknown): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new ConfigError(path, "two integers [low, high] with 0 <= low <= high", value);
  }
  const low = integer(`${path}[0]`, value[0], { min: 0, max: 1 << 20 });
  const high = integer(`${path}[1]`, value[1], { min: 0, max: 1 << 20 });
  if (low > high) throw new ConfigError(path, "low <= high", value);
  return [low, high];
}
