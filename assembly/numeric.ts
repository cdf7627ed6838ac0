// numpy-exact numerical building blocks: pairwise summation, linspace, interp and the reflect-mode
// Gaussian filter. SIMD is used only where every lane performs the scalar code's exact sequence of
// IEEE operations (no fused multiply-add), so results are bit-identical to numpy's.

const BLOCK: i32 = 128; // numpy's PW_BLOCKSIZE
const CHUNK: i32 = 8192; // numpy's reduction buffer size

// Element i of a strided f64 sequence.
// @ts-ignore: decorator
@inline function at(base: usize, i: i32, stride: usize): f64 {
  return load<f64>(base + <usize>i * stride);
}

/** numpy's pairwise_sum over n doubles at `base` spaced `stride` bytes apart. */
export function pairwiseSum(base: usize, n: i32, stride: usize): f64 {
  if (n < 8) {
    let res = 0.0;
    for (let i = 0; i < n; i++) res += at(base, i, stride);
    return res;
  }
  if (n <= BLOCK) {
    const limit = n - (n % 8);
    let res: f64;
    let i = 8;
    if (stride == 8) {
      // Eight accumulators as four f64x2 lanes: the same additions in the same order.
      let r01 = v128.load(base);
      let r23 = v128.load(base, 16);
      let r45 = v128.load(base, 32);
      let r67 = v128.load(base, 48);
      for (; i < limit; i += 8) {
        const p = base + (<usize>i << 3);
        r01 = f64x2.add(r01, v128.load(p));
        r23 = f64x2.add(r23, v128.load(p, 16));
        r45 = f64x2.add(r45, v128.load(p, 32));
        r67 = f64x2.add(r67, v128.load(p, 48));
      }
      res = (f64x2.extract_lane(r01, 0) + f64x2.extract_lane(r01, 1) +
        (f64x2.extract_lane(r23, 0) + f64x2.extract_lane(r23, 1))) +
        (f64x2.extract_lane(r45, 0) + f64x2.extract_lane(r45, 1) +
          (f64x2.extract_lane(r67, 0) + f64x2.extract_lane(r67, 1)));
    } else {
      let r0 = at(base, 0, stride), r1 = at(base, 1, stride), r2 = at(base, 2, stride), r3 = at(base, 3, stride);
      let r4 = at(base, 4, stride), r5 = at(base, 5, stride), r6 = at(base, 6, stride), r7 = at(base, 7, stride);
      for (; i < limit; i += 8) {
        r0 += at(base, i, stride);
        r1 += at(base, i + 1, stride);
        r2 += at(base, i + 2, stride);
        r3 += at(base, i + 3, stride);
        r4 += at(base, i + 4, stride);
        r5 += at(base, i + 5, stride);
        r6 += at(base, i + 6, stride);
        r7 += at(base, i + 7, stride);
      }
      res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    }
    for (; i < n; i++) res += at(base, i, stride);
    return res;
  }
  let half = n >> 1;
  half -= half % 8;
  return pairwiseSum(base, half, stride) + pairwiseSum(base + <usize>half * stride, n - half, stride);
}

/**
 * numpy's whole-array reduction over a (rows x cols) C-order block: chunks of 8192 elements in
 * memory order (or, when `colMajor`, in column-major visiting order), each pairwise-summed and
 * added in order. With `squares`, each element contributes (x - centre)^2, as np.var's second pass.
 */
export function arraySum(base: usize, rows: i32, cols: i32, colMajor: bool, squares: bool, centre: f64): f64 {
  const n = rows * cols;
  const byColumn = colMajor && cols > 1;
  let acc = 0.0;
  for (let s = 0; s < n; s += CHUNK) {
    const len = min(CHUNK, n - s);
    if (!byColumn && !squares) {
      acc += pairwiseSum(base + (<usize>s << 3), len, 8);
      continue;
    }
    // Gather the chunk in visiting order (element e is (e % rows, e / rows) column-major).
    for (let k = 0; k < len; k++) {
      const e = s + k;
      const src = byColumn ? <usize>(e % rows) * <usize>cols + <usize>(e / rows) : <usize>e;
      let v = load<f64>(base + (src << 3));
      if (squares) {
        v -= centre;
        v *= v;
      }
      store<f64>(scratchChunk + (<usize>k << 3), v);
    }
    acc += pairwiseSum(scratchChunk, len, 8);
  }
  return acc;
}

