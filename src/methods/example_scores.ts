// Per-example scores from a model's predictions, and the subsets they rank: softmax, KL divergence
// between two models, the label's loss, the top k, each class's loss extremes. Transcendental math
// runs in WASM, so every runtime ranks the same examples.
import type { Split } from "../data/splits.ts";
import { exp, log } from "../wasm/math.ts";

/** Row-wise softmax of logits (n x k), in float64 with WASM exp (the same bits in every runtime). */
export function softmaxRows(logits: Float32Array, k: number): Float64Array {
  const p = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i += k) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += p[i + c] = exp(logits[i + c] - max);
    for (let c = 0; c < k; c++) p[i + c] /= sum;
  }
  return p;
}

/** Per example, KL(p || q) of two row-stochastic matrices (n x k); zero-probability terms of p count 0. */
export function klRows(p: Float64Array, q: Float64Array, k: number): Float64Array {
  const out = new Float64Array(p.length / k);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      const a = p[i * k + c];
      if (a > 0) s += a * (log(a) - log(Math.max(q[i * k + c], 1e-300)));
    }
    out[i] = s;
  }
  return out;
}

/** Per example, the cross-entropy of its label under row-stochastic p. */
export function labelLoss(p: Float64Array, y: Int32Array, k: number): Float64Array {
  return Float64Array.from(y, (c, i) => -log(Math.max(p[i * k + c], 1e-300)));
}

/** Indices of the k largest scores (ties to the lower index), in increasing index order. */
export function topK(scores: Float64Array, k: number): Int32Array {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  return Int32Array.from(order.slice(0, Math.min(k, scores.length))).sort();
}

/** Per class, the indices of the k highest-loss and the k lowest-loss examples (fewer if the class is small). */
export function lossExtremes(loss: Float64Array, y: Int32Array, numClasses: number, k: number): Int32Array {
  const out: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const members = Array.from(y.keys()).filter((i) => y[i] === c);
    members.sort((a, b) => loss[b] - loss[a] || a - b);
    const take = Math.min(k, Math.floor(members.length / 2));
    out.push(...members.slice(0, take), ...members.slice(members.length - take));
  }
  return Int32Array.from(out).sort();
}

/** The share of rows whose attribute conflicts with their label (a diagnostic: methods never read it). */
export function conflictingShare(split: Split, rows: Int32Array): number {
  if (rows.length === 0) return NaN;
  let n = 0;
  for (const i of rows) if (split.a[i] !== split.y[i] % split.numAttributes) n++;
  return n / rows.length;
}
