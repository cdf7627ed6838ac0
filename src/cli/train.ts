// `spurious1d train`: generate data from the data flags, train a model, report metrics, save it.
import { encodeNpy } from "../data/npy.ts";
import { type GroupMetrics } from "../metrics/group_metrics.ts";
import { tfReady } from "../tf/backend.ts";
import { disposeModel } from "../tf/models.ts";
import { resolveTrainConfig, TRAIN_DEFAULTS, type TrainConfig } from "../tf/train_config.ts";
import { evaluate, predictEmbeddings, train, TrainingDiverged } from "../tf/trainer.ts";
import { dataFlagHelp, dataFlagOptions, dataFromFlags, makeDataset } from "./data_flags.ts";
import { numberOrText } from "./flag_values.ts";
import { checkOutputDir, writeOutputDir } from "./output_dir.ts";
import { parseFlags } from "./parse_flags.ts";
import { asUsageError, UsageError } from "./usage_error.ts";
import { flagName } from "../data/mnist1d_args.ts";
import { ConfigError, describe } from "../config/errors.ts";
import { getMethod, METHODS } from "../methods/registry.ts";
import { parseHyperparameterFlags, resolveHyperparameters } from "../methods/params.ts";
import { makeContext } from "../methods/context.ts";
import { groupMetrics } from "../metrics/group_metrics.ts";
import { makeSplits, SPLIT_DEFAULTS } from "../data/splits.ts";
import type { Grouping } from "../data/groups.ts";
import type { DataSettings } from "./data_flags.ts";
import type { TF } from "../tf/tf_type.ts";

const TRAIN_FLAGS: Record<string, string> = {
  model: "linear, mlp or cnn",
  optimizer: "adam or sgd",
  learningRate: "learning rate (> 0)",
  batchSize: "examples per step (at most the training set)",
  steps: "optimisation steps",
  weightDecay: "L2 weight decay added to the gradients",
  momentum: "SGD momentum",
  batchOrder: "sequential (the reference's slices) or shuffled (seeded)",
  seed: "seed of initialisation and batch order",
  hidden: "the MLP's hidden width",
  channels: "the CNN's channels per convolution",
};

/** The `train` command's help text. */
export function trainHelp(): string {
  const line = (k: string) =>
    `  ${`--${flagName(k)} ${k === "model" || k === "optimizer" || k === "batchOrder" ? "NAME" : "N"}`.padEnd(28)} ${
      TRAIN_FLAGS[k]
    } (default ${TRAIN_DEFAULTS[k as keyof TrainConfig]})`;
  return [
    "Usage: spurious1d train [--model mlp] [flags]",
    "",
    "Train a model on MNIST-1D (with a spurious feature if any spurious flag is given) and report",
    "its test accuracy; with groups, per-group and worst-group accuracy too.",
    "",
    "Training (the reference protocol by default):",
    ...Object.keys(TRAIN_FLAGS).map(line),
    "",
    ...dataFlagHelp("data-seed"),
    "",
    "Robustness methods (need the spurious flags; ERM is trained first, then the method):",
    `  ${"--method NAME".padEnd(28)} one of ${Object.keys(METHODS).join(", ")}`,
    `  ${"--hp KEY=V[,V...]".padEnd(28)} a hyperparameter of the method (repeatable; a list is a grid)`,
    `  ${"--grouping fine|coarse".padEnd(28)} groups (label, attribute) or (label, aligned/conflicting) (default fine)`,
    "",
    `  ${"--json".padEnd(28)} print the metrics as JSON`,
    `  ${"--out DIR".padEnd(28)} save weights (one .npy per variable), embeddings and metrics.json`,
    `  ${"--force".padEnd(28)} replace an existing output directory`,
    `  ${"-h, --help".padEnd(28)} show this help`,
  ].join("\n");
}

