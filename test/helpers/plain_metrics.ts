// A straightforward TypeScript implementation of the group metrics: the reference the WASM kernel
// is tested against, and the baseline its benchmark is timed against.

/** Per-group and per-class tallies, the mean loss and the ECE, computed one example at a time. */
export interface PlainMetrics {
  groupCount: number[];
  groupCorrect: number[];
  groupLoss: number[];
  classCount: number[];
  classCorrect: number[];
  averageAccuracy: number;
  worstGroupAccuracy: number;
  meanLoss: number;
  ece: number;
  /** Examples whose confidence lies within 1e-6 of a bin edge (another exp may bin them differently). */
  nearBinEdge: number;
}

/** Score logits (or predictions) with labels and groups, in plain loops with Math.exp / Math.log. */
export function plainGroupMetrics(
  labels: Int32Array,
  groups: Int32Array,
  numGroups: number,
  numClasses: number,
  logits?: Float32Array,
  predictions?: Int32Array,
): PlainMetrics {
  const groupCount = new Array(numGroups).fill(0);
  const groupCorrect = new Array(numGroups).fill(0);
  const groupLoss = new Array(numGroups).fill(0);
  const classCount = new Array(numClasses).fill(0);
  const classCorrect = new Array(numClasses).fill(0);
  const binCount = new Array(15).fill(0);
  const binConfidence = new Array(15).fill(0);
  const binCorrect = new Array(15).fill(0);
  let nearBinEdge = 0;
  let correctTotal = 0;
  let lossTotal = 0;
  for (let i = 0; i < labels.length; i++) {
    let prediction: number;
    let loss = 0;
    if (logits) {
      const row = logits.subarray(i * numClasses, (i + 1) * numClasses);
      let max = row[0];
      prediction = 0;
      for (let j = 1; j < numClasses; j++) {
        if (row[j] > max) {
          max = row[j];
          prediction = j;
        }
      }
      let sum = 0;
      for (let j = 0; j < numClasses; j++) sum += Math.exp(row[j] - max);
      loss = Math.log(sum) - (row[labels[i]] - max);
      const confidence = 1 / sum;
      const bin = Math.min(Math.floor(confidence * 15), 14);
      if (Math.abs(confidence * 15 - Math.round(confidence * 15)) < 15e-6) nearBinEdge++;
      binCount[bin]++;
      binConfidence[bin] += confidence;
      binCorrect[bin] += prediction === labels[i] ? 1 : 0;
    } else {
      prediction = predictions![i];
    }
    const correct = prediction === labels[i] ? 1 : 0;
    groupCount[groups[i]]++;
    groupCorrect[groups[i]] += correct;
    groupLoss[groups[i]] += loss;
    classCount[labels[i]]++;
    classCorrect[labels[i]] += correct;
    correctTotal += correct;
    lossTotal += loss;
  }
  let worst = Infinity;
  for (let g = 0; g < numGroups; g++) {
    if (groupCount[g] > 0) worst = Math.min(worst, groupCorrect[g] / groupCount[g]);
  }
  let ece = 0;
  for (let b = 0; b < 15; b++) {
    if (binCount[b] > 0) {
      ece += (binCount[b] / labels.length) * Math.abs(binCorrect[b] / binCount[b] - binConfidence[b] / binCount[b]);
    }
  }
  return {
    groupCount,
    groupCorrect,
    groupLoss,
    classCount,
    classCorrect,
    averageAccuracy: correctTotal / labels.length,
    worstGroupAccuracy: worst,
    meanLoss: lossTotal / labels.length,
    ece,
    nearBinEdge,
  };
}
