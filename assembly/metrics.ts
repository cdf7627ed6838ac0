// Group-metric reductions: one pass over predictions accumulating, per group and per class, the
// count, the number correct and (from logits) the cross-entropy, plus the 15 calibration bins.
// Softmax needs exp; ours is a fixed polynomial (no FMA), four lanes at a time, so the numbers are
// the same in every runtime.

const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.428606765330187e-6;
const LOG2E: f32 = 1.4426950408889634;

/** Bins of the expected calibration error (Guo et al. 2017 use 15). */
export const ECE_BINS: i32 = 15;

// exp(x) for x <= 0 on four lanes: x = n ln2 + r with |r| <= ln2 / 2, a degree-6 Taylor
// polynomial for exp(r), then 2^n through the exponent bits. Relative error below 2e-7; lanes
// below -87 (where float32 underflows) give 0.
// @ts-ignore: decorator
@inline function exp4(x: v128): v128 {
  const low = f32x4.lt(x, f32x4.splat(-87.0));
  const xc = f32x4.max(x, f32x4.splat(-87.0));
  const nf = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(nf, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(nf, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.0 / 720.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(nf), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(p, scale), low);
}

/** The same exp on one value (for row tails), lane 0 of exp4. */
export function expScalar(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

// Add one prediction to the per-group and per-class tallies.
// @ts-ignore: decorator
@inline function tally(groupStats: usize, classStats: usize, g: i32, yi: i32, correct: f64, loss: f64): void {
  const gs = groupStats + (<usize>g * 24);
  store<f64>(gs, load<f64>(gs) + 1.0);
  store<f64>(gs, load<f64>(gs, 8) + correct, 8);
  store<f64>(gs, load<f64>(gs, 16) + loss, 16);
  const cs = classStats + (<usize>yi << 4);
  store<f64>(cs, load<f64>(cs) + 1.0);
  store<f64>(cs, load<f64>(cs, 8) + correct, 8);
}

/**
 * From logits (n rows of c float32): per group [count, correct, sum of cross-entropy] (f64
 * triples), per class [count, correct], and ECE bins [count, sum of confidence, correct] (f64).
 * Predictions are the first maximal logit; confidence is the softmax maximum. Buffers are zeroed here.
 * Returns -1, or the first row whose label or group is out of range (nothing after it is counted).
 */
export function statsFromLogits(
  logits: usize, n: i32, c: i32, labels: usize, groups: usize, numGroups: i32,
  groupStats: usize, classStats: usize, bins: usize,
): i32 {
  memory.fill(groupStats, 0, <usize>numGroups * 24);
  memory.fill(classStats, 0, <usize>c << 4);
  memory.fill(bins, 0, <usize>ECE_BINS * 24);
  for (let i = 0; i < n; i++) {
    const row = logits + (<usize>i * <usize>c << 2);
    // Row maximum and its first index.
    let best: f32 = load<f32>(row);
    let arg = 0;
    for (let j = 1; j < c; j++) {
      const v = load<f32>(row + (<usize>j << 2));
      if (v > best) {
        best = v;
        arg = j;
      }
    }
    // sum_j exp(l_j - max), four lanes at a time.
    const m = f32x4.splat(best);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= c; j += 4) acc = f32x4.add(acc, exp4(f32x4.sub(v128.load(row + (<usize>j << 2)), m)));
    let sum = <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
      <f64>(f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    for (; j < c; j++) sum += <f64>expScalar(load<f32>(row + (<usize>j << 2)) - best);
    const yi = load<i32>(labels + (<usize>i << 2));
    const g = load<i32>(groups + (<usize>i << 2));
    if (<u32>yi >= <u32>c || <u32>g >= <u32>numGroups) return i;
    const correct: f64 = arg == yi ? 1.0 : 0.0;
    const loss = Math.log(sum) - <f64>(load<f32>(row + (<usize>yi << 2)) - best);
    tally(groupStats, classStats, g, yi, correct, loss);
    const confidence = 1.0 / sum;
    const b = min(<i32>(confidence * <f64>ECE_BINS), ECE_BINS - 1);
    const bp = bins + (<usize>b * 24);
    store<f64>(bp, load<f64>(bp) + 1.0);
    store<f64>(bp, load<f64>(bp, 8) + confidence, 8);
    store<f64>(bp, load<f64>(bp, 16) + correct, 16);
  }
  return -1;
}

/** From predicted labels: per group [count, correct, 0] and per class [count, correct]; returns as above. */
export function statsFromPredictions(
  predictions: usize, n: i32, c: i32, labels: usize, groups: usize, numGroups: i32,
  groupStats: usize, classStats: usize,
): i32 {
  memory.fill(groupStats, 0, <usize>numGroups * 24);
  memory.fill(classStats, 0, <usize>c << 4);
  for (let i = 0; i < n; i++) {
    const yi = load<i32>(labels + (<usize>i << 2));
    const g = load<i32>(groups + (<usize>i << 2));
    if (<u32>yi >= <u32>c || <u32>g >= <u32>numGroups) return i;
    const correct: f64 = load<i32>(predictions + (<usize>i << 2)) == yi ? 1.0 : 0.0;
    tally(groupStats, classStats, g, yi, correct, 0);
  }
  return -1;
}
