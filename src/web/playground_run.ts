// One playground run: make the splits, train ERM with progress, run the chosen method, and score both
// on four test sets (aligned as in training, decorrelated, conflicting, without the feature), with the
// per-(class, attribute) accuracy grid for the heat map. Pure apart from the progress callback.
import { type Split, type SplitSpec } from "../data/splits.ts";
import { makeSplit } from "../data/splits.ts";
import { resolveSpuriousFeature, SPURIOUS_KINDS, type SpuriousFeature } from "../data/spurious_config.ts";
import { groupIds } from "../data/groups.ts";
import { groupMetrics } from "../metrics/group_metrics.ts";
import { makeContext } from "../methods/context.ts";
import { argmax } from "../methods/head_eval.ts";
import { getMethod, METHODS } from "../methods/registry.ts";
import { deriveSeed } from "../random/draws.ts";
import { tfReady } from "../tf/backend.ts";
import { disposeModel, MODEL_KINDS } from "../tf/models.ts";
import { resolveTrainConfig } from "../tf/train_config.ts";
import { predictLogits, train } from "../tf/trainer.ts";
import { STUDY_QUICK } from "../study/config.ts";
import type { PlaygroundChoices, PlaygroundSettings } from "./settings.ts";
import { MNIST1D_CLASSES } from "../data/mnist1d_args.ts";

/** The test sets, as (attribute draw, examples): the attribute draw names the test mode. */
export const TEST_MODES = [
  { mode: "aligned", label: "like training", size: 1000 },
  { mode: "random", label: "decorrelated", size: 2000 },
  { mode: "conflicting", label: "conflicting", size: 1000 },
  { mode: "absent", label: "no feature", size: 1000 },
] as const;
export type TestMode = (typeof TEST_MODES)[number]["mode"];

const CLASSES = 10;
const SEQ = 40;
/** Examples drawn as "clean vs with the feature". */
const SHOWN_EXAMPLES = 4;

/** Accuracy and worst-group accuracy (groups: class x {aligned, conflicting}) of one model on one test set. */
export interface ModeScores {
  readonly accuracy: number;
  readonly worstGroupAccuracy: number;
}

/** What the page shows. */
export interface PlaygroundResult {
  readonly settings: PlaygroundSettings;
  readonly methodName: string;
  readonly numAttributes: number;
  /** A few training examples before and after the feature is added. */
  readonly examples: readonly { label: number; attribute: number; clean: number[]; featured: number[] }[];
  readonly modes: readonly { mode: TestMode; label: string; size: number; erm: ModeScores; method: ModeScores }[];
  /** Accuracy per (class, attribute) on the decorrelated test set; null for an empty cell. */
  readonly grid: { readonly erm: (number | null)[][]; readonly method: (number | null)[][] };
  readonly seconds: number;
}

/** A progress report: fraction done in [0, 1] and the current phase. */
export type PlaygroundProgress = (fraction: number, phase: string) => void;

/** The choices offered, straight from the registries (ERM is always the baseline, so not a choice). */
export function playgroundChoices(): PlaygroundChoices {
  return {
    kinds: SPURIOUS_KINDS,
    models: MODEL_KINDS,
    methods: [...METHODS.values()].filter((m) => m.name !== "erm").map((m) => ({ name: m.name, summary: m.summary })),
  };
}

/** Accuracy of argmax(logits) per (class, attribute) cell; null where a cell has no example. */
export function accuracyGrid(
  logits: Float32Array,
  y: Int32Array,
  a: Int32Array,
  numAttributes: number,
): (number | null)[][] {
  const right = new Float64Array(CLASSES * numAttributes);
  const count = new Float64Array(CLASSES * numAttributes);
  for (let i = 0; i < y.length; i++) {
    const cell = y[i] * numAttributes + a[i];
    count[cell]++;
    if (argmax(logits, i, CLASSES) === y[i]) right[cell]++;
  }
  return Array.from(
    { length: CLASSES },
    (_, c) =>
      Array.from({ length: numAttributes }, (_, k) => {
        const n = count[c * numAttributes + k];
        return n ? right[c * numAttributes + k] / n : null;
      }),
  );
}

function modeScores(logits: Float32Array, split: Split): ModeScores {
  const m = groupMetrics({
    labels: split.y,
    groups: groupIds(split.y, split.a, split.numAttributes, "coarse"),
    numGroups: CLASSES * 2,
    numClasses: CLASSES,
    logits,
  });
  return { accuracy: m.averageAccuracy, worstGroupAccuracy: m.worstGroupAccuracy };
}

function concatSplits(parts: readonly Split[]): Split {
  const total = parts.reduce((n, p) => n + p.y.length, 0);
  const x = new Float64Array(total * SEQ);
  const y = new Int32Array(total);
  const a = new Int32Array(total);
  const g = new Int32Array(total);
  let at = 0;
  for (const p of parts) {
    x.set(p.x, at * SEQ);
    y.set(p.y, at);
    a.set(p.a, at);
    g.set(p.g, at);
    at += p.y.length;
  }
  return { ...parts[0], x, y, a, g };
}

