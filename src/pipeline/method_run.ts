// Robustness methods as one flow: the study's splits, ERM trained on the training split, a method
// run on top, both scored on the test split with the same grouping. `spurious1d train --method`,
// the study's cells and the library's runMethod all go through here.
import type { Grouping } from "../data/groups.ts";
import { MNIST1D_CLASSES } from "../data/mnist1d_args.ts";
import { type Split, SPLIT_DEFAULTS, type SplitName, type SplitSpec } from "../data/splits.ts";
import { makeContext } from "../methods/context.ts";
import { getMethod, METHOD_NAMES } from "../methods/registry.ts";
import type { Hyperparameters, Method, MethodContext, MethodResult } from "../methods/types.ts";
import { choicesByProtocol, isSelection, type Selection, SELECTIONS } from "../methods/selection.ts";
import { ermLogits } from "../methods/context.ts";
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

/** A selection protocol the method supports, or a ConfigError naming what it supports (`path` names the field). */
export function resolveSelectBy(method: Method, given: unknown, path = "selectBy"): Selection {
  const supported = method.selections ?? [];
  if (!isSelection(given)) throw new ConfigError(path, `one of ${SELECTIONS.join(", ")}`, given);
  if (!supported.includes(given)) {
    throw new ConfigError(
      path,
      supported.length
        ? `a protocol ${method.name} supports (${supported.join(", ")})`
        : `nothing: ${method.name} selects as its paper does`,
      given,
    );
  }
  return given;
}

/** One protocol's choice among a method's candidates, scored on the test split. */
export interface ProtocolOutcome {
  readonly selectBy: Selection;
  readonly selected: Record<string, number>;
  readonly test: GroupMetrics;
}

/** One method run in a context: its result, its test metrics, its wall seconds, and (methods with a grid)
 * the choice each selection protocol it supports would have made. */
export interface MethodOutcome {
  readonly result: MethodResult;
  readonly test: GroupMetrics;
  readonly seconds: number;
  readonly byProtocol?: readonly ProtocolOutcome[];
}

/** Run a method (with validated hyperparameters; default: its defaults) in a context and score it on the test
 * split; `selectBy` (validated by resolveSelectBy) overrides the method's default protocol. */
export function runMethodIn(
  ctx: MethodContext,
  method: Method,
  params: Hyperparameters = method.defaults,
  selectBy?: Selection,
): MethodOutcome {
  const start = performance.now();
  const result = method.run(selectBy ? { ...ctx, selectBy } : ctx, params);
  const seconds = (performance.now() - start) / 1000;
  const test = scoreSplit(ctx, "test", result.logits.test);
  if (!result.candidates || !method.selections) return { result, test, seconds };
  const choices = choicesByProtocol(ctx, method.selections, result.candidates, ermLogits(ctx, "val"));
  const byProtocol = choices.map((c) => ({
    selectBy: c.selectBy,
    selected: c.selected,
    test: scoreSplit(ctx, "test", c.testLogits),
  }));
  return { result, test, seconds, byProtocol };
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
  /** Methods with a grid: each selection protocol's choice and its test metrics. */
  readonly byProtocol?: readonly ProtocolOutcome[];
}

/** What runMethod needs: validated splits, training config, grouping and hyperparameters. */
export interface RunMethodOptions {
  readonly splits: Splits;
  readonly training: TrainConfig;
  /** Default "coarse": class x aligned/conflicting. */
  readonly grouping?: Grouping;
  /** Validated hyperparameters (resolveHyperparameters); default the method's own defaults. */
  readonly params?: Hyperparameters;
  /** A protocol the method supports (resolveSelectBy); default its own. */
  readonly selectBy?: Selection;
  readonly tf?: TF;
}

/** Train ERM on the training split, run the method `name`, and score both on the test split. */
export async function runMethod(name: string, options: RunMethodOptions): Promise<MethodReport> {
  const method = requireMethod(name);
  if (options.selectBy !== undefined) resolveSelectBy(method, options.selectBy);
  const grouping = options.grouping ?? "coarse";
  const ctx = await trainErm(options.splits, options.training, grouping, options.tf);
  try {
    const ermLogits = requireMethod("erm").run(ctx, {}).logits.test;
    const erm = scoreSplit(ctx, "test", ermLogits);
    const run = runMethodIn(ctx, method, options.params ?? method.defaults, options.selectBy);
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
      ...(run.byProtocol ? { byProtocol: run.byProtocol } : {}),
    };
  } finally {
    disposeModel(ctx.erm);
  }
}
