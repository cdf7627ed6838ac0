// The handler's cost model: a request's predicted work, computed from its validated config before
// any work starts. One unit is about a nanosecond of one core of the project machine (calibrated in
// test/edge/cost.test.ts and stated in bench/README.md). Every quantity that scales enters it:
// examples x (stretched length and final length) when generating, every split's size, training steps
// x batch x the model's multiply-adds, predictions on every split, last-layer solvers, and the bytes
// of the response.
import type { Mnist1dArgs } from "../data/mnist1d_args.ts";
import { totalExamples } from "../data/mnist1d_args.ts";
import { compositionName, type HeldoutComposition, methodParams, type StudyConfig } from "../study/config.ts";
import type { Cell } from "../study/cells.ts";
import type { Hyperparameters } from "../methods/types.ts";
import type { ModelKind } from "../tf/models.ts";
import type { TrainConfig } from "../tf/train_config.ts";

/** Nanoseconds of one quiet core per unit of a study cell: the cost model prices cells for the handler's budget, with
 * room to spare; on the default study of 2026-11-30 (60 cells, a quiet machine) the cells' phases took 931 CPU seconds
 * against 3,840 s at one nanosecond per unit, so the study's CPU estimate counts a quarter of that. */
export const STUDY_NS_PER_UNIT = 0.25;

/** Units per generated example per position of the stretched template (templateLen + padding HIGH). */
const GEN_PER_STRETCHED = 20;
/** Units per generated example per final position (interpolation, noise, shear). */
const GEN_PER_FINAL = 30;
/** Units per generated example, fixed (draws, bookkeeping). */
const GEN_PER_EXAMPLE = 1500;
/** Units per value when injecting the spurious feature. */
const INJECT_PER_VALUE = 5;
/** Units per multiply-add of a model, forward only (training is about 3x: forward and backward). */
const PER_MAC = 0.15;
/** Units per training step, fixed (dispatch, the optimizer). */
const PER_STEP = 300_000;
/** Units per training, fixed (building the model, initialising, evaluating, disposing). */
const PER_TRAINING = 10_000_000;
/** Units per byte of the response (formatting numbers into JSON, copying). */
const PER_RESPONSE_BYTE = 15;
/** Units of any request, fixed (parsing, validation, setup). */
const PER_REQUEST = 2_000_000;
/** Units per multiply-add of the last-layer descent (AFR, last-layer Group DRO): its WebAssembly Adam loop on compressed
 * features (about 8x faster than the JavaScript loop it replaced, which was priced at 0.4). */
const DESCENT_PER_MAC = 0.05;
/** Units per multiply-add of the L1 solvers' passes (DFR, the probe, the methods on DFR's solver). */
const L1_PER_MAC = 0.4;
/** Units per example of a study cell's test sets beyond generating and predicting it (group metrics, scoring contexts). */
const PER_SCORED_EXAMPLE = 16_000;
/** Units per multiply-add of scoring a head on a split (logits in plain JavaScript, then group metrics). */
const SCORING_PER_MAC = 3;
/** Units of a study cell, fixed (its splits, contexts and scoring). */
const PER_CELL = 50_000_000;

/** Iterations assumed per L1 fit of DFR: they stop on convergence, and the tolerance scales with the rows,
 * so small problems take more of their 5,000 allowed iterations. */
const dfrIterations = (rows: number) => Math.min(5000, 300 + 200_000 / Math.max(rows, 1));
/** The iteration cap of the linear probe. */
const PROBE_ITERATIONS = 2000;

/** Multiply-adds of one forward pass of `model` on one input of `length` (10 classes). */
export function modelMacs(model: ModelKind, length: number, hidden = 100, channels = 25): number {
  if (model === "linear") return length * 10;
  if (model === "mlp") return length * hidden + hidden * hidden + hidden * 10;
  let l = length;
  let macs = 0;
  let cin = 1;
  for (const k of [5, 3, 3]) {
    l = Math.floor((l + 2 - k) / 2) + 1;
    macs += l * k * cin * channels;
    cin = channels;
  }
  return macs + l * channels * 10;
}

