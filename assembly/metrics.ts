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
@inline export function exp4(x: v128): v128 {
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
 * From logits (n rows of c float32, followed by 16 bytes of padding): a joint u32 histogram of
 * (group, label, correct) at (g * c + y) * 2 + correct, the summed cross-entropy per group (f64), and
 * the calibration bins as u32 counts at bin * 2 + correct plus the summed confidence per bin (f64).
 * The prediction is the first maximal logit; the confidence is the softmax maximum. Four increments
 * per row. Buffers are zeroed here. Returns -1, or the first row whose label or group is out of range.
 */
export function statsFromLogits(
  logits: usize, n: i32, c: i32, labels: usize, groups: usize, numGroups: i32,
  joint: usize, groupLoss: usize, binCount: usize, binConfidence: usize,
): i32 {
  memory.fill(joint, 0, <usize>(numGroups * c) << 3);
  memory.fill(groupLoss, 0, <usize>numGroups << 3);
  memory.fill(binCount, 0, <usize>ECE_BINS << 3);
  memory.fill(binConfidence, 0, <usize>ECE_BINS << 3);
  const vectors = (c + 3) >> 2;
  for (let i = 0; i < n; i++) {
    const row = logits + (<usize>i * <usize>c << 2);
    const yi = load<i32>(labels + (<usize>i << 2));
    const g = load<i32>(groups + (<usize>i << 2));
    if (<u32>yi >= <u32>c || <u32>g >= <u32>numGroups) return i;
    let hits: u64 = 0;
    let acc = f32x4.splat(0);
    let best: f32;
    if (vectors <= 3) {
      // Up to 12 classes: the row's (at most) three vectors stay in registers, loaded once.
      const v0 = loadMasked(row, c);
      const v1 = vectors > 1 ? loadMasked(row + 16, c - 4) : NEG_INF;
      const v2 = vectors > 2 ? loadMasked(row + 32, c - 8) : NEG_INF;
      const mv = f32x4.pmax(f32x4.pmax(v0, v1), v2);
      best = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
      const m = f32x4.splat(best);
      hits = <u64>i32x4.bitmask(f32x4.eq(v0, m)) | (<u64>i32x4.bitmask(f32x4.eq(v1, m)) << 4) |
        (<u64>i32x4.bitmask(f32x4.eq(v2, m)) << 8);
      acc = f32x4.add(f32x4.add(exp4(f32x4.sub(v0, m)), exp4(f32x4.sub(v1, m))), exp4(f32x4.sub(v2, m)));
    } else {
      // Row maximum (lane-wise, then across lanes).
      let mv = NEG_INF;
      for (let q = 0; q < vectors; q++) mv = f32x4.pmax(mv, loadMasked(row + (<usize>q << 4), c - 4 * q));
      best = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
      const m = f32x4.splat(best);
      // First index of the maximum (a bit per lane equal to it, lowest set bit) and sum exp(l - max);
      // masked lanes give exp(-inf) = 0.
      for (let q = 0; q < vectors; q++) {
        const v = loadMasked(row + (<usize>q << 4), c - 4 * q);
        hits |= (<u64>i32x4.bitmask(f32x4.eq(v, m))) << (<u64>(4 * q));
        acc = f32x4.add(acc, exp4(f32x4.sub(v, m)));
      }
    }
    const arg = <i32>ctz(hits);
    // The sum is a float32 quantity, so its log and reciprocal are taken in float32 too (this
    // module's Mathf.log: the same bits in every runtime); the loss is accumulated in float64.
    const sum32: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
      (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    const correct = <i32>(arg == yi);
    const loss = <f64>(Mathf.log(sum32) - (load<f32>(row + (<usize>yi << 2)) - best));
    const jp = joint + (<usize>((g * c + yi) * 2 + correct) << 2);
    store<u32>(jp, load<u32>(jp) + 1);
    const lp = groupLoss + (<usize>g << 3);
    store<f64>(lp, load<f64>(lp) + loss);
    const confidence = <f64>(<f32>1.0 / sum32);
    const b = min(<i32>(confidence * <f64>ECE_BINS), ECE_BINS - 1);
    const cp = binCount + (<usize>(b * 2 + correct) << 2);
    store<u32>(cp, load<u32>(cp) + 1);
    const fp = binConfidence + (<usize>b << 3);
    store<f64>(fp, load<f64>(fp) + confidence);
  }
  return -1;
}

/**
 * From predicted labels: one joint histogram of (group, label, correct) as u32 counts at index
 * (g * c + y) * 2 + correct, one increment per prediction (group and class tallies are its sums).
 * Returns -1, or the first row whose label or group is out of range (nothing after it is counted).
 */
export function statsFromPredictions(
  predictions: usize, n: i32, c: i32, labels: usize, groups: usize, numGroups: i32, joint: usize,
): i32 {
  memory.fill(joint, 0, <usize>(numGroups * c) << 3);
  const gLimit = i32x4.splat(numGroups);
  const cLimit = i32x4.splat(c);
  const cs = i32x4.splat(c);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const y = v128.load(labels + o);
    const g = v128.load(groups + o);
    if (!i32x4.all_true(v128.and(i32x4.lt_u(y, cLimit), i32x4.lt_u(g, gLimit)))) break; // located below
    const ok = i32x4.shr_u(i32x4.eq(v128.load(predictions + o), y), 31);
    const idx = i32x4.shl(i32x4.add(i32x4.shl(i32x4.add(i32x4.mul(g, cs), y), 1), ok), 2);
    let p = joint + <usize>i32x4.extract_lane(idx, 0);
    store<u32>(p, load<u32>(p) + 1);
    p = joint + <usize>i32x4.extract_lane(idx, 1);
    store<u32>(p, load<u32>(p) + 1);
    p = joint + <usize>i32x4.extract_lane(idx, 2);
    store<u32>(p, load<u32>(p) + 1);
    p = joint + <usize>i32x4.extract_lane(idx, 3);
    store<u32>(p, load<u32>(p) + 1);
  }
  for (; i < n; i++) {
    const yi = load<i32>(labels + (<usize>i << 2));
    const g = load<i32>(groups + (<usize>i << 2));
    if (<u32>yi >= <u32>c || <u32>g >= <u32>numGroups) return i;
    const correct = <i32>(load<i32>(predictions + (<usize>i << 2)) == yi);
    const p = joint + (<usize>((g * c + yi) * 2 + correct) << 2);
    store<u32>(p, load<u32>(p) + 1);
  }
  return -1;
}
