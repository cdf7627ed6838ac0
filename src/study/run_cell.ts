// One study cell: generate its splits, train ERM, score it on three test distributions, run the
// methods, and (sweep cells) the held-out sweep, the gamma sweep on each reweighting set and a clean
// reference model. Every method comes from the registry with the config's hyperparameters; nothing
// here is specific to a method. Deterministic: every seed derives from the cell, so workers, a queue
// and a serial run agree, and cells that differ only in the model share their data.
import type { TF } from "../tf/tf_type.ts";
import { makeSplit, type Split, SPLIT_DEFAULTS, type SplitName, type SplitSpec } from "../data/splits.ts";
import { SPURIOUS_FEATURE_DEFAULTS, type SpuriousFeature } from "../data/spurious_config.ts";
import { MNIST1D_CLASSES, MNIST1D_DEFAULTS } from "../data/mnist1d_args.ts";
import { alignedAttribute } from "../data/groups.ts";
import type { GroupMetrics } from "../metrics/group_metrics.ts";
import { makeContext } from "../methods/context.ts";
import { TRAIN_DEFAULTS, type TrainConfig } from "../tf/train_config.ts";
import { disposeModel } from "../tf/models.ts";
import { predictLogits, train } from "../tf/trainer.ts";
import { deriveSeed } from "../random/draws.ts";
import { argmax } from "../methods/head_eval.ts";
import type { MethodContext } from "../methods/types.ts";
import { requireMethod, runMethodIn, scoreSplit } from "../pipeline/method_run.ts";
import { compositionName, type HeldoutComposition, methodParams, type StudyConfig } from "./config.ts";
import { type Cell, cellKey } from "./cells.ts";

/** The metrics a cell records for one model on one test set. */
export interface Scores {
  readonly accuracy: number;
  readonly worstGroupAccuracy: number;
  readonly meanGroupAccuracy: number;
  readonly worstClassAccuracy: number;
  readonly conflictingAccuracy: number;
  readonly ece: number;
  readonly emptyGroups: number;
  /** Id of the group with the lowest accuracy (`CellResult.groups` says its class and whether it conflicts). */
  readonly worstGroup: number;
}

/** A method's choice under one selection protocol, scored on the test set. */
export interface ProtocolScores {
  readonly selected: Record<string, number>;
  readonly accuracy: number;
  readonly worstGroupAccuracy: number;
}

/** One method in a cell: its test scores, what it selected, its diagnostics and its own seconds. */
export interface MethodScores extends Scores {
  readonly selected: Record<string, number>;
  readonly diagnostics: Record<string, unknown>;
  readonly seconds: number;
  /** Methods with a grid: the choice of every selection protocol they support, by protocol. */
  readonly byProtocol?: Record<string, ProtocolScores>;
}