/** The embedding size of `model` on inputs of `length` (what last-layer methods work on). */
export function embeddingSize(model: ModelKind, length: number): number {
  if (model === "linear") return length;
  if (model === "mlp") return 100;
  let l = length;
  for (const k of [5, 3, 3]) l = Math.floor((l + 2 - k) / 2) + 1;
  return l * 25;
}

/** Generating `n` examples with `args` (and injecting a feature when `spurious`). */
export function generationCost(
  n: number,
  args: Pick<Mnist1dArgs, "templateLen" | "padding" | "finalSeqLength">,
  spurious: boolean,
): number {
  const stretched = args.templateLen + args.padding[1];
  const f = args.finalSeqLength;
  return n *
    (GEN_PER_STRETCHED * stretched + GEN_PER_FINAL * f + GEN_PER_EXAMPLE + (spurious ? INJECT_PER_VALUE * f : 0));
}

/** Training `config` on inputs of `length`, then predicting `predicted` examples. */
export function trainingCost(
  config: Pick<TrainConfig, "model" | "steps" | "batchSize">,
  length: number,
  predicted: number,
): number {
  const macs = modelMacs(config.model, length);
  return PER_TRAINING + config.steps * (PER_STEP + 3 * PER_MAC * config.batchSize * macs) + PER_MAC * predicted * macs;
}

/** Bytes of JSON for `floats` float64 values and `ints` small integers (upper bounds per value). */
export function jsonBytes(floats: number, ints: number): number {
  return 1024 + 25 * floats + 4 * ints;
}

/** What a request will cost and send: predicted units and response bytes. */
export interface Cost {
  readonly units: number;
  readonly responseBytes: number;
}

/** /generate: every array as JSON, or one as .npy. */
export function generateCost(args: Mnist1dArgs, spurious: boolean, npyArray?: string): Cost {
  const n = totalExamples(args);
  const f = args.finalSeqLength;
  const floats = n * f + f;
  const ints = n * (spurious ? 3 : 1);
  let responseBytes: number;
  if (npyArray === undefined) responseBytes = jsonBytes(floats, ints);
  else responseBytes = 128 + 8 * (npyArray === "x" || npyArray === "x_test" ? n * f : npyArray === "t" ? f : n);
  return {
    units: PER_REQUEST + generationCost(n, args, spurious) + PER_RESPONSE_BYTE * responseBytes,
    responseBytes,
  };
}

/** /train: generate, train, evaluate on the test split. */
export function trainCost(args: Mnist1dArgs, spurious: boolean, config: TrainConfig): Cost {
  const n = totalExamples(args);
  const responseBytes = 4096;
  return {
    units: PER_REQUEST + generationCost(n, args, spurious) + trainingCost(config, args.finalSeqLength, 2 * n),
    responseBytes,
  };
}

/** Units of a last-layer fit: `iterations` passes over `rows` embeddings of size d (10 classes). */
const lastLayer = (iterations: number, rows: number, d: number, perMac = PER_MAC) =>
  iterations * rows * d * 10 * 2 * perMac;

/** Values in a hyperparameter (a grid's length; 1 for one value; `fallback` when absent). */
const gridLength = (v: number | readonly number[] | undefined, fallback: number) =>
  v === undefined ? fallback : typeof v === "number" ? 1 : v.length;

/** What a study cell needs to price: its model and whether it is at the base strength and runs the sweeps. */
export type CellShape = Pick<Cell, "model" | "base" | "sweeps">;