/** The summary `--json` prints (and metrics.json holds). */
function summary(config: TrainConfig, m: GroupMetrics, grouped: boolean, samplesPerSecond: number, seconds: number) {
  return {
    model: config.model,
    training: config,
    test: {
      n: m.n,
      accuracy: m.averageAccuracy,
      worstClassAccuracy: m.worstClassAccuracy,
      meanLoss: m.meanLoss,
      ece: m.ece,
      ...(grouped
        ? {
          worstGroupAccuracy: m.worstGroupAccuracy,
          worstGroup: m.worstGroup,
          meanGroupAccuracy: m.meanGroupAccuracy,
          emptyGroups: m.emptyGroups,
          groups: m.groups.map((g, id) => ({ id, count: g.count, accuracy: g.accuracy })),
        }
        : {}),
    },
    samplesPerSecond,
    seconds,
  };
}

/** Run `spurious1d train` with the given argv (after the command name). */
export async function runTrain(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {
    ...dataFlagOptions("data-seed"),
    json: { type: "boolean" },
    method: { type: "string" },
    hp: { type: "string", multiple: true },
    grouping: { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  };
  for (const k of Object.keys(TRAIN_FLAGS)) options[flagName(k)] = { type: "string" };
  const values = parseFlags(argv, options);
  if (values.help) {
    log(trainHelp());
    return;
  }
  const settings = dataFromFlags(values as Record<string, string | boolean | undefined>, "data-seed");
  const given: Record<string, unknown> = {};
  for (const k of Object.keys(TRAIN_FLAGS)) {
    const v = values[flagName(k)];
    if (typeof v === "string") given[k] = ["model", "optimizer", "batchOrder"].includes(k) ? v : numberOrText(v);
  }
  const trainSize = Math.floor(Math.floor(settings.args.numSamples / 10) * 10 * settings.args.trainSplit);
  let config: TrainConfig;
  try {
    config = resolveTrainConfig({ ...given, evalEvery: Number(given.steps ?? TRAIN_DEFAULTS.steps) }, trainSize);
  } catch (error) {
    throw asUsageError(error);
  }
  const out = typeof values.out === "string" ? values.out : undefined;
  if (values.out !== undefined && !out) throw new UsageError("--out: expected an output directory path, got nothing");
  if (typeof values.method === "string") {
    await runMethod(values, settings, config, log);
    return;
  }
  if (out) await checkOutputDir(out, values.force === true);

  const { ds, pair } = await makeDataset(settings);
  const tf = await tfReady();
  const x = pair ? new Float32Array(pair.train.x) : ds.x32;
  const xTest = pair ? new Float32Array(pair.test.x) : ds.xTest32;
  const start = performance.now();
  let result;
  try {
    result = train(tf, { config, data: { x, y: ds.y, seqLength: ds.seqLength } });
  } catch (error) {
    if (error instanceof TrainingDiverged) throw new UsageError(error.message);
    throw error;
  }
  const seconds = (performance.now() - start) / 1000;
  const k = settings.spurious?.feature.numAttributes ?? 0;
  const grouped = pair !== undefined;
  const metrics = evaluate(tf, result.model, {
    x: xTest,
    y: ds.yTest,
    ...(pair ? { g: pair.test.g, numGroups: 10 * k } : {}),
  }, ds.seqLength);
  const report = summary(config, metrics, grouped, result.samplesPerSecond, seconds);
  if (values.json) {
    log(JSON.stringify(report, null, 2));
  } else {
    log(
      `${config.model}: test accuracy ${metrics.averageAccuracy.toFixed(4)}` +
        (grouped ? `, worst-group accuracy ${metrics.worstGroupAccuracy.toFixed(4)}` : "") +
        `, worst-class ${metrics.worstClassAccuracy.toFixed(4)}; ${result.samplesPerSecond.toFixed(0)} samples/s`,
    );
  }
  if (out) {
    const files = new Map<string, Uint8Array>();
    result.model.variables.forEach((v, i) => {
      files.set(
        `${result.model.names[i]}.npy`,
        encodeNpy({ dtype: "<f4", shape: v.shape, data: v.dataSync() as Float32Array }),
      );
    });
    const e = result.model.embeddingSize;
    const emb = predictEmbeddings(tf, result.model, x, ds.seqLength);
    const embTest = predictEmbeddings(tf, result.model, xTest, ds.seqLength);
    files.set("emb.npy", encodeNpy({ dtype: "<f4", shape: [emb.length / e, e], data: emb }));
    files.set("emb_test.npy", encodeNpy({ dtype: "<f4", shape: [embTest.length / e, e], data: embTest }));
    files.set("metrics.json", new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"));
    await writeOutputDir(out, files, values.force === true);
  }
  disposeModel(result.model);
}

/** `train --method NAME`: ERM on the spurious training split, then the method; metrics of both. */
async function runMethod(
  values: Record<string, unknown>,
  settings: DataSettings,
  config: TrainConfig,
  log: (line: string) => void,
): Promise<void> {
  const name = values.method as string;
  const method = getMethod(name);
  if (!method) {
    throw new UsageError(`--method: expected one of ${Object.keys(METHODS).join(", ")}, got ${JSON.stringify(name)}`);
  }
  if (!settings.spurious) {
    throw new UsageError("--method: expected spurious flags (for example --rho 0.95): methods need groups, got none");
  }
  const grouping = (values.grouping ?? "fine") as string;
  if (grouping !== "fine" && grouping !== "coarse") {
    throw new UsageError(`--grouping: expected one of "fine", "coarse", got ${JSON.stringify(grouping)}`);
  }
  let params;
  try {
    params = resolveHyperparameters(method, parseHyperparameterFlags((values.hp as string[] | undefined) ?? []));
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new UsageError(`--hp ${error.path.slice(3)}: expected ${error.expected}, got ${describe(error.received)}`);
    }
    throw error;
  }
  const s = settings.spurious;
  const { numSamples: _n, seed: dataSeed, ...mnist } = settings.args;
  const splits = await makeSplits(
    {
      ...SPLIT_DEFAULTS,
      train: { dataSeed, numSamples: settings.args.numSamples, part: "train", attributes: s.train },
      test: { ...SPLIT_DEFAULTS.test, attributes: s.test },
    },
    mnist,
    s.feature,
  );
  const tf: TF = await tfReady();
  const ctx = makeContext(tf, splits, config, grouping as Grouping);
  const score = (logits: Float32Array) => {
    const trainCounts = new Float64Array(ctx.numGroups);
    ctx.groups("train").forEach((g) => trainCounts[g]++);
    return groupMetrics({
      labels: splits.test.y,
      groups: ctx.groups("test"),
      numGroups: ctx.numGroups,
      numClasses: ctx.numClasses,
      logits,
      trainGroupCounts: trainCounts,
    });
  };
  const brief = (m: GroupMetrics) => ({
    averageAccuracy: m.averageAccuracy,
    worstGroupAccuracy: m.worstGroupAccuracy,
    meanGroupAccuracy: m.meanGroupAccuracy,
    trainWeightedAccuracy: m.trainWeightedAccuracy,
    worstClassAccuracy: m.worstClassAccuracy,
    meanLoss: m.meanLoss,
    ece: m.ece,
    emptyGroups: m.emptyGroups,
  });
  const ermMetrics = score(getMethod("erm")!.run(ctx, {}).logits.test);
  const start = performance.now();
  const result = method.run(ctx, params);
  const report = {
    method: name,
    groupLabels: method.groupLabels,
    grouping,
    numGroups: ctx.numGroups,
    training: config,
    erm: brief(ermMetrics),
    result: brief(score(result.logits.test)),
    selected: result.selected,
    diagnostics: result.diagnostics,
    methodSeconds: (performance.now() - start) / 1000,
  };
  disposeModel(ctx.erm);
  if (values.json) log(JSON.stringify(report, null, 2));
  else {
    log(
      `erm: accuracy ${ermMetrics.averageAccuracy.toFixed(4)}, worst-group ${
        ermMetrics.worstGroupAccuracy.toFixed(4)
      }\n` +
        `${name}: accuracy ${report.result.averageAccuracy.toFixed(4)}, worst-group ${
          report.result.worstGroupAccuracy.toFixed(4)
        } ` +
        `(selected ${JSON.stringify(result.selected)})`,
    );
  }
}
