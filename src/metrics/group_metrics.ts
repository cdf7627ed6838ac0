// Group metrics from logits or predicted labels: one WASM pass accumulates per-group and per-class
// counts, correct predictions and losses, and the calibration bins; the formulas below turn them
// into the metrics the robustness literature reports.
import { sharedKernels } from "../wasm/module.ts";

/** Bins of the expected calibration error. */
export const ECE_BINS = 15;
/** Rows per kernel call, bounding the kernel's memory whatever the input size. */
const CHUNK_ROWS = 1 << 18;

/** Predictions to score, with labels and group ids. Give `logits` or `predictions`. */
export interface GroupMetricsInput {
  readonly labels: Int32Array;
  /** Group id of each example, in [0, numGroups). */
  readonly groups: Int32Array;
  readonly numGroups: number;
  readonly numClasses: number;
  /** Row-major [n x numClasses] float32 logits: enables loss and calibration. */
  readonly logits?: Float32Array;
  /** Predicted labels, when logits are not at hand. */
  readonly predictions?: Int32Array;
  /** Training examples per group, for the train-weighted accuracy. */
  readonly trainGroupCounts?: ArrayLike<number>;
}

/** One group's (or class's) tally. */
export interface GroupStat {
  readonly count: number;
  readonly correct: number;
  /** correct / count; NaN for an empty group. */
  readonly accuracy: number;
  /** Mean cross-entropy (logits only). */
  readonly meanLoss?: number;
}

/** The metrics, named as in the literature (see the README's table). */
export interface GroupMetrics {
  readonly n: number;
  /** Plain (micro) average accuracy over all examples. */
  readonly averageAccuracy: number;
  /** Worst-group accuracy: the minimum accuracy over non-empty groups (Sagawa et al. 2020). */
  readonly worstGroupAccuracy: number;
  readonly worstGroup: number;
  /** Mean of the per-group accuracies over non-empty groups, unweighted ("balanced" group accuracy). */
  readonly meanGroupAccuracy: number;
  /** Group accuracies weighted by the training group proportions (DFR's "mean accuracy"); needs trainGroupCounts. */
  readonly trainWeightedAccuracy?: number;
  /** Minimum accuracy over classes present. */
  readonly worstClassAccuracy: number;
  readonly worstClass: number;
  /** Mean cross-entropy (logits only). */
  readonly meanLoss?: number;
  /** Expected calibration error with 15 equal-width confidence bins (Guo et al. 2017; logits only). */
  readonly ece?: number;
  /** Groups with no example (left out of worst- and mean-group accuracy). */
  readonly emptyGroups: number;
  readonly groups: readonly GroupStat[];
  readonly classes: readonly GroupStat[];
}

/** Per-group and per-class sums as the kernel accumulates them. */
interface Tallies {
  groups: Float64Array; // [count, correct, loss] per group
  classes: Float64Array; // [count, correct] per class
  bins: Float64Array; // [count, confidence, correct] per bin
}

function tally(input: GroupMetricsInput): Tallies {
  const { labels, groups, numGroups, numClasses: c, logits, predictions } = input;
  const n = labels.length;
  if (groups.length !== n) throw new RangeError(`groupMetrics: ${groups.length} group ids for ${n} labels`);
  if (!logits === !predictions) throw new RangeError("groupMetrics: give exactly one of logits or predictions");
  if (logits && logits.length !== n * c) {
    throw new RangeError(`groupMetrics: logits hold ${logits.length} values, expected ${n} x ${c}`);
  }
  if (predictions && predictions.length !== n) {
    throw new RangeError(`groupMetrics: ${predictions.length} predictions for ${n} labels`);
  }
  const total: Tallies = {
    groups: new Float64Array(numGroups * 3),
    classes: new Float64Array(c * 2),
    bins: new Float64Array(ECE_BINS * 3),
  };
  const k = sharedKernels();
  k.reset();
  const rows = Math.max(1, Math.min(CHUNK_ROWS, n));
  const inPtr = k.alloc(rows * (logits ? c : 1) * 4 + 16); // +16: the kernel's masked tail loads
  const yPtr = k.alloc(rows * 4);
  const gPtr = k.alloc(rows * 4);
  const jointPtr = k.alloc(numGroups * c * 8);
  const lossPtr = k.alloc(numGroups * 8);
  const binCountPtr = k.alloc(ECE_BINS * 8);
  const binConfPtr = k.alloc(ECE_BINS * 8);
  for (let first = 0; first < n; first += rows) {
    const count = Math.min(rows, n - first);
    k.i32(yPtr, count).set(labels.subarray(first, first + count));
    k.i32(gPtr, count).set(groups.subarray(first, first + count));
    let bad: number;
    if (logits) {
      k.f32(inPtr, count * c).set(logits.subarray(first * c, (first + count) * c));
      bad = k.raw.statsFromLogits(inPtr, count, c, yPtr, gPtr, numGroups, jointPtr, lossPtr, binCountPtr, binConfPtr);
    } else {
      k.i32(inPtr, count).set(predictions!.subarray(first, first + count));
      bad = k.raw.statsFromPredictions(inPtr, count, c, yPtr, gPtr, numGroups, jointPtr);
    }
    if (bad >= 0) {
      const i = first + bad;
      throw new RangeError(
        `groupMetrics: example ${i} has label ${labels[i]} (expected 0..${c - 1}) and group ${groups[i]} (expected 0..${
          numGroups - 1
        })`,
      );
    }
    addJoint(total, k.u32(jointPtr, numGroups * c * 2), c);
    if (logits) {
      const loss = k.f64(lossPtr, numGroups);
      for (let g = 0; g < numGroups; g++) total.groups[3 * g + 2] += loss[g];
      const counts = k.u32(binCountPtr, ECE_BINS * 2);
      const conf = k.f64(binConfPtr, ECE_BINS);
      for (let b = 0; b < ECE_BINS; b++) {
        total.bins[3 * b] += counts[2 * b] + counts[2 * b + 1];
        total.bins[3 * b + 1] += conf[b];
        total.bins[3 * b + 2] += counts[2 * b + 1];
      }
    }
  }
  return total;
}

