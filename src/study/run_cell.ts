// One study cell: generate its splits, train ERM, score it on three test distributions, run the
// methods, and (base cells) the held-out-size and gamma sweeps and a clean reference model.
// Deterministic: every seed derives from the cell, so workers and a serial run agree.
import type { TF } from "../tf/tf_type.ts";
import { makeSplit, type Split, SPLIT_DEFAULTS, type SplitName, type SplitSpec } from "../data/splits.ts";
import { SPURIOUS_FEATURE_DEFAULTS, type SpuriousFeature } from "../data/spurious_config.ts";
import { MNIST1D_CLASSES, MNIST1D_DEFAULTS } from "../data/mnist1d_args.ts";
import type { GroupMetrics } from "../metrics/group_metrics.ts";
import { makeContext } from "../methods/context.ts";
import { TRAIN_DEFAULTS, type TrainConfig } from "../tf/train_config.ts";
import { disposeModel } from "../tf/models.ts";
import { predictLogits, train } from "../tf/trainer.ts";
import { deriveSeed } from "../random/draws.ts";
import { probe as probeMethod } from "../methods/probe.ts";
import { afr } from "../methods/afr.ts";
import { argmax } from "../methods/head_eval.ts";
import type { MethodContext } from "../methods/types.ts";
import { requireMethod, runMethodIn, scoreSplit } from "../pipeline/method_run.ts";
import type { StudyConfig } from "./config.ts";
import type { Cell } from "./cells.ts";

/** The metrics a cell records for one model on one test set. */
export interface Scores {
  readonly accuracy: number;
  readonly worstGroupAccuracy: number;
  readonly meanGroupAccuracy: number;
  readonly worstClassAccuracy: number;
  readonly conflictingAccuracy: number;
  readonly ece: number;
  readonly emptyGroups: number;
}

/** Everything one cell measured. */
export interface CellResult {
  readonly id: string;
  readonly rho: number;
  readonly amplitude: number;
  readonly seed: number;
  readonly base: boolean;
  readonly numGroups: number;
  readonly testSize: number;
  /** ERM on the training distribution (aligned, same rho), without the feature, and conflicting. */
  readonly erm: {
    readonly inDistribution: Scores;
    readonly absent: Scores;
    readonly conflicting: Scores;
    readonly trainAccuracy: number;
  };
  /** Each method on the test set without the feature. */
  readonly methods: Record<
    string,
    Scores & { selected: Record<string, number>; diagnostics?: Record<string, unknown> }
  >;
  /** A linear probe on ERM's features fitted by maximum likelihood to the whole held-out set: what a plain last layer recovers. */
  readonly probe: Scores;
  /** Base cells: DFR at each held-out size. */
  readonly heldoutSweep?: { size: number; dfr: Scores }[];
  /** Base cells: AFR at each gamma (lambda 0). */
  readonly gammaSweep?: { gamma: number; scores: Scores; diagnostics: Record<string, unknown> }[];
  /** Base cells: the same model trained without the feature, on the same test set. */
  readonly clean?: Scores;
  readonly seconds: number;
  /** Wall seconds per phase (data, erm, ermScoring, each method as "method:NAME", probe, sweeps, clean): where a cell's time goes. */
  readonly profile?: Record<string, number>;
}

const CLASSES = MNIST1D_CLASSES;
/** Sequence length of every split (the study uses MNIST-1D's default arguments). */
const SEQ_LENGTH = MNIST1D_DEFAULTS.finalSeqLength;

function scores(m: GroupMetrics, split: Split, logits: Float32Array): Scores {
  // Accuracy on the examples whose attribute disagrees with the label (for absent test sets this is
  // every example whose recorded attribute would have conflicted).
  let right = 0;
  let count = 0;
  for (let i = 0; i < split.y.length; i++) {
    if (split.a[i] === split.y[i] % split.numAttributes) continue;
    count++;
    if (argmax(logits, i, CLASSES) === split.y[i]) right++;
  }
  return {
    accuracy: m.averageAccuracy,
    worstGroupAccuracy: m.worstGroupAccuracy,
    meanGroupAccuracy: m.meanGroupAccuracy,
    worstClassAccuracy: m.worstClassAccuracy,
    conflictingAccuracy: count ? right / count : NaN,
    ece: m.ece ?? NaN,
    emptyGroups: m.emptyGroups,
  };
}

