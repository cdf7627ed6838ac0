// The splits a spurious-correlation study needs, each with its own data and attribute draw:
// train (for ERM), heldout (group-labelled, for last-layer retraining and reweighting), val (model
// selection) and test. Each split is an MNIST-1D generation of its own (seed, size, part).
import { makeMnist1d } from "./mnist1d.ts";
import { MNIST1D_DEFAULTS, type Mnist1dArgs } from "./mnist1d_args.ts";
import { injectSpurious, type SpuriousData } from "./spurious.ts";
import type { AttributeDraw, SpuriousFeature } from "./spurious_config.ts";

/** The study's splits, in the order they are made. */
export const SPLIT_NAMES = ["train", "heldout", "val", "test"] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Which examples of an MNIST-1D generation a split takes. */
export const SPLIT_PARTS = ["train", "test", "all"] as const;
export type SplitPart = (typeof SPLIT_PARTS)[number];

/** One split: the MNIST-1D generation it comes from and how its attributes are drawn. */
export interface SplitSpec {
  /** MNIST-1D seed of this split's examples. */
  dataSeed: number;
  /** num_samples of that generation. */
  numSamples: number;
  /** Its reference train part, test part, or all of it. */
  part: SplitPart;
  attributes: AttributeDraw;
}

/** Defaults: train is exactly the reference training set (seed 42); the others are fresh draws,
 * decorrelated (heldout, val) or without the feature (test), large enough that 100 groups each
 * hold about 200 test examples. */
export const SPLIT_DEFAULTS: Readonly<Record<SplitName, SplitSpec>> = Object.freeze({
  train: {
    dataSeed: 42,
    numSamples: 5000,
    part: "train",
    attributes: { mode: "aligned", rho: 0.95, exact: false, seed: 1 },
  },
  heldout: {
    dataSeed: 1001,
    numSamples: 5000,
    part: "all",
    attributes: { mode: "random", rho: 0.95, exact: false, seed: 2 },
  },
  val: {
    dataSeed: 1002,
    numSamples: 5000,
    part: "all",
    attributes: { mode: "random", rho: 0.95, exact: false, seed: 3 },
  },
  test: {
    dataSeed: 1003,
    numSamples: 20000,
    part: "all",
    attributes: { mode: "absent", rho: 0.95, exact: false, seed: 4 },
  },
});

/** Examples of one split: the data with its feature, labels, attributes and groups. */
export type Split = SpuriousData;

/** Make one split: generate its MNIST-1D data, take its part, draw attributes, add the feature.
 * Everything is taken as validated (resolveMnist1dArgs, resolveAttributeDraw, resolveSpuriousFeature). */
export async function makeSplit(
  spec: SplitSpec,
  mnist: Partial<Omit<Mnist1dArgs, "numSamples" | "seed">>,
  feature: SpuriousFeature,
): Promise<Split> {
  const args: Mnist1dArgs = { ...MNIST1D_DEFAULTS, ...mnist, numSamples: spec.numSamples, seed: spec.dataSeed };
  const ds = await makeMnist1d(args);
  const [x, y] = spec.part === "train"
    ? [ds.x, ds.y]
    : spec.part === "test"
    ? [ds.xTest, ds.yTest]
    : [concat(ds.x, ds.xTest), concat(ds.y, ds.yTest)];
  // In place: x is this call's own array (a view on the generator's memory, or a fresh copy).
  return injectSpurious(x, y, ds.seqLength, feature, spec.attributes, { into: x });
}

/** Make every split (train, heldout, val, test) from their specs. */
export async function makeSplits(
  specs: Readonly<Record<SplitName, SplitSpec>>,
  mnist: Partial<Omit<Mnist1dArgs, "numSamples" | "seed">>,
  feature: SpuriousFeature,
): Promise<Record<SplitName, Split>> {
  const out = {} as Record<SplitName, Split>;
  for (const name of SPLIT_NAMES) out[name] = await makeSplit(specs[name], mnist, feature);
  return out;
}

function concat<T extends Float64Array | Int32Array>(a: T, b: T): T {
  const out = new (a.constructor as new (n: number) => T)(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