// Joint histogram [(g * c + y) * 2 + correct] -> group tallies [count, correct, loss] and class [count, correct].
function addJoint(total: Tallies, joint: Uint32Array, c: number): void {
  for (let g = 0; g * c * 2 < joint.length; g++) {
    for (let y = 0; y < c; y++) {
      const wrong = joint[(g * c + y) * 2];
      const right = joint[(g * c + y) * 2 + 1];
      total.groups[3 * g] += wrong + right;
      total.groups[3 * g + 1] += right;
      total.classes[2 * y] += wrong + right;
      total.classes[2 * y + 1] += right;
    }
  }
}

/** All group metrics of a set of predictions (see GroupMetrics for definitions). */
export function groupMetrics(input: GroupMetricsInput): GroupMetrics {
  const t = tally(input);
  return metricsFromTallies(t, input);
}

function stat(count: number, correct: number, loss?: number): GroupStat {
  return {
    count,
    correct,
    accuracy: count > 0 ? correct / count : NaN,
    ...(loss === undefined ? {} : { meanLoss: count > 0 ? loss / count : NaN }),
  };
}

function metricsFromTallies(t: Tallies, input: GroupMetricsInput): GroupMetrics {
  const hasLogits = input.logits !== undefined;
  const groups = Array.from(
    { length: input.numGroups },
    (_, g) => stat(t.groups[3 * g], t.groups[3 * g + 1], hasLogits ? t.groups[3 * g + 2] : undefined),
  );
  const classes = Array.from({ length: input.numClasses }, (_, c) => stat(t.classes[2 * c], t.classes[2 * c + 1]));
  const n = input.labels.length;
  let correct = 0;
  let loss = 0;
  for (let g = 0; g < groups.length; g++) {
    correct += t.groups[3 * g + 1];
    loss += t.groups[3 * g + 2];
  }
  const worst = argMinAccuracy(groups);
  const worstClass = argMinAccuracy(classes);
  const present = groups.filter((s) => s.count > 0);
  const result: GroupMetrics = {
    n,
    averageAccuracy: n > 0 ? correct / n : NaN,
    worstGroupAccuracy: worst < 0 ? NaN : groups[worst].accuracy,
    worstGroup: worst,
    meanGroupAccuracy: present.length ? present.reduce((s, x) => s + x.accuracy, 0) / present.length : NaN,
    worstClassAccuracy: worstClass < 0 ? NaN : classes[worstClass].accuracy,
    worstClass,
    emptyGroups: groups.length - present.length,
    groups,
    classes,
    ...(input.trainGroupCounts ? { trainWeightedAccuracy: trainWeighted(groups, input.trainGroupCounts) } : {}),
    ...(hasLogits ? { meanLoss: n > 0 ? loss / n : NaN, ece: expectedCalibrationError(t.bins, n) } : {}),
  };
  return result;
}

function argMinAccuracy(stats: readonly GroupStat[]): number {
  let best = -1;
  for (let i = 0; i < stats.length; i++) {
    if (stats[i].count > 0 && (best < 0 || stats[i].accuracy < stats[best].accuracy)) best = i;
  }
  return best;
}

// sum_g p_train(g) acc(g) over groups present in the evaluation set, weights renormalised over them.
function trainWeighted(groups: readonly GroupStat[], trainCounts: ArrayLike<number>): number {
  if (trainCounts.length !== groups.length) {
    throw new RangeError(
      `groupMetrics: trainGroupCounts has ${trainCounts.length} entries for ${groups.length} groups`,
    );
  }
  let weight = 0;
  let sum = 0;
  for (let g = 0; g < groups.length; g++) {
    if (groups[g].count === 0) continue;
    weight += trainCounts[g];
    sum += trainCounts[g] * groups[g].accuracy;
  }
  return weight > 0 ? sum / weight : NaN;
}

// ECE = sum over bins of |B| / n * |accuracy(B) - mean confidence(B)|.
function expectedCalibrationError(bins: Float64Array, n: number): number {
  if (n === 0) return NaN;
  let ece = 0;
  for (let b = 0; b < ECE_BINS; b++) {
    const count = bins[3 * b];
    if (count > 0) ece += (count / n) * Math.abs(bins[3 * b + 2] / count - bins[3 * b + 1] / count);
  }
  return ece;
}