const scratchChunk: usize = memory.data(CHUNK * 8, 16);

/** numpy's linspace(a, b, n) into dst: i * step + a, the last point set to b exactly. */
export function linspace(dst: usize, a: f64, b: f64, n: i32): void {
  if (n == 1) {
    store<f64>(dst, a);
    return;
  }
  const step = (b - a) / <f64>(n - 1);
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), <f64>i * step + a);
  store<f64>(dst + (<usize>(n - 1) << 3), b);
}

/**
 * numpy's interp of v (n samples at xp) at the increasing queries xq (m of them), into dst.
 * Queries are sorted, so a forward walk finds the same bracket numpy's binary search does.
 */
export function interpSorted(dst: usize, xq: usize, m: i32, xp: usize, v: usize, n: i32): void {
  let j = 0;
  for (let k = 0; k < m; k++) {
    const x = load<f64>(xq + (<usize>k << 3));
    while (j + 1 < n && load<f64>(xp + (<usize>(j + 1) << 3)) <= x) j++;
    const xj = load<f64>(xp + (<usize>j << 3));
    const vj = load<f64>(v + (<usize>j << 3));
    let r: f64;
    if (j == n - 1 || xj == x) {
      r = vj;
    } else {
      const slope = (load<f64>(v + (<usize>(j + 1) << 3)) - vj) / (load<f64>(xp + (<usize>(j + 1) << 3)) - xj);
      r = slope * (x - xj) + vj;
    }
    store<f64>(dst + (<usize>k << 3), r);
  }
}

/**
 * Precompute interp(xq, xp, .) for fixed query and sample points: per query k, the bracket j (i32 at
 * plan), and the denominator xp[j+1] - xp[j] and offset xq[k] - xp[j] (f64 at plan + 4m and + 12m);
 * a denominator of 0 marks a query answered by v[j] alone. interpApply then repeats interpSorted's
 * arithmetic exactly for any values v.
 */
export function interpPlan(plan: usize, xq: usize, m: i32, xp: usize, n: i32): void {
  const dens = plan + (<usize>m << 2);
  const offs = dens + (<usize>m << 3);
  let j = 0;
  for (let k = 0; k < m; k++) {
    const x = load<f64>(xq + (<usize>k << 3));
    while (j + 1 < n && load<f64>(xp + (<usize>(j + 1) << 3)) <= x) j++;
    const xj = load<f64>(xp + (<usize>j << 3));
    store<i32>(plan + (<usize>k << 2), j);
    const exact = j == n - 1 || xj == x;
    store<f64>(dens + (<usize>k << 3), exact ? 0.0 : load<f64>(xp + (<usize>(j + 1) << 3)) - xj);
    store<f64>(offs + (<usize>k << 3), x - xj);
  }
}

/**
 * dst[k] = interp at query k of a plan made by interpPlan, for values v at the plan's points, two
 * queries at a time. v must be followed by one readable double (a last bracket reads v[j + 1] and
 * discards it).
 */
export function interpApply(dst: usize, plan: usize, m: i32, v: usize): void {
  const dens = plan + (<usize>m << 2);
  const offs = dens + (<usize>m << 3);
  const zero = f64x2.splat(0.0);
  let k = 0;
  for (; k + 2 <= m; k += 2) {
    const a = v128.load(v + (<usize>load<i32>(plan + (<usize>k << 2)) << 3)); // v[j], v[j + 1]
    const b = v128.load(v + (<usize>load<i32>(plan + (<usize>k << 2), 4) << 3));
    const vj = i64x2.shuffle(a, b, 0, 2);
    const vn = i64x2.shuffle(a, b, 1, 3);
    const den = v128.load(dens + (<usize>k << 3));
    const r = f64x2.add(f64x2.mul(f64x2.div(f64x2.sub(vn, vj), den), v128.load(offs + (<usize>k << 3))), vj);
    v128.store(dst + (<usize>k << 3), v128.bitselect(vj, r, f64x2.eq(den, zero)));
  }
  for (; k < m; k++) {
    const j = load<i32>(plan + (<usize>k << 2));
    const vj = load<f64>(v + (<usize>j << 3));
    const den = load<f64>(dens + (<usize>k << 3));
    store<f64>(
      dst + (<usize>k << 3),
      den == 0.0 ? vj : ((load<f64>(v + (<usize>(j + 1) << 3)) - vj) / den) * load<f64>(offs + (<usize>k << 3)) + vj,
    );
  }
}

