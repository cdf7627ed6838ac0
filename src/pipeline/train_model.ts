// Train one model on a dataset's training rows and score it on its test rows: the flow behind
// `spurious1d train`, the edge's /train route and the library's trainModel.
import type { GroupMetrics } from "../metrics/group_metrics.ts";
import { tfReady } from "../tf/backend.ts";
import type { Model } from "../tf/models.ts";
import type { TF } from "../tf/tf_type.ts";
import type { TrainConfig } from "../tf/train_config.ts";
import { type EvalPoint, evaluate, train } from "../tf/trainer.ts";
import type { LabelledRows, TrainTestRows } from "./dataset.ts";
import { MNIST1D_CLASSES } from "../data/mnist1d_args.ts";

/** A trained model and how it did; free the model with `disposeModel` when done. */
export interface TrainedModel {
  readonly model: Model;
  /** Metrics on the test rows (per fine group when the rows have groups, else per class). */
  readonly test: GroupMetrics;
  readonly history: readonly EvalPoint[];
  readonly samplesPerSecond: number;
  /** Wall seconds of training alone. */
  readonly seconds: number;
}

const asFloat32 = (x: Float64Array | Float32Array) => (x instanceof Float32Array ? x : new Float32Array(x));

/** Train `training.model` on `rows.train` (a validated TrainConfig) and score it on `rows.test`. */
export async function trainModel(training: TrainConfig, rows: TrainTestRows, tf?: TF): Promise<TrainedModel> {
  const t = tf ?? (await tfReady());
  const start = performance.now();
  const result = train(t, {
    config: training,
    data: { x: asFloat32(rows.train.x), y: rows.train.y, seqLength: rows.seqLength, numClasses: MNIST1D_CLASSES },
  });
  const seconds = (performance.now() - start) / 1000;
  return {
    model: result.model,
    test: scoreModel(t, result.model, rows.test, rows.seqLength, rows.numGroups),
    history: result.history,
    samplesPerSecond: result.samplesPerSecond,
    seconds,
  };
}

/** Group metrics of a model on labelled rows (groups are the classes when the rows have none). */
export function scoreModel(
  tf: TF,
  model: Model,
  rows: LabelledRows,
  seqLength: number,
  numGroups?: number,
): GroupMetrics {
  return evaluate(tf, model, {
    x: asFloat32(rows.x),
    y: rows.y,
    ...(rows.g ? { g: rows.g, numGroups } : {}),
  }, seqLength);
}
