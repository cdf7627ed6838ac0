// The public API of spurious1d: everything here runs in any runtime with WebAssembly (no file,
// network or process access). The same module is the npm package's entry, what Deno imports from
// the source, and what the single-file bundle re-exports. docs/api.md has an example per entry.
// Stable in the semver sense: removing or changing anything exported here is a major version.

// Errors of every validator (`resolve*`): the field, what was expected, what was given.
export { ConfigError } from "./config/errors.ts";

// MNIST-1D: arguments, the bit-exact generator, the reference's files and .npy.
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
export {
  datasetFiles,
  type LoadedArrays,
  readDatasetFiles,
  referenceArgs,
  type SpuriousPair,
} from "./data/mnist1d_files.ts";

// Spurious features, groups and the study's splits.
export {
  ATTRIBUTE_DRAW_DEFAULTS,
  ATTRIBUTE_MODES,
  type AttributeDraw,
  type AttributeMode,
  resolveAttributeDraw,
  resolveSpuriousFeature,
  SPURIOUS_FEATURE_DEFAULTS,
  SPURIOUS_KINDS,
  type SpuriousFeature,
  type SpuriousKind,
} from "./data/spurious_config.ts";
export { drawAttributes, type InjectOptions, injectSpurious, patchCodes, type SpuriousData } from "./data/spurious.ts";
export { alignedAttribute, groupCount, groupIds, type Grouping } from "./data/groups.ts";
export {
  makeSplit,
  makeSplits,
  type Split,
  SPLIT_DEFAULTS,
  SPLIT_NAMES,
  SPLIT_PARTS,
  type SplitName,
  type SplitPart,
  type SplitSpec,
} from "./data/splits.ts";

// Group metrics.
export {
  ECE_BINS,
  type GroupMetrics,
  groupMetrics,
  type GroupMetricsInput,
  type GroupStat,
} from "./metrics/group_metrics.ts";

// Training (tfjs on its WebAssembly backend).
export { tfReady } from "./tf/backend.ts";
export type { TF } from "./tf/tf_type.ts";
export { disposeModel, type Model, MODEL_KINDS, type ModelKind } from "./tf/models.ts";
export {
  type BatchOrder,
  type OptimizerName,
  resolveTrainConfig,
  type SelectBy,
  TRAIN_DEFAULTS,
  type TrainConfig,
} from "./tf/train_config.ts";
export { type EvalPoint, predictEmbeddings, predictLogits, TrainingDiverged } from "./tf/trainer.ts";

// Robustness methods.
export { getMethod, METHODS } from "./methods/registry.ts";
export { resolveHyperparameters } from "./methods/params.ts";
export type { GroupLabelUse, Hyperparameters, Method, MethodContext, MethodResult } from "./methods/types.ts";
export { type Selection, SELECTION_LABELS, SELECTIONS } from "./methods/selection.ts";

// The pipeline: dataset, one trained model, one method run.
export {
  type Dataset,
  type DataSettings,
  type LabelledRows,
  makeDataset,
  type SpuriousSettings,
  type TrainTestRows,
  trainTestRows,
} from "./pipeline/dataset.ts";
export { scoreModel, type TrainedModel, trainModel } from "./pipeline/train_model.ts";
export {
  type MethodOutcome,
  type MethodReport,
  methodSplitSpecs,
  type ProtocolOutcome,
  resolveSelectBy,
  runMethod,
  runMethodIn,
  type RunMethodOptions,
  scoreSplit,
  type Splits,
  trainErm,
} from "./pipeline/method_run.ts";

// The study.
export {
  type HeldoutComposition,
  resolveStudyConfig,
  STUDY_DEFAULTS,
  STUDY_FULL,
  STUDY_QUICK,
  type StudyConfig,
  type StudyPreset,
} from "./study/config.ts";
export { type Cell, studyCells } from "./study/cells.ts";
export { type CellResult, runCell, type Scores } from "./study/run_cell.ts";
export { runStudy, type StudyOptions } from "./study/run_study.ts";
export { type ModelSummary, type Stat, type StudySummary, summarise, summaryCsv } from "./study/analysis.ts";
