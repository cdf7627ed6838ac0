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
// Rounding to an integer by adding and subtracting 1.5 * 2^23 (exact for |x| < 2^22); the sum's
// low bits then hold that integer, so no float-to-int conversion is needed (wasm's saturating
// conversions and `nearest` cost several x86 instructions each).
const MAGIC: f32 = 12582912.0;
// @ts-ignore: decorator
@inline function exp4(x: v128): v128 {
  const low = f32x4.lt(x, f32x4.splat(-87.0));
  const xc = f32x4.pmax(x, f32x4.splat(-87.0)); // x is never NaN here; pmax is one instruction
  const shifted = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
  const nf = f32x4.sub(shifted, f32x4.splat(MAGIC));
  let r = f32x4.sub(xc, f32x4.mul(nf, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(nf, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.0 / 720.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const n = i32x4.sub(shifted, f32x4.splat(MAGIC)); // integer bits of nf: shifted - magic as i32
  const scale = i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(p, scale), low);
}

/** Test hook: the same exp on one value (lane 0 of exp4). */
export function expScalar(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

// Lane masks for a row tail of r = 1..3 values: lanes >= r are replaced by -infinity.
const TAIL_KEEP: usize = memory.data<i32>([
  -1, -1, -1, -1,
  -1, 0, 0, 0,
  -1, -1, 0, 0,
  -1, -1, -1, 0,
]);
const NEG_INF: v128 = f32x4.splat(-Infinity);

// Vector q of row (n values) with lanes past the end set to -infinity (reads stay within the
// row plus the 16 bytes of padding the caller allocates after the last row).
// @ts-ignore: decorator
@inline function loadMasked(p: usize, left: i32): v128 {
  const v = v128.load(p);
  if (left >= 4) return v;
  return v128.bitselect(v, NEG_INF, v128.load(TAIL_KEEP + (<usize>left << 4)));
}

/**
 * From logits (n rows of c float32, followed by 16 bytes of padding): per group [count, correct,
 * sum of cross-entropy] (f64 triples), per class [count, correct], and ECE bins [count, sum of
 * confidence, correct] (f64). The prediction is the first maximal logit; the confidence is the
 * softmax maximum. Buffers are zeroed here. Returns -1, or the first row whose label or group is
 * out of range (nothing after it is counted).
 */
export function statsFromLogits(
  logits: usize, n: i32, c: i32, labels: usize, groups: usize, numGroups: i32,
  groupStats: usize, classStats: usize, bins: usize,
): i32 {
  memory.fill(groupStats, 0, <usize>numGroups * 24);
  memory.fill(classStats, 0, <usize>c << 4);
  memory.fill(bins, 0, <usize>ECE_BINS * 24);
  const vectors = (c + 3) >> 2;
  for (let i = 0; i < n; i++) {
    const row = logits + (<usize>i * <usize>c << 2);
    const yi = load<i32>(labels + (<usize>i << 2));
    const g = load<i32>(groups + (<usize>i << 2));
    if (<u32>yi >= <u32>c || <u32>g >= <u32>numGroups) return i;
    // Row maximum (lane-wise, then across lanes).
    let mv = NEG_INF;
    for (let q = 0; q < vectors; q++) mv = f32x4.pmax(mv, loadMasked(row + (<usize>q << 4), c - 4 * q));
    const best = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    const m = f32x4.splat(best);
    // First index of the maximum: a bit per lane equal to it, lowest set bit.
    let hits: u64 = 0;
    // sum_j exp(l_j - max), four lanes at a time (masked lanes give exp(-inf) = 0).
    let acc = f32x4.splat(0);
    for (let q = 0; q < vectors; q++) {
      const v = loadMasked(row + (<usize>q << 4), c - 4 * q);
      hits |= (<u64>i32x4.bitmask(f32x4.eq(v, m))) << (<u64>(4 * q));
      acc = f32x4.add(acc, exp4(f32x4.sub(v, m)));
    }
    const arg = <i32>ctz(hits);
    const sum = <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
      <f64>(f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    const correct: f64 = arg == yi ? 1.0 : 0.0;
    const loss = Math.log(sum) - <f64>(load<f32>(row + (<usize>yi << 2)) - best);
    const gs = groupStats + (<usize>g * 24);
    store<f64>(gs, load<f64>(gs) + 1.0);
    store<f64>(gs, load<f64>(gs, 8) + correct, 8);
    store<f64>(gs, load<f64>(gs, 16) + loss, 16);
    const cs = classStats + (<usize>yi << 4);
    store<f64>(cs, load<f64>(cs) + 1.0);
    store<f64>(cs, load<f64>(cs, 8) + correct, 8);
    const confidence = 1.0 / sum;
    const b = min(<i32>(confidence * <f64>ECE_BINS), ECE_BINS - 1);
    const bp = bins + (<usize>b * 24);
    store<f64>(bp, load<f64>(bp) + 1.0);
    store<f64>(bp, load<f64>(bp, 8) + confidence, 8);
    store<f64>(bp, load<f64>(bp, 16) + correct, 16);
  }
  return -1;
}

/**
 * From predicted labels: histograms of (group, correct) and (class, correct) as u32 counts
 * (index 2 * id + correct). Returns -1, or the first row whose label or group is out of range.
 */
export function statsFromPredictions(
  predictions: usize, n: i32, c: i32, labels: usize, groups: usize, numGroups: i32,
  groupHist: usize, classHist: usize,
): i32 {
  memory.fill(groupHist, 0, <usize>numGroups << 3);
  memory.fill(classHist, 0, <usize>c << 3);
  for (let i = 0; i < n; i++) {
    const yi = load<i32>(labels + (<usize>i << 2));
    const g = load<i32>(groups + (<usize>i << 2));
    if (<u32>yi >= <u32>c || <u32>g >= <u32>numGroups) return i;
    const correct = <i32>(load<i32>(predictions + (<usize>i << 2)) == yi);
    const gp = groupHist + (<usize>(2 * g + correct) << 2);
    store<u32>(gp, load<u32>(gp) + 1);
    const cp = classHist + (<usize>(2 * yi + correct) << 2);
    store<u32>(cp, load<u32>(cp) + 1);
  }
  return -1;
}