/** /experiment and the study's CPU estimate: one study cell (with its sweeps when it runs them). */
export function cellCost(config: StudyConfig, cell: CellShape): Cost {
  const args = { templateLen: 12, padding: [36, 60] as const, finalSeqLength: 40 };
  const f = 40;
  const up = (n: number) => Math.ceil(n / 10) * 10;
  // Held-out draws, as run_cell makes them: one per composition used, as large as its largest use.
  const draws = new Map<string, number>();
  const need = (c: HeldoutComposition, n: number) =>
    draws.set(compositionName(c), Math.max(draws.get(compositionName(c)) ?? 0, up(n)));
  need(config.heldout, config.heldoutSize);
  if (cell.sweeps) {
    for (const c of config.heldoutSweep.compositions) need(c, Math.max(...config.heldoutSweep.sizes));
    for (const c of config.gammaSweep.arms) need(c, config.heldoutSize);
  }
  const heldout = [...draws.values()].reduce((a, b) => a + b, 0);
  const mainHeldout = up(config.heldoutSize);
  const test = config.testSize;
  const examples = 5000 + heldout + 5000 + 3 * test + (cell.sweeps ? 5000 : 0);
  const training = { model: cell.model, steps: config.steps, batchSize: 100 };
  const d = embeddingSize(cell.model, f);
  const scoring = (rows: number) => rows * d * 10 * SCORING_PER_MAC;
  const valEval = (evaluations: number) => evaluations * scoring(5000);
  // Predictions: train, held-out sets, val, three test sets, each once or twice (embeddings and logits).
  const predicted = 2 * (5000 + heldout + 5000 + 3 * test);
  let units = PER_REQUEST + PER_CELL + generationCost(examples, args, true) + trainingCost(training, f, predicted) +
    PER_SCORED_EXAMPLE * 3 * test;
  // L1 fits for each C on half the rows (scored on the other half), `refits` on all, then val and test scored.
  const l1Cost = (rows: number, grid: number, refits: number) =>
    grid * (lastLayer(dfrIterations(rows / 2), rows / 2, d, L1_PER_MAC) + scoring(rows)) +
    refits * lastLayer(dfrIterations(rows), rows, d, L1_PER_MAC) + scoring(5000 + test);
  const descentCost = (grid: number, steps: number, rows: number) =>
    grid * (lastLayer(steps, rows, d, DESCENT_PER_MAC) + valEval(Math.ceil(steps / 10)));
  const methodCost = (name: string, p: Hyperparameters, rows: number): number => {
    const grid = (key: string, fallback = 1) => gridLength(p[key], fallback);
    const steps = typeof p.steps === "number" ? p.steps : 100;
    switch (name) {
      case "erm":
        return 0;
      case "dfr":
        return l1Cost(rows, grid("C"), typeof p.refits === "number" ? p.refits : 20);
      case "dfr-tr":
        return l1Cost(4000, grid("C"), typeof p.refits === "number" ? p.refits : 20);
      case "afr":
        return descentCost(grid("gamma") * grid("lambda"), steps, rows);
      case "afr-wg":
        return descentCost(grid("gamma") * grid("lambda") * grid("eta"), steps, rows);
      case "gdro-ll":
        return descentCost(3, 200, rows) * 2;
      case "probe":
        return lastLayer(PROBE_ITERATIONS, rows, d, L1_PER_MAC) + scoring(test);
      case "cb-llr":
      case "self":
      case "evals":
      case "dpe":
      case "logit-scale":
        // Last-layer fits on (part of) the held-out set, a few per grid value: priced as DFR's grid with 5 refits.
        return l1Cost(rows, Math.max(grid("C", 4), 4), 5);
      case "jtt":
        return trainingCost({ ...training, steps: Math.ceil(1.25 * config.steps) }, f, 20_000);
      default:
        return trainingCost(training, f, 20_000); // gdro, subg, rwg and any other: one more training
    }
  };
  const names = cell.base ? Object.keys(config.methods) : config.strengthMethods;
  for (const m of names) units += methodCost(m, methodParams(config, m), mainHeldout);
  if (cell.sweeps) {
    const { method, sizes, compositions } = config.heldoutSweep;
    for (const size of sizes) units += compositions.length * methodCost(method, methodParams(config, method), up(size));
    const g = config.gammaSweep;
    const once = { ...methodParams(config, g.method), gamma: 0 };
    units += g.arms.length * g.gammas.length * methodCost(g.method, once, mainHeldout);
    units += trainingCost(training, f, 2 * test);
  }
  const responseBytes = 64 * 1024 + 400 * names.length;
  return { units: units + PER_RESPONSE_BYTE * responseBytes, responseBytes };
}
