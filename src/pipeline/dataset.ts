// The dataset a command or request describes: MNIST-1D from validated arguments, clean or with a
// spurious feature in both parts, and the rows a model trains and is scored on.
import { groupCount } from "../data/groups.ts";
import { makeMnist1d, type Mnist1dDataset, type ProgressCallback } from "../data/mnist1d.ts";
import { MNIST1D_CLASSES, type Mnist1dArgs } from "../data/mnist1d_args.ts";
import type { SpuriousPair } from "../data/mnist1d_files.ts";
import { injectSpurious } from "../data/spurious.ts";
import type { AttributeDraw, SpuriousFeature } from "../data/spurious_config.ts";

/** A spurious feature and the attribute draws of the training and test parts (all validated). */
export interface SpuriousSettings {
  readonly feature: SpuriousFeature;
  readonly train: AttributeDraw;
  readonly test: AttributeDraw;
}

/** Validated data settings: MNIST-1D's arguments and, optionally, a spurious feature. */
export interface DataSettings {
  readonly args: Mnist1dArgs;
  readonly spurious?: SpuriousSettings;
}

/** A generated dataset: the clean MNIST-1D data and, with a feature, both parts with it added. */
export interface Dataset {
  readonly ds: Mnist1dDataset;
  readonly pair?: SpuriousPair;
}

/** Rows with labels (and fine group ids when a feature is present). */
export interface LabelledRows {
  readonly x: Float64Array | Float32Array;
  readonly y: Int32Array;
  readonly g?: Int32Array;
}

/** What a model trains on and is scored on. */
export interface TrainTestRows {
  readonly train: LabelledRows;
  readonly test: LabelledRows;
  readonly seqLength: number;
  /** Number of fine groups, when the rows have groups. */
  readonly numGroups?: number;
}

/** Generate the dataset the settings describe: clean, or with the spurious feature in both parts. */
export async function makeDataset(settings: DataSettings, onProgress?: ProgressCallback): Promise<Dataset> {
  const ds = await makeMnist1d(settings.args, onProgress);
  const s = settings.spurious;
  if (!s) return { ds };
  return {
    ds,
    pair: {
      train: injectSpurious(ds.x, ds.y, ds.seqLength, s.feature, s.train),
      test: injectSpurious(ds.xTest, ds.yTest, ds.seqLength, s.feature, s.test),
    },
  };
}

/** The training and test rows of a dataset (with the feature when it has one). */
export function trainTestRows(data: Dataset): TrainTestRows {
  const { ds, pair } = data;
  if (!pair) return { train: { x: ds.x32, y: ds.y }, test: { x: ds.xTest32, y: ds.yTest }, seqLength: ds.seqLength };
  return {
    train: { x: pair.train.x, y: ds.y, g: pair.train.g },
    test: { x: pair.test.x, y: ds.yTest, g: pair.test.g },
    seqLength: ds.seqLength,
    numGroups: groupCount("fine", MNIST1D_CLASSES, pair.train.numAttributes),
  };
}