// The reference's normalised Gaussian weights (sigma 2, radius 8), centre first: w[0..8].
const W: usize = memory.data<u64>([
  0x3fc98862a07ae7b4, 0x3fc68856f9ab1983, 0x3fbef9093fc46e5a, 0x3fb0941b71ceef37, 0x3f9ba4d4125ffd2a,
  0x3f81f30504e20207, 0x3f6227362b5fc92d, 0x3f3c98b8c5d0dda5, 0x3f118aad19e4159b,
]);
const RADIUS: i32 = 8;

/** Index of the reflect-mode extension (d c b a | a b c d | d c b a) for any integer position. */
function reflect(i: i32, n: i32): i32 {
  const period = 2 * n;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

// acc + (lo[RADIUS - d] + lo[RADIUS + d]) * w, two lanes, for the tap at distance d.
// @ts-ignore: decorator
@inline function tap(acc: v128, lo: usize, d: i32, w: v128): v128 {
  const pair = f64x2.add(v128.load(lo + (<usize>(RADIUS - d) << 3)), v128.load(lo + (<usize>(RADIUS + d) << 3)));
  return f64x2.add(acc, f64x2.mul(pair, w));
}

/**
 * scipy's correlate1d with the Gaussian weights in reflect mode: out[i] = x[i] * w0, then
 * out[i] += (x[i-d] + x[i+d]) * w[d] for d = 8 down to 1. `ext` holds n + 16 doubles of scratch.
 */
export function gaussianFilter(dst: usize, src: usize, n: i32, ext: usize): void {
  // The reflect-mode extension: the signal itself, then RADIUS mirrored values on each side.
  memory.copy(ext + (<usize>RADIUS << 3), src, <usize>n << 3);
  for (let i = 1; i <= RADIUS; i++) {
    store<f64>(ext + (<usize>(RADIUS - i) << 3), load<f64>(src + (<usize>reflect(-i, n) << 3)));
    store<f64>(ext + (<usize>(RADIUS + n - 1 + i) << 3), load<f64>(src + (<usize>reflect(n - 1 + i, n) << 3)));
  }
  const w0 = v128.splat<f64>(load<f64>(W));
  const w1 = v128.splat<f64>(load<f64>(W, 8));
  const w2 = v128.splat<f64>(load<f64>(W, 16));
  const w3 = v128.splat<f64>(load<f64>(W, 24));
  const w4 = v128.splat<f64>(load<f64>(W, 32));
  const w5 = v128.splat<f64>(load<f64>(W, 40));
  const w6 = v128.splat<f64>(load<f64>(W, 48));
  const w7 = v128.splat<f64>(load<f64>(W, 56));
  const w8 = v128.splat<f64>(load<f64>(W, 64));
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const lo = ext + (<usize>i << 3); // ext[i] is x[i - RADIUS]
    let acc = f64x2.mul(v128.load(lo + (<usize>RADIUS << 3)), w0);
    acc = tap(acc, lo, 8, w8);
    acc = tap(acc, lo, 7, w7);
    acc = tap(acc, lo, 6, w6);
    acc = tap(acc, lo, 5, w5);
    acc = tap(acc, lo, 4, w4);
    acc = tap(acc, lo, 3, w3);
    acc = tap(acc, lo, 2, w2);
    acc = tap(acc, lo, 1, w1);
    v128.store(dst + (<usize>i << 3), acc);
  }
  for (; i < n; i++) {
    const c = ext + (<usize>(i + RADIUS) << 3);
    let acc = load<f64>(c) * load<f64>(W);
    for (let d = RADIUS; d >= 1; d--) {
      const off = <usize>d << 3;
      acc += (load<f64>(c - off) + load<f64>(c + off)) * load<f64>(W + off);
    }
    store<f64>(dst + (<usize>i << 3), acc);
  }
}
