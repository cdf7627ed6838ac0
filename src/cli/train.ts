// `spurious1d train`: generate data from the data flags, train a model, report metrics, save it.
import { encodeNpy, int64Of } from "../data/npy.ts";
import { type GroupMetrics } from "../metrics/group_metrics.ts";
import { tfReady } from "../tf/backend.ts";
import { disposeModel } from "../tf/models.ts";
import { checkModelInput, resolveTrainConfig, TRAIN_DEFAULTS, type TrainConfig } from "../tf/train_config.ts";
import { predictEmbeddings, TrainingDiverged } from "../tf/trainer.ts";
import { dataFlagHelp, dataFlagOptions, dataFromFlags } from "./data_flags.ts";
import { numberOrText } from "./flag_values.ts";
import { checkOutputDir, writeOutputDir } from "./output_dir.ts";
import { parseFlags } from "./parse_flags.ts";
import { asUsageError, UsageError } from "./usage_error.ts";
import { flagName, splitIndex } from "../data/mnist1d_args.ts";
import { argmax } from "../methods/head_eval.ts";
import { ConfigError, describe } from "../config/errors.ts";
import { getMethod, METHOD_NAMES } from "../methods/registry.ts";
import { parseHyperparameterFlags, resolveHyperparameters } from "../methods/params.ts";
import { makeSplits } from "../data/splits.ts";
import { type DataSettings, makeDataset, trainTestRows } from "../pipeline/dataset.ts";
import { trainModel } from "../pipeline/train_model.ts";
import { methodSplitSpecs, resolveSelectBy, runMethod } from "../pipeline/method_run.ts";
import { SELECTIONS } from "../methods/selection.ts";

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
    `  ${"--method NAME".padEnd(28)} one of ${METHOD_NAMES.join(", ")}`,
    `  ${"--hp KEY=V[,V...]".padEnd(28)} a hyperparameter of the method (repeatable; a list is a grid)`,
    `  ${"--grouping fine|coarse".padEnd(28)} groups (label, attribute) or (label, aligned/conflicting) (default fine)`,
    `  ${"--select-by PROTOCOL".padEnd(28)} how a method with a grid chooses: ${SELECTIONS.join(", ")}`,
    `  ${"".padEnd(28)} (default: the method's own; every protocol's choice is reported too)`,
    "",
    `  ${"--json".padEnd(28)} print the metrics as JSON`,
    `  ${"--out DIR".padEnd(28)} save weights (one .npy per variable), embeddings and metrics.json; with`,
    `  ${"".padEnd(28)} --method: metrics.json (with the selected hyperparameters) and the test logits and`,
    `  ${"".padEnd(28)} predictions of ERM and the method (the parent must exist; checked before any work)`,
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
    "select-by": { type: "string" },
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
  const trainSize = splitIndex(settings.args);
  let config: TrainConfig;
  try {
    const steps = typeof given.steps === "number" ? given.steps : TRAIN_DEFAULTS.steps;
    config = resolveTrainConfig({ ...given, evalEvery: steps }, trainSize);
    checkModelInput(config.model, settings.args.finalSeqLength, "finalSeqLength");
  } catch (error) {
    throw asUsageError(error);
  }
  // Flags that mean nothing on their own are errors, not silently ignored.
  if (typeof values.method !== "string") {
    for (const flag of ["hp", "grouping", "select-by"]) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag}: expected --method with it, got no --method`);
    }
  }
  if (values.force !== undefined && values.out === undefined) {
    throw new UsageError("--force: expected --out with it, got no --out");
  }
  const out = typeof values.out === "string" ? values.out : undefined;
  if (values.out !== undefined && !out) throw new UsageError("--out: expected an output directory path, got nothing");
  if (typeof values.method === "string") {
    await runMethodCommand(values, settings, config, out, log);
    return;
  }
  if (out) await checkOutputDir(out, values.force === true);

  const rows = trainTestRows(await makeDataset(settings));
  const tf = await tfReady();
  let trained;
  try {
    trained = await trainModel(config, rows, tf);
  } catch (error) {
    if (error instanceof TrainingDiverged) throw new UsageError(error.message);
    throw error;
  }
  const { model, test: metrics } = trained;
  const grouped = rows.numGroups !== undefined;
  const report = summary(config, metrics, grouped, trained.samplesPerSecond, trained.seconds);
  if (values.json) {
    log(JSON.stringify(report, null, 2));
  } else {
    log(
      `${config.model}: test accuracy ${metrics.averageAccuracy.toFixed(4)}` +
        (grouped ? `, worst-group accuracy ${metrics.worstGroupAccuracy.toFixed(4)}` : "") +
        `, worst-class ${metrics.worstClassAccuracy.toFixed(4)}; ${trained.samplesPerSecond.toFixed(0)} samples/s`,
    );
  }
  if (out) {
    const files = new Map<string, Uint8Array>();
    model.variables.forEach((v, i) => {
      files.set(
        `${model.names[i]}.npy`,
        encodeNpy({ dtype: "<f4", shape: v.shape, data: v.dataSync() as Float32Array }),
      );
    });
    const e = model.embeddingSize;
    const emb = predictEmbeddings(tf, model, new Float32Array(rows.train.x), rows.seqLength);
    const embTest = predictEmbeddings(tf, model, new Float32Array(rows.test.x), rows.seqLength);
    files.set("emb.npy", encodeNpy({ dtype: "<f4", shape: [emb.length / e, e], data: emb }));
    files.set("emb_test.npy", encodeNpy({ dtype: "<f4", shape: [embTest.length / e, e], data: embTest }));
    files.set("metrics.json", new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"));
    await writeOutputDir(out, files, values.force === true);
  }
  disposeModel(model);
}

/** The metrics `train --method --json` prints for ERM and for the method. */
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

/** `train --method NAME`: ERM on the spurious training split, then the method; metrics of both. */
async function runMethodCommand(
  values: Record<string, unknown>,
  settings: DataSettings,
  config: TrainConfig,
  out: string | undefined,
  log: (line: string) => void,
): Promise<void> {
  const name = values.method as string;
  const method = getMethod(name);
  if (!method) {
    throw new UsageError(`--method: expected one of ${METHOD_NAMES.join(", ")}, got ${JSON.stringify(name)}`);
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
      const key = error.path.startsWith("hp.") ? ` ${error.path.slice(3)}` : "";
      throw new UsageError(`--hp${key}: expected ${error.expected}, got ${describe(error.received)}`);
    }
    throw error;
  }
  if (out) await checkOutputDir(out, values.force === true);
  let selectBy;
  if (values["select-by"] !== undefined) {
    try {
      selectBy = resolveSelectBy(method, values["select-by"], "select-by");
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new UsageError(`--select-by: expected ${error.expected}, got ${describe(error.received)}`);
      }
      throw error;
    }
  }
  const splits = await makeSplits(methodSplitSpecs(settings), settings.args, settings.spurious.feature);
  let r;
  try {
    r = await runMethod(name, { splits, training: config, grouping, params, selectBy, tf: await tfReady() });
  } catch (error) {
    if (error instanceof TrainingDiverged) throw new UsageError(error.message);
    throw error;
  }
  const report = {
    method: r.method,
    groupLabels: r.groupLabels,
    grouping: r.grouping,
    numGroups: r.numGroups,
    training: config,
    erm: brief(r.erm),
    result: brief(r.result),
    selected: r.selected,
    diagnostics: r.diagnostics,
    methodSeconds: r.methodSeconds,
    ...(r.byProtocol
      ? {
        byProtocol: r.byProtocol.map((p) => ({ selectBy: p.selectBy, selected: p.selected, result: brief(p.test) })),
      }
      : {}),
  };
  const ermMetrics = r.erm;
  if (out) {
    const n = splits.test.y.length;
    const k = r.logits.method.length / n;
    const predictions = (logits: Float32Array) =>
      encodeNpy({
        dtype: "<i8",
        shape: [n],
        data: int64Of(Int32Array.from({ length: n }, (_, i) => argmax(logits, i, k))),
      });
    const files = new Map<string, Uint8Array>([
      ["metrics.json", new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n")],
      ["logits_test.npy", encodeNpy({ dtype: "<f4", shape: [n, k], data: r.logits.method })],
      ["predictions_test.npy", predictions(r.logits.method)],
      ["erm_logits_test.npy", encodeNpy({ dtype: "<f4", shape: [n, k], data: r.logits.erm })],
      ["erm_predictions_test.npy", predictions(r.logits.erm)],
      ["y_test.npy", encodeNpy({ dtype: "<i8", shape: [n], data: int64Of(splits.test.y) })],
      ["g_test.npy", encodeNpy({ dtype: "<i8", shape: [n], data: int64Of(r.testGroups) })],
    ]);
    await writeOutputDir(out, files, values.force === true);
  }
  if (values.json) log(JSON.stringify(report, null, 2));
  else {
    log(
      `erm: accuracy ${ermMetrics.averageAccuracy.toFixed(4)}, worst-group ${
        ermMetrics.worstGroupAccuracy.toFixed(4)
      }\n` +
        `${name}: accuracy ${report.result.averageAccuracy.toFixed(4)}, worst-group ${
          report.result.worstGroupAccuracy.toFixed(4)
        } ` +
        `(selected ${JSON.stringify(r.selected)})`,
    );
  }
}