/** Everything one cell measured. */
export interface CellResult {
  readonly id: string;
  readonly model: string;
  readonly kind: string;
  readonly grouping: string;
  readonly rho: number;
  readonly amplitude: number;
  readonly seed: number;
  readonly base: boolean;
  readonly sweeps: boolean;
  readonly numGroups: number;
  /** Each group id's class and whether its attribute agrees with the class. */
  readonly groups: readonly { readonly label: number; readonly aligned: boolean }[];
  readonly testSize: number;
  /** The held-out set the methods use. */
  readonly heldout: { readonly size: number; readonly composition: string };
  /** ERM on the training distribution (aligned, same rho), without the feature, and conflicting. */
  readonly erm: {
    readonly inDistribution: Scores;
    readonly absent: Scores;
    readonly conflicting: Scores;
    readonly trainAccuracy: number;
  };
  /** Each method on the test set without the feature. */
  readonly methods: Record<string, MethodScores>;
  /** Sweep cells: the held-out sweep's method at each composition and size. */
  readonly heldoutSweep?: {
    readonly composition: string;
    readonly size: number;
    readonly scores: Scores;
    readonly selected: Record<string, number>;
  }[];
  /** Sweep cells: the gamma sweep's method at each gamma on each reweighting set (arm). */
  readonly gammaSweep?: {
    readonly arm: string;
    readonly gamma: number;
    readonly scores: Scores;
    readonly diagnostics: Record<string, unknown>;
  }[];
  /** Sweep cells: the same model trained without the feature, on the same test set. */
  readonly clean?: Scores;
  readonly seconds: number;
  /** Wall seconds per phase (data, erm, ermScoring, each method as "method:NAME", sweeps, clean). */
  readonly profile: Record<string, number>;
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
    if (split.a[i] === alignedAttribute(split.y[i], split.numAttributes)) continue;
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
    worstGroup: m.worstGroup,
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

/** Diagnostics small enough for results.jsonl: numbers, strings, flags, short lists and objects of them. */
export function compactDiagnostics(d: Record<string, unknown>): Record<string, unknown> {
  const keep = (v: unknown): boolean =>
    typeof v === "number" || typeof v === "string" || typeof v === "boolean" ||
    (Array.isArray(v) && v.length <= 1000 && v.every(keep)) ||
    (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype &&
      Object.values(v).every(keep));
  return Object.fromEntries(Object.entries(d).filter(([, v]) => keep(v)));
}

/** The attribute draw of a held-out composition in a cell of strength `rho`. */
function heldoutAttributes(c: HeldoutComposition, rho: number): { mode: "random" | "aligned"; rho: number } {
  return c.mode === "decorrelated" ? { mode: "random", rho } : { mode: "aligned", rho: c.mode === "mix" ? c.rho : rho };
}

/** The group ids' classes and agreement under the cell's grouping (fine: y * K + a; coarse: y * 2 + conflicting). */
function groupTable(grouping: string, numGroups: number, numAttributes: number): CellResult["groups"] {
  return Array.from(
    { length: numGroups },
    (_, g) =>
      grouping === "fine"
        ? {
          label: Math.floor(g / numAttributes),
          aligned: g % numAttributes === alignedAttribute(Math.floor(g / numAttributes), numAttributes),
        }
        : { label: g >> 1, aligned: g % 2 === 0 },
  );
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
    kind: cell.kind as SpuriousFeature["kind"],
    amplitude: cell.amplitude,
    featureSeed: seed(1),
  };
  const spec = (
    dataSeed: number,
    numSamples: number,
    attributes: { mode: SplitSpec["attributes"]["mode"]; rho: number },
    s: number,
  ): SplitSpec => ({ dataSeed, numSamples, part: "all", attributes: { ...attributes, exact: false, seed: s } });
  const draw = (k: number, n: number, mode: SplitSpec["attributes"]["mode"]) =>
    makeSplit(spec(seed(k), n, { mode, rho: cell.rho }, seed(k + 1)), {}, feature);
  // Held-out sets, one draw per composition (its seeds from the composition's place in the config's list of
  // every composition, so a cell and its sweeps see the same draw), as large as its largest use.
  const used = [
    config.heldout,
    ...(cell.sweeps ? [...config.heldoutSweep.compositions, ...config.gammaSweep.arms] : []),
  ];
  const all = [config.heldout, ...config.heldoutSweep.compositions, ...config.gammaSweep.arms];
  const names = [...new Set(all.map(compositionName))];
  const needed = new Map<string, number>();
  const need = (c: HeldoutComposition, n: number) =>
    needed.set(compositionName(c), Math.max(needed.get(compositionName(c)) ?? 0, Math.ceil(n / CLASSES) * CLASSES));
  need(config.heldout, config.heldoutSize);
  if (cell.sweeps) {
    for (const c of config.heldoutSweep.compositions) need(c, Math.max(...config.heldoutSweep.sizes));
    for (const c of config.gammaSweep.arms) need(c, config.heldoutSize);
  }
  const heldouts = new Map<string, Split>();
  for (const c of used) {
    const name = compositionName(c);
    if (heldouts.has(name)) continue;
    const k = 20 + 2 * names.indexOf(name);
    heldouts.set(
      name,
      await makeSplit(spec(seed(k), needed.get(name)!, heldoutAttributes(c, cell.rho), seed(k + 1)), {}, feature),
    );
  }
  const mainHeldout = prefix(heldouts.get(compositionName(config.heldout))!, config.heldoutSize);
  // The training set is the reference training set (MNIST-1D seed 42); the rest are fresh draws.
  const splits = {
    train: await makeSplit(trainSpec(cell.rho, "aligned", seed(2)), {}, feature),
    heldout: mainHeldout,
    val: await makeSplit(
      spec(seed(5), SPLIT_DEFAULTS.val.numSamples, { mode: "random", rho: cell.rho }, seed(6)),
      {},
      feature,
    ),
    test: await draw(7, config.testSize, "absent"),
  };
  lap("data");
  const training: TrainConfig = {
    ...TRAIN_DEFAULTS,
    model: cell.model,
    steps: config.steps,
    evalEvery: config.steps,
    seed: seed(9),
  };
  const ctx = makeContext(tf, splits, training, cell.grouping);
  // Contexts over other held-out sets that reuse the trained ERM model.
  const reuse = (changed: Partial<Record<SplitName, Split>>) =>
    makeContext(tf, { ...splits, ...changed }, training, cell.grouping, ctx.erm);
  const f = SEQ_LENGTH;
  lap("erm"); // makeContext trained it
  const trainLogits = predictLogits(tf, ctx.erm, ctx.inputs("train"), f);
  // ERM on three test distributions: in-distribution (same rho), absent, conflicting.
  const ermOn = (s: Split) => score(reuse({ test: s }), "test", predictLogits(tf, ctx.erm, new Float32Array(s.x), f));
  let trainRight = 0;
  splits.train.y.forEach((y, i) => {
    if (argmax(trainLogits, i, CLASSES) === y) trainRight++;
  });
  const erm = {
    inDistribution: ermOn(await draw(10, config.testSize, "aligned")),
    absent: score(ctx, "test", predictLogits(tf, ctx.erm, ctx.inputs("test"), f)),
    conflicting: ermOn(await draw(12, config.testSize, "conflicting")),
    trainAccuracy: trainRight / splits.train.y.length,
  };
  lap("ermScoring");
  // Methods on the absent test set: all of them at the base strength, the strength methods elsewhere.
  const methods: CellResult["methods"] = {};
  for (const name of cell.base ? Object.keys(config.methods) : config.strengthMethods) {
    const run = runMethodIn(ctx, requireMethod(name), config.methods[name]);
    methods[name] = {
      ...scores(run.test, ctx.splits.test, run.result.logits.test),
      selected: run.result.selected,
      diagnostics: compactDiagnostics(run.result.diagnostics),
      seconds: run.seconds,
      ...(run.byProtocol
        ? {
          byProtocol: Object.fromEntries(run.byProtocol.map((p) => [p.selectBy, {
            selected: p.selected,
            accuracy: p.test.averageAccuracy,
            worstGroupAccuracy: p.test.worstGroupAccuracy,
          }])),
        }
        : {}),
    };
    lap(`method:${name}`);
  }
  let heldoutSweep: CellResult["heldoutSweep"];
  let gammaSweep: CellResult["gammaSweep"];
  let clean: Scores | undefined;
  if (cell.sweeps) {
    const sweepMethod = requireMethod(config.heldoutSweep.method);
    heldoutSweep = config.heldoutSweep.compositions.flatMap((c) =>
      config.heldoutSweep.sizes.map((size) => {
        const r = sweepMethod.run(
          reuse({ heldout: prefix(heldouts.get(compositionName(c))!, size) }),
          methodParams(config, sweepMethod.name),
        );
        return {
          composition: compositionName(c),
          size,
          scores: score(ctx, "test", r.logits.test),
          selected: r.selected,
        };
      })
    );
    lap("heldoutSweep");
    const reweighting = requireMethod(config.gammaSweep.method);
    gammaSweep = config.gammaSweep.arms.flatMap((arm) => {
      const armCtx = reuse({ heldout: prefix(heldouts.get(compositionName(arm))!, config.heldoutSize) });
      return config.gammaSweep.gammas.map((gamma) => {
        const r = reweighting.run(armCtx, { ...methodParams(config, reweighting.name), gamma });
        return {
          arm: compositionName(arm),
          gamma,
          scores: score(ctx, "test", r.logits.test),
          diagnostics: compactDiagnostics(r.diagnostics),
        };
      });
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
  disposeModel(ctx.erm);
  return {
    id: cell.id,
    ...cellKey(cell),
    base: cell.base,
    sweeps: cell.sweeps,
    numGroups: ctx.numGroups,
    groups: groupTable(cell.grouping, ctx.numGroups, splits.test.numAttributes),
    testSize: splits.test.y.length,
    heldout: { size: splits.heldout.y.length, composition: compositionName(config.heldout) },
    erm,
    methods,
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
