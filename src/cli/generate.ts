// `spurious1d generate`: make MNIST-1D from flags and write .npy files plus meta.json.
import {
  flagName,
  MNIST1D_DEFAULTS,
  MNIST1D_KEYS,
  type Mnist1dArgs,
  resolveMnist1dArgs,
} from "../data/mnist1d_args.ts";
import { makeMnist1d } from "../data/mnist1d.ts";
import { datasetFiles } from "../data/mnist1d_files.ts";
import { numberOrText, pairOrText } from "./flag_values.ts";
import { checkOutputDir, writeOutputDir } from "./output_dir.ts";
import { progressPrinter } from "./progress.ts";
import { asUsageError, UsageError } from "./usage_error.ts";
import { parseFlags } from "./parse_flags.ts";
import { spuriousFlagOptions, spuriousFromFlags, spuriousHelp } from "./spurious_flags.ts";
import { injectSpurious } from "../data/spurious.ts";

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
  seed: "MT19937 seed, an integer in [0, 2^32-1]",
};

/** The `generate` command's help text. */
export function generateHelp(): string {
  const lines = MNIST1D_KEYS.map((k) => {
    const d = MNIST1D_DEFAULTS[k];
    const flag = k === "shuffleSeq" ? `--${flagName(k)}` : `--${flagName(k)} ${k === "padding" ? "LOW,HIGH" : "N"}`;
    return `  ${flag.padEnd(28)} ${HELP[k]} (default ${Array.isArray(d) ? d.join(",") : d})`;
  });
  return [
    "Usage: spurious1d generate --out DIR [flags]",
    "",
    "Generate MNIST-1D exactly as the reference Python generator does and write",
    "x.npy, y.npy, x_test.npy, y_test.npy, t.npy (float64/int64, C order) and meta.json.",
    "",
    ...lines,
    "",
    ...spuriousHelp(),
    "",
    `  ${"--out DIR".padEnd(28)} output directory (must not exist yet)`,
    `  ${"--force".padEnd(28)} replace an existing output directory`,
    `  ${"--quiet".padEnd(28)} no progress output`,
    `  ${"-h, --help".padEnd(28)} show this help`,
  ].join("\n");
}

/** Turn `generate` flags into validated generator arguments (UsageError naming the flag). */
export function generateArgsFromFlags(values: Record<string, string | boolean | undefined>): Mnist1dArgs {
  const given: Record<string, unknown> = {};
  for (const key of MNIST1D_KEYS) {
    const v = values[flagName(key)];
    if (v === undefined) continue;
    if (typeof v === "boolean") given[key] = v;
    else given[key] = key === "padding" ? pairOrText(v) : numberOrText(v);
  }
  try {
    return resolveMnist1dArgs(given);
  } catch (error) {
    throw asUsageError(error);
  }
}

/** Run `spurious1d generate` with the given argv (after the command name). */
export async function runGenerate(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    out: { type: "string" },
    force: { type: "boolean" },
    quiet: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  };
  for (const key of MNIST1D_KEYS) options[flagName(key)] = { type: key === "shuffleSeq" ? "boolean" : "string" };
  Object.assign(options, spuriousFlagOptions());
  const values = parseFlags(argv, options);
  if (values.help) {
    log(generateHelp());
    return;
  }
  const args = generateArgsFromFlags(values);
  const spurious = spuriousFromFlags(values, args.finalSeqLength);
  const out = values.out;
  if (typeof out !== "string" || out.length === 0) {
    throw new UsageError("--out: expected an output directory path, got nothing");
  }
  const force = values.force === true;
  await checkOutputDir(out, force);
  const progress = values.quiet ? undefined : progressPrinter("generate", 200_000);
  const ds = await makeMnist1d(args, progress);
  const pair = spurious && {
    train: injectSpurious(ds.x, ds.y, ds.seqLength, spurious.feature, spurious.train),
    test: injectSpurious(ds.xTest, ds.yTest, ds.seqLength, spurious.feature, spurious.test),
  };
  const meta = spurious ? { spurious: { feature: spurious.feature, train: spurious.train, test: spurious.test } } : {};
  await writeOutputDir(out, datasetFiles(ds, meta, pair), force);
  log(`wrote ${ds.y.length} train and ${ds.yTest.length} test examples of length ${ds.seqLength} to ${out}`);
}
