// The data flags shared by `generate` and `train`: MNIST-1D's arguments (one flag each) and the
// spurious-feature flags, their help, and the validated settings they give (src/pipeline makes the dataset).
import {
  flagName,
  MNIST1D_DEFAULTS,
  MNIST1D_KEYS,
  type Mnist1dArgs,
  resolveMnist1dArgs,
} from "../data/mnist1d_args.ts";
import type { DataSettings } from "../pipeline/dataset.ts";
import { numberOrText, pairOrText } from "./flag_values.ts";
import { spuriousFlagOptions, spuriousFromFlags, spuriousHelp } from "./spurious_flags.ts";
import { asUsageError } from "./usage_error.ts";

/** parseArgs options of every data flag. `seedFlag` renames MNIST-1D's --seed (train uses --data-seed). */
export function dataFlagOptions(seedFlag = "seed"): Record<string, { type: "string" | "boolean" }> {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const key of MNIST1D_KEYS) {
    options[key === "seed" ? seedFlag : flagName(key)] = { type: key === "shuffleSeq" ? "boolean" : "string" };
  }
  return { ...options, ...spuriousFlagOptions() };
}

const HELP: Record<keyof Mnist1dArgs, string> = {
  numSamples: "examples before the split (num_samples // 10 per class)",
  trainSplit: "fraction of examples in the training split",
  templateLen: "template length; stretched length L = template-len + padding HIGH",
  padding: "zero padding drawn from [LOW, HIGH], as LOW,HIGH",
  scaleCoeff: "amplitude scaling coefficient",
  maxTranslation: "roll right by k drawn from [0, max-translation)",
  corrNoiseScale: "std of the correlated (Gaussian-filtered) background noise",
  iidNoiseScale: "std of the i.i.d. noise",
  shearScale: "shear coefficient scale",
  shuffleSeq: "permute sequence positions with one shared permutation",
  finalSeqLength: "length of each final sequence",
  seed: "MT19937 seed of the data, an integer in [0, 2^32-1]",
};

/** Help lines for the data flags. */
export function dataFlagHelp(seedFlag = "seed"): string[] {
  const lines = MNIST1D_KEYS.map((k) => {
    const d = MNIST1D_DEFAULTS[k];
    const name = k === "seed" ? seedFlag : flagName(k);
    const flag = k === "shuffleSeq" ? `--${name}` : `--${name} ${k === "padding" ? "LOW,HIGH" : "N"}`;
    return `  ${flag.padEnd(28)} ${HELP[k]} (default ${Array.isArray(d) ? d.join(",") : d})`;
  });
  return ["MNIST-1D (the reference generator's arguments):", ...lines, "", ...spuriousHelp()];
}

/** Read and validate the data flags (UsageError naming the flag). */
export function dataFromFlags(values: Record<string, string | boolean | undefined>, seedFlag = "seed"): DataSettings {
  const given: Record<string, unknown> = {};
  for (const key of MNIST1D_KEYS) {
    const v = values[key === "seed" ? seedFlag : flagName(key)];
    if (v === undefined) continue;
    if (typeof v === "boolean") given[key] = v;
    else given[key] = key === "padding" ? pairOrText(v) : numberOrText(v);
  }
  let args: Mnist1dArgs;
  try {
    args = resolveMnist1dArgs(given);
  } catch (error) {
    throw asUsageError(error, { seed: `--${seedFlag}` });
  }
  const spurious = spuriousFromFlags(values, args.finalSeqLength);
  return spurious ? { args, spurious } : { args };
}
