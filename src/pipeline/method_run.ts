// Robustness methods as one flow: the study's splits, ERM trained on the training split, a method
// run on top, both scored on the test split with the same grouping. `spurious1d train --method`,
// the study's cells and the library's runMethod all go through here.
import type { Grouping } from "../data/groups.ts";
import { MNIST1D_CLASSES } from "../data/mnist1d_args.ts";
import { type Split, SPLIT_DEFAULTS, type SplitName, type SplitSpec } from "../data/splits.ts";
import { makeContext } from "../methods/context.ts";
import { getMethod, METHOD_NAMES } from "../methods/registry.ts";
import type { Hyperparameters, Method, MethodContext, MethodResult } from "../methods/types.ts";
import { type GroupMetrics, groupMetrics } from "../metrics/group_metrics.ts";
import { ConfigError } from "../config/errors.ts";
import { tfReady } from "../tf/backend.ts";
import { disposeModel } from "../tf/models.ts";
import type { TF } from "../tf/tf_type.ts";
import type { TrainConfig } from "../tf/train_config.ts";
import type { DataSettings } from "./dataset.ts";

/** The four splits a method needs (train, held-out, validation, test). */
export type Splits = Readonly<Record<SplitName, Split>>;

/** The split specs for data settings with a feature: training data and draws from the settings,
 * the other splits from SPLIT_DEFAULTS (the test split with the settings' test draw). */
export function methodSplitSpecs(settings: DataSettings): Record<SplitName, SplitSpec> {
  const s = settings.spurious;
  if (!s) throw new ConfigError("spurious", "a spurious feature (methods need groups)", undefined);
  return {
    ...SPLIT_DEFAULTS,
    train: { dataSeed: settings.args.seed, numSamples: settings.args.numSamples, part: "train", attributes: s.train },
    test: { ...SPLIT_DEFAULTS.test, attributes: s.test },
  };
}

/** The method called `name`, or a ConfigError naming the registered ones. */
export function requireMethod(name: string, path = "method"): Method {
  const method = getMethod(name);
  if (!method) throw new ConfigError(path, `one of ${METHOD_NAMES.join(", ")}`, name);
  return method;
}

/** Train ERM on the training split: the context every method runs in. Dispose `ctx.erm` when done. */
export async function trainErm(
  splits: Splits,
  training: TrainConfig,
  grouping: Grouping,
  tf?: TF,
): Promise<MethodContext> {
  return makeContext(tf ?? (await tfReady()), splits, training, grouping);
}

/** Group metrics of logits on a split, with the context's grouping and the training split's group proportions. */
export function scoreSplit(ctx: MethodContext, split: SplitName, logits: Float32Array): GroupMetrics {
  const trainCounts = new Float64Array(ctx.numGroups);
  for (const g of ctx.groups("train")) trainCounts[g]++;
  return groupMetrics({
    labels: ctx.splits[split].y,
    groups: ctx.groups(split),
    numGroups: ctx.numGroups,
    numClasses: MNIST1D_CLASSES,
    logits,
    trainGroupCounts: trainCounts,
  });
}

/** One method run in a context: its result, its test metrics and its wall seconds. */
export interface MethodOutcome {
  readonly result: MethodResult;
  readonly test: GroupMetrics;
  readonly seconds: number;
}

/** Run a method (with validated hyperparameters; default: its defaults) in a context and score it on the test split. */
export function runMethodIn(
  ctx: MethodContext,
  method: Method,
  params: Hyperparameters = method.defaults,
): MethodOutcome {
  const start = performance.now();
  const result = method.run(ctx, params);
  const seconds = (performance.now() - start) / 1000;
  return { result, test: scoreSplit(ctx, "test", result.logits.test), seconds };
}

/** What runMethod returns: ERM's and the method's test metrics, and what the method selected. */
export interface MethodReport {
  readonly method: string;
  readonly groupLabels: Method["groupLabels"];
  readonly grouping: Grouping;
  readonly numGroups: number;
  readonly erm: GroupMetrics;
  readonly result: GroupMetrics;
  readonly selected: Record<string, number>;
  readonly diagnostics: Record<string, unknown>;
  readonly methodSeconds: number;
  /** Test logits of ERM and of the method (n x classes), and the test split's group ids. */
  readonly logits: { readonly erm: Float32Array; readonly method: Float32Array };
  readonly testGroups: Int32Array;
}

/** What runMethod needs: validated splits, training config, grouping and hyperparameters. */
export interface RunMethodOptions {
  readonly splits: Splits;
  readonly training: TrainConfig;
  /** Default "coarse": class x aligned/conflicting. */
  readonly grouping?: Grouping;
  /** Validated hyperparameters (resolveHyperparameters); default the method's own defaults. */
  readonly params?: Hyperparameters;
  readonly tf?: TF;
}

/** Train ERM on the training split, run the method `name`, and score both on the test split. */
export async function runMethod(name: string, options: RunMethodOptions): Promise<MethodReport> {
  const method = requireMethod(name);
  const grouping = options.grouping ?? "coarse";
  const ctx = await trainErm(options.splits, options.training, grouping, options.tf);
  try {
    const ermLogits = requireMethod("erm").run(ctx, {}).logits.test;
    const erm = scoreSplit(ctx, "test", ermLogits);
    const run = runMethodIn(ctx, method, options.params ?? method.defaults);
    return {
      method: method.name,
      groupLabels: method.groupLabels,
      grouping,
      numGroups: ctx.numGroups,
      erm,
      result: run.test,
      selected: run.result.selected,
      diagnostics: run.result.diagnostics,
      methodSeconds: run.seconds,
      logits: { erm: ermLogits, method: run.result.logits.test },
      testGroups: ctx.groups("test"),
    };
  } finally {
    disposeModel(ctx.erm);
  }
}