/** Run the playground once; `progress` hears about each phase and each ERM step. */
export async function runPlayground(
  settings: PlaygroundSettings,
  progress: PlaygroundProgress = () => {},
): Promise<PlaygroundResult> {
  const start = performance.now();
  const method = getMethod(settings.method);
  if (!method || method.name === "erm") throw new RangeError(`method: no method called ${settings.method}`);
  const seed = (k: number) => deriveSeed(settings.seed, k);
  progress(0, "making data");
  const feature: SpuriousFeature = resolveSpuriousFeature(
    { kind: settings.kind, amplitude: settings.amplitude, featureSeed: seed(1) },
    SEQ,
  );
  const spec = (k: number, numSamples: number, part: SplitSpec["part"], mode: TestMode): SplitSpec => ({
    dataSeed: k === 0 ? 42 : seed(10 + k),
    numSamples,
    part,
    attributes: { mode, rho: settings.rho, exact: false, seed: seed(20 + k) },
  });
  // Training is the reference training set (4000 examples); the rest are fresh draws.
  const trainSpec = spec(0, 5000, "train", "aligned");
  const trainSplit = await makeSplit(trainSpec, {}, feature);
  const cleanTrain = await makeSplit(trainSpec, {}, { ...feature, amplitude: 0 });
  const heldout = await makeSplit(spec(1, 2000, "all", "random"), {}, feature);
  const val = await makeSplit(spec(2, 1000, "all", "random"), {}, feature);
  const tests: Split[] = [];
  for (const [i, t] of TEST_MODES.entries()) {
    tests.push(await makeSplit(spec(3 + i, t.size, "all", t.mode), {}, feature));
  }
  // One test split holds every mode, so a method fits once and predicts them all.
  const test = concatSplits(tests);
  progress(0.05, "training ERM");

  const tf = await tfReady();
  const training = resolveTrainConfig({ model: settings.model, steps: settings.steps, seed: seed(2) }, 4000);
  const ones = new Float32Array(training.batchSize).fill(1);
  let step = 0;
  // train() has no step callback; its batch-weighting hook runs once per step, and unit weights leave
  // the loss (a weighted mean) unchanged.
  const counted = (batch: Int32Array) => {
    step++;
    if (step % 10 === 0 || step === training.steps) progress(0.05 + 0.75 * step / training.steps, "training ERM");
    return batch.length === ones.length ? ones : ones.subarray(0, batch.length);
  };
  const erm = train(tf, {
    config: { ...training, evalEvery: training.steps },
    data: { x: new Float32Array(trainSplit.x), y: trainSplit.y, seqLength: SEQ, numClasses: MNIST1D_CLASSES },
    batchWeighting: counted,
  }).model;
  try {
    progress(0.8, `running ${method.name}`);
    const ctx = makeContext(tf, { train: trainSplit, heldout, val, test }, training, "coarse", erm);
    // The quick study's hyperparameters where it has them (DFR's full grid takes a minute in a browser tab).
    const quick = STUDY_QUICK.methods ?? {};
    const params = Object.hasOwn(quick, method.name) ? { ...method.defaults, ...quick[method.name] } : method.defaults;
    const methodLogits = method.run(ctx, params).logits.test;
    progress(0.95, "scoring");
    const ermLogits = predictLogits(tf, erm, ctx.inputs("test"), SEQ);
    const slice = (logits: Float32Array, i: number) => {
      const from = tests.slice(0, i).reduce((n, s) => n + s.y.length, 0);
      return logits.subarray(from * CLASSES, (from + tests[i].y.length) * CLASSES);
    };
    const modes = TEST_MODES.map((t, i) => ({
      mode: t.mode,
      label: t.label,
      size: tests[i].y.length,
      erm: modeScores(slice(ermLogits, i), tests[i]),
      method: modeScores(slice(methodLogits, i), tests[i]),
    }));
    const random = TEST_MODES.findIndex((t) => t.mode === "random");
    const k = feature.numAttributes;
    // Two aligned and two conflicting training examples (fewer when rho leaves none of a kind).
    const aligned = (i: number) => trainSplit.a[i] === trainSplit.y[i] % k;
    const first = (want: boolean) => {
      const found: number[] = [];
      for (let i = 0; i < trainSplit.y.length && found.length < SHOWN_EXAMPLES / 2; i++) {
        if (aligned(i) === want) found.push(i);
      }
      return found;
    };
    const picked = [...first(true), ...first(false)];
    const examples = picked.map((i) => ({
      label: trainSplit.y[i],
      attribute: trainSplit.a[i],
      clean: Array.from(cleanTrain.x.subarray(i * SEQ, (i + 1) * SEQ)),
      featured: Array.from(trainSplit.x.subarray(i * SEQ, (i + 1) * SEQ)),
    }));
    progress(1, "done");
    return {
      settings,
      methodName: method.name,
      numAttributes: k,
      examples,
      modes,
      grid: {
        erm: accuracyGrid(slice(ermLogits, random), tests[random].y, tests[random].a, k),
        method: accuracyGrid(slice(methodLogits, random), tests[random].y, tests[random].a, k),
      },
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    disposeModel(erm);
  }
}