/** Score logits on a split with the context's grouping. */
function score(ctx: MethodContext, split: SplitName, logits: Float32Array): Scores {
  return scores(scoreSplit(ctx, split, logits), ctx.splits[split], logits);
}

/** The first `size` examples of a split (splits are already shuffled). */
function prefix(s: Split, size: number): Split {
  const n = Math.min(size, s.y.length);
  return {
    ...s,
    x: s.x.subarray(0, n * s.seqLength),
    y: s.y.subarray(0, n),
    a: s.a.subarray(0, n),
    g: s.g.subarray(0, n),
  };
}

/** Run one cell. */
export async function runCell(tf: TF, config: StudyConfig, cell: Cell): Promise<CellResult> {
  const start = performance.now();
  const profile: Record<string, number> = {};
  let mark = start;
  // Charge the time since the last lap to `phase`.
  const lap = (phase: string) => {
    const now = performance.now();
    profile[phase] = (profile[phase] ?? 0) + (now - mark) / 1000;
    mark = now;
  };
  const seed = (k: number) => deriveSeed(cell.seed, k);
  // The config was validated at the edge: the feature and training settings are built, not re-validated.
  const feature: SpuriousFeature = {
    ...SPURIOUS_FEATURE_DEFAULTS,
    kind: config.kind,
    amplitude: cell.amplitude,
    featureSeed: seed(1),
  };
  const spec = (
    dataSeed: number,
    numSamples: number,
    part: SplitSpec["part"],
    mode: SplitSpec["attributes"]["mode"],
    s: number,
  ): SplitSpec => ({
    dataSeed,
    numSamples,
    part,
    attributes: { mode, rho: cell.rho, exact: false, seed: s },
  });
  const maxHeldout = Math.max(...config.heldoutSizes);
  // The training set is the reference training set (MNIST-1D seed 42); the rest are fresh draws.
  const splits = {
    train: await makeSplit(trainSpec(cell.rho, "aligned", seed(2)), {}, feature),
    heldout: await makeSplit(
      spec(seed(3), Math.ceil(maxHeldout / CLASSES) * CLASSES, "all", config.heldoutMode, seed(4)),
      {},
      feature,
    ),
    val: await makeSplit(spec(seed(5), SPLIT_DEFAULTS.val.numSamples, "all", "random", seed(6)), {}, feature),
    test: await makeSplit(spec(seed(7), config.testSize, "all", "absent", seed(8)), {}, feature),
  };
  lap("data");
  const mainHeldout = Math.min(SPLIT_DEFAULTS.heldout.numSamples, maxHeldout);
  const training: TrainConfig = {
    ...TRAIN_DEFAULTS,
    model: config.model,
    steps: config.steps,
    evalEvery: config.steps,
    seed: seed(9),
  };
  const full = makeContext(tf, splits, training, config.grouping);
  // Contexts over other splits that reuse the trained ERM model.
  const reuse = (changed: Partial<Record<SplitName, Split>>) =>
    makeContext(tf, { ...splits, ...changed }, training, config.grouping, full.erm);
  const ctx = reuse({ heldout: prefix(splits.heldout, mainHeldout) });
  const f = SEQ_LENGTH;
  lap("erm"); // makeContext trained it
  // ERM on three test distributions: in-distribution (same rho), absent, conflicting.
  const extra = (mode: "aligned" | "conflicting", k: number) =>
    makeSplit(spec(seed(k), config.testSize, "all", mode, seed(k + 1)), {}, feature);
  const ermOn = (s: Split) => {
    const logits = predictLogits(tf, full.erm, new Float32Array(s.x), f);
    const c = reuse({ test: s });
    return score(c, "test", logits);
  };
  const trainLogits = predictLogits(tf, full.erm, ctx.inputs("train"), f);
  let trainRight = 0;
  splits.train.y.forEach((y, i) => {
    if (argmax(trainLogits, i, CLASSES) === y) trainRight++;
  });
  const erm = {
    inDistribution: ermOn(await extra("aligned", 10)),
    absent: score(ctx, "test", predictLogits(tf, full.erm, ctx.inputs("test"), f)),
    conflicting: ermOn(await extra("conflicting", 12)),
    trainAccuracy: trainRight / splits.train.y.length,
  };
  lap("ermScoring");
  // Methods on the absent test set.
  const methods: CellResult["methods"] = {};
  for (const name of config.methods) {
    const method = requireMethod(name);
    const params = name.startsWith("dfr") ? { C: config.dfrC, refits: config.dfrRefits } : method.defaults;
    const { result: r, test } = runMethodIn(ctx, method, params);
    methods[name] = {
      ...scores(test, ctx.splits.test, r.logits.test),
      selected: r.selected,
      ...(name.startsWith("afr") ? { diagnostics: r.diagnostics } : {}),
      // DFR: where C was chosen, and the grid's extension when it sat at an edge.
      ...(name.startsWith("dfr")
        ? {
          diagnostics: {
            tuningScores: r.diagnostics.tuningScores,
            ...(r.diagnostics.gridExtension ? { gridExtension: r.diagnostics.gridExtension } : {}),
          },
        }
        : {}),
    };
    lap(`method:${name}`);
  }
  // The linear probe: standardised features of the whole held-out set, C = 1 (a reference, not a bound:
  // methods that select by worst-group accuracy can beat it).
  const probe = score(ctx, "test", probeMethod.run(full, probeMethod.defaults).logits.test);
  lap("probe");
  let heldoutSweep: CellResult["heldoutSweep"];
  let gammaSweep: CellResult["gammaSweep"];
  let clean: Scores | undefined;
  if (cell.base) {
    heldoutSweep = config.heldoutSizes.map((size) => {
      const c = reuse({ heldout: prefix(splits.heldout, size) });
      const r = requireMethod("dfr").run(c, { C: config.dfrC, refits: config.dfrRefits });
      return { size, dfr: score(ctx, "test", r.logits.test) };
    });
    lap("heldoutSweep");
    gammaSweep = config.afrGammas.map((gamma) => {
      const r = afr.run(ctx, { gamma, lambda: 0, steps: 100, learningRate: 0.01 });
      return { gamma, scores: score(ctx, "test", r.logits.test), diagnostics: r.diagnostics };
    });
    lap("gammaSweep");
    const cleanModel = train(tf, {
      config: training,
      data: { x: new Float32Array(await cleanTrain(seed(2))), y: splits.train.y, seqLength: f, numClasses: CLASSES },
    }).model;
    clean = score(ctx, "test", predictLogits(tf, cleanModel, ctx.inputs("test"), f));
    disposeModel(cleanModel);
    lap("clean");
  }
  disposeModel(full.erm);
  return {
    id: cell.id,
    rho: cell.rho,
    amplitude: cell.amplitude,
    seed: cell.seed,
    base: cell.base,
    numGroups: ctx.numGroups,
    testSize: splits.test.y.length,
    erm,
    methods,
    probe,
    ...(heldoutSweep ? { heldoutSweep } : {}),
    ...(gammaSweep ? { gammaSweep } : {}),
    ...(clean ? { clean } : {}),
    seconds: (performance.now() - start) / 1000,
    profile,
  };
}

// The study's training split: the reference training set (SPLIT_DEFAULTS.train) with this cell's draw.
function trainSpec(rho: number, mode: "aligned" | "absent", seed: number): SplitSpec {
  return { ...SPLIT_DEFAULTS.train, attributes: { mode, rho, exact: false, seed } };
}

// The clean training rows (reference training set, no feature).
async function cleanTrain(attributeSeed: number): Promise<Float64Array> {
  const s = await makeSplit(trainSpec(0, "absent", attributeSeed), {}, { ...SPURIOUS_FEATURE_DEFAULTS, amplitude: 0 });
  return s.x;
}
