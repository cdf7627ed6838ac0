// The interface every robustness method shares (as in SubpopBench's registry): what a method may
// use, its hyperparameters, and what it returns.
import type * as tfc from "@tensorflow/tfjs-core";
import type { Grouping } from "../data/groups.ts";
import type { Split, SplitName } from "../data/splits.ts";
import type { Model } from "../tf/models.ts";
import type { TrainConfig } from "../tf/train_config.ts";
import type { Candidate, Selection } from "./selection.ts";

/** Which group labels a method reads: none, only the validation/held-out data's, or the training data's. */
export type GroupLabelUse = "none" | "validation" | "training";

/** Hyperparameters: numbers, and lists of numbers for grids. */
export type Hyperparameters = Record<string, number | readonly number[]>;

/** One hyperparameter's domain: numbers in [min, max] (min excluded when `minExclusive`), whole numbers only when
 * `integer`, and a list of values (a grid the method searches) only when `grid`. */
export interface HyperparameterSpec {
  readonly min: number;
  readonly max: number;
  readonly minExclusive?: boolean;
  readonly integer?: boolean;
  readonly grid?: boolean;
}

/** A method's hyperparameters by name; a name not in it is an error. */
export type HyperparameterSchema = Readonly<Record<string, HyperparameterSpec>>;

/** Everything a method may use. Which group labels it reads is its declared GroupLabelUse. */
export interface MethodContext {
  readonly tf: typeof tfc;
  readonly splits: Readonly<Record<SplitName, Split>>;
  readonly numClasses: number;
  /** The grouping used for balancing, reweighting and worst-group selection. */
  readonly grouping: Grouping;
  readonly numGroups: number;
  /** Group id of every example of a split under `grouping`. */
  groups(split: SplitName): Int32Array;
  /** The ERM run's configuration (full-model methods retrain with it). */
  readonly training: TrainConfig;
  /** The trained ERM model. */
  readonly erm: Model;
  /** ERM embeddings of a split (cached). */
  embeddings(split: SplitName): Float32Array;
  /** A split's rows as float32 (cached). */
  inputs(split: SplitName): Float32Array;
  readonly seed: number;
  /** How methods with a grid choose among its candidates (each method's own default when absent). */
  readonly selectBy?: Selection;
}

/** What a method returns. */
export interface MethodResult {
  readonly method: string;
  /** The hyperparameters it chose (from its grid) or used. */
  readonly selected: Record<string, number>;
  readonly diagnostics: Record<string, unknown>;
  /** Its predictions (logits) on the validation and test splits. */
  readonly logits: { readonly val: Float32Array; readonly test: Float32Array };
  /** Methods with `selections`: every candidate of its grid, so each protocol's choice can be scored without a rerun. */
  readonly candidates?: readonly Candidate[];
}

/** A robustness method. */
export interface Method {
  readonly name: string;
  readonly summary: string;
  readonly groupLabels: GroupLabelUse;
  readonly defaults: Hyperparameters;
  /** The domain of each hyperparameter (the same names as `defaults`). */
  readonly schema: HyperparameterSchema;
  /** The selection protocols it supports, its default first (absent: it selects as its paper does, by group labels). */
  readonly selections?: readonly Selection[];
  run(ctx: MethodContext, params: Hyperparameters): MethodResult;
}
