// The public API of spurious1d: everything here runs in any runtime with WebAssembly.
export { ConfigError } from "./config/errors.ts";
export {
  flagName,
  MNIST1D_CLASSES,
  MNIST1D_DEFAULTS,
  MNIST1D_KEYS,
  type Mnist1dArgs,
  referenceName,
  resolveMnist1dArgs,
  splitIndex,
  totalExamples,
} from "./data/mnist1d_args.ts";
export {
  makeMnist1d,
  type Mnist1dDataset,
  Mnist1dGenerator,
  type Mnist1dTemplates,
  mnist1dTemplates,
  type ProgressCallback,
} from "./data/mnist1d.ts";
export { decodeNpy, encodeNpy, int64Of, type NpyArray, type NpyDtype } from "./data/npy.ts";
export { datasetFiles, type LoadedArrays, readDatasetFiles, referenceArgs } from "./data/mnist1d_files.ts";
