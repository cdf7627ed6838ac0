// MT19937 with numpy's legacy RandomState draws (rand, randn, bounded integers, permutation).
// The state lives in static memory: one generator per instance, exactly like np.random.seed().
// Outputs are produced a block of 624 at a time (twist and tempering in SIMD) and served from a buffer.

import { logBatch } from "./log_pair";

const N: i32 = 624;
const M: i32 = 397;
const MATRIX_A: u32 = 0x9908b0df;
const UPPER: u32 = 0x80000000;
const LOWER: u32 = 0x7fffffff;

const key: usize = memory.data(N * 4, 16);
const out: usize = memory.data(N * 4, 16);
let pos: i32 = N;
let hasGauss: bool = false;
let gaussCache: f64 = 0;

/** Seed like init_genrand (numpy's legacy integer seeding) and clear the cached gaussian. */
export function rngSeed(seed: u32): void {
  let s = seed;
  for (let i = 0; i < N; i++) {
    store<u32>(key + (<usize>i << 2), s);
    s = 1812433253 * (s ^ (s >> 30)) + <u32>(i + 1);
  }
  pos = N;
  hasGauss = false;
  gaussCache = 0;
}

// One twist step for element i, given the already-correct neighbour value.
// @ts-ignore: decorator
@inline function mix(ki: u32, kNext: u32, kFar: u32): u32 {
  const y = (ki & UPPER) | (kNext & LOWER);
  return kFar ^ (y >> 1) ^ ((0 - (y & 1)) & MATRIX_A);
}

// @ts-ignore: decorator
@inline function mixV(ki: v128, kNext: v128, kFar: v128): v128 {
  const y = v128.or(v128.and(ki, i32x4.splat(<i32>UPPER)), v128.and(kNext, i32x4.splat(<i32>LOWER)));
  const odd = i32x4.sub(i32x4.splat(0), v128.and(y, i32x4.splat(1)));
  return v128.xor(v128.xor(kFar, i32x4.shr_u(y, 1)), v128.and(odd, i32x4.splat(<i32>MATRIX_A)));
}

// Regenerate the 624-word state and temper it into `out`. Lanes read key[i+1] before it is
// rewritten and key[i+M-N] after it was, exactly as the scalar loop does (the distances exceed 4).
function refill(): void {
  let i = 0;
  for (; i + 4 <= N - M; i += 4) {
    const p = key + (<usize>i << 2);
    v128.store(p, mixV(v128.load(p), v128.load(p + 4), v128.load(p + (<usize>M << 2))));
  }
  for (; i < N - M; i++) {
    const p = key + (<usize>i << 2);
    store<u32>(p, mix(load<u32>(p), load<u32>(p + 4), load<u32>(p + (<usize>M << 2))));
  }
  for (; i + 4 <= N - 1; i += 4) {
    const p = key + (<usize>i << 2);
    v128.store(p, mixV(v128.load(p), v128.load(p + 4), v128.load(p - (<usize>(N - M) << 2))));
  }
  for (; i < N - 1; i++) {
    const p = key + (<usize>i << 2);
    store<u32>(p, mix(load<u32>(p), load<u32>(p + 4), load<u32>(p - (<usize>(N - M) << 2))));
  }
  const last = key + (<usize>(N - 1) << 2);
  store<u32>(last, mix(load<u32>(last), load<u32>(key), load<u32>(key + (<usize>(M - 1) << 2))));
  for (let j = 0; j < N; j += 4) {
    const o = <usize>j << 2;
    let y = v128.load(key + o);
    y = v128.xor(y, i32x4.shr_u(y, 11));
    y = v128.xor(y, v128.and(i32x4.shl(y, 7), i32x4.splat(<i32>0x9d2c5680)));
    y = v128.xor(y, v128.and(i32x4.shl(y, 15), i32x4.splat(<i32>0xefc60000)));
    y = v128.xor(y, i32x4.shr_u(y, 18));
    v128.store(out + o, y);
  }
  pos = 0;
}

/** Next tempered 32-bit output. */
// @ts-ignore: decorator
@inline export function next32(): u32 {
  if (pos == N) refill();
  const v = load<u32>(out + (<usize>pos << 2));
  pos++;
  return v;
}

// 2^-53: multiplying by it is exact and equals numpy's division by 2^53.
const INV_2_53: f64 = 1.1102230246251565e-16;

/** numpy's random_sample(): 53 random bits from two outputs. */
// @ts-ignore: decorator
@inline export function rand(): f64 {
  const a = next32() >> 5;
  const b = next32() >> 6;
  return (<f64>a * 67108864.0 + <f64>b) * INV_2_53;
}

// Scratch for batched normals: accepted polar candidates (x1, x2 interleaved), r2, log(r2) and the
// list of logs left to Math.log.
const MAX_PAIRS: i32 = 512;
const PXY: usize = memory.data(MAX_PAIRS * 16 + 32, 16);
const PR2: usize = memory.data(MAX_PAIRS * 8 + 16, 16);
const PLG: usize = memory.data(MAX_PAIRS * 8 + 16, 16);
const PLIST: usize = memory.data(MAX_PAIRS * 4 + 16, 16);

/**
 * Fill dst with `count` standard normals, the same values and draws as `count` calls of randn():
 * candidates (x1, x2) are made two lanes at a time straight from the tempered buffer and compacted
 * without branching on acceptance; the log/sqrt/divide chains of different pairs then run
 * independently (sqrt and divide two lanes at a time).
 */
export function randnFill(dst: usize, count: i32): void {
  let i = 0;
  if (count > 0 && hasGauss) {
    store<f64>(dst, gaussCache);
    hasGauss = false;
    gaussCache = 0;
    i = 1;
  }
  const scale26 = f64x2.splat(67108864.0);
  const inv53 = f64x2.splat(INV_2_53);
  const two = f64x2.splat(2.0);
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0.0);
  while (i < count) {
    const pairs = min((count - i + 1) >> 1, MAX_PAIRS);
    let a = 0;
    while (a < pairs) {
      if (pos > N - 4) {
        // A candidate whose four words straddle a refill: drawn one uniform at a time.
        const x1 = 2.0 * rand() - 1.0;
        const x2 = 2.0 * rand() - 1.0;
        const r2 = x1 * x1 + x2 * x2;
        store<f64>(PXY + (<usize>a << 4), x1);
        store<f64>(PXY + (<usize>a << 4), x2, 8);
        store<f64>(PR2 + (<usize>a << 3), r2);
        a += <i32>(r2 < 1.0 && r2 != 0.0);
        continue;
      }
      // Words (w0, w1, w2, w3) make x1 from (w0 >> 5, w1 >> 6) and x2 from (w2 >> 5, w3 >> 6).
      let p = out + (<usize>pos << 2);
      const end = out + (<usize>(N - 3) << 2);
      // Two candidates (eight words) at a time while both would be drawn anyway (a + 2 <= pairs).
      while (a + 2 <= pairs && p + 16 < end) {
        const w0 = v128.load(p);
        const w1 = v128.load(p, 16);
        const his = i32x4.shr_u(i32x4.shuffle(w0, w1, 0, 2, 4, 6), 5); // x1, x2 of A; x1, x2 of B
        const los = i32x4.shr_u(i32x4.shuffle(w0, w1, 1, 3, 5, 7), 6);
        const uA = f64x2.mul(
          f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(his), scale26), f64x2.convert_low_i32x4_u(los)),
          inv53,
        );
        const uB = f64x2.mul(
          f64x2.add(
            f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(his, his, 2, 3, 2, 3)), scale26),
            f64x2.convert_low_i32x4_u(i32x4.shuffle(los, los, 2, 3, 2, 3)),
          ),
          inv53,
        );
        const xA = f64x2.sub(f64x2.mul(two, uA), one);
        const xB = f64x2.sub(f64x2.mul(two, uB), one);
        const sqA = f64x2.mul(xA, xA);
        const sqB = f64x2.mul(xB, xB);
        const r2 = f64x2.add(i64x2.shuffle(sqA, sqB, 0, 2), i64x2.shuffle(sqA, sqB, 1, 3));
        const ok = v128.and(f64x2.lt(r2, one), f64x2.ne(r2, zero));
        v128.store(PXY + (<usize>a << 4), xA);
        store<f64>(PR2 + (<usize>a << 3), f64x2.extract_lane(r2, 0));
        a += <i32>(i64x2.extract_lane(ok, 0) & 1);
        v128.store(PXY + (<usize>a << 4), xB);
        store<f64>(PR2 + (<usize>a << 3), f64x2.extract_lane(r2, 1));
        a += <i32>(i64x2.extract_lane(ok, 1) & 1);
        p += 32;
      }
      while (a < pairs && p < end) {
        const w = v128.load(p);
        const hi = f64x2.convert_low_i32x4_u(i32x4.shuffle(i32x4.shr_u(w, 5), w, 0, 2, 0, 2));
        const lo = f64x2.convert_low_i32x4_u(i32x4.shuffle(i32x4.shr_u(w, 6), w, 1, 3, 1, 3));
        const u = f64x2.mul(f64x2.add(f64x2.mul(hi, scale26), lo), inv53);
        const x = f64x2.sub(f64x2.mul(two, u), one);
        const sq = f64x2.mul(x, x);
        const r2 = f64x2.extract_lane(sq, 0) + f64x2.extract_lane(sq, 1);
        v128.store(PXY + (<usize>a << 4), x);
        store<f64>(PR2 + (<usize>a << 3), r2);
        a += <i32>(r2 < 1.0 && r2 != 0.0); // a rejected candidate is overwritten by the next one
        p += 16;
      }
      pos = <i32>((p - out) >> 2);
    }
    // log(r2) of every pair (Math.log's bits, two at a time); then f = sqrt(-2 log(r2) / r2).
    logBatch(PLG, PR2, (pairs + 1) & ~1, PLIST); // PR2 has room for the spare lane of an odd count
    const minusTwo = f64x2.splat(-2.0);
    let j = 0;
    const full = min((count - i) >> 1, pairs); // pairs whose both values go to dst
    for (; j + 2 <= full; j += 2) {
      const o = <usize>j << 3;
      const f = f64x2.sqrt(f64x2.div(f64x2.mul(minusTwo, v128.load(PLG + o)), v128.load(PR2 + o)));
      const xy0 = v128.load(PXY + (<usize>j << 4));
      const xy1 = v128.load(PXY + (<usize>j << 4), 16);
      const first = f64x2.mul(f, i64x2.shuffle(xy0, xy1, 1, 3)); // f * x2 of pairs j, j+1
      const second = f64x2.mul(f, i64x2.shuffle(xy0, xy1, 0, 2)); // f * x1, cached by numpy
      const q = dst + (<usize>(i + 2 * j) << 3);
      v128.store(q, i64x2.shuffle(first, second, 0, 2));
      v128.store(q, i64x2.shuffle(first, second, 1, 3), 16);
    }
    for (; j < pairs; j++) {
      const o = <usize>j << 3;
      const f = Math.sqrt((-2.0 * load<f64>(PLG + o)) / load<f64>(PR2 + o));
      const q = dst + (<usize>(i + 2 * j) << 3);
      store<f64>(q, f * load<f64>(PXY + (<usize>j << 4), 8));
      const second = f * load<f64>(PXY + (<usize>j << 4));
      if (i + 2 * j + 1 < count) {
        store<f64>(q, second, 8);
      } else {
        gaussCache = second;
        hasGauss = true;
      }
    }
    i += 2 * pairs;
  }
}

/** numpy's legacy gauss: Marsaglia polar method keeping one value cached between calls. */
export function randn(): f64 {
  if (hasGauss) {
    hasGauss = false;
    const g = gaussCache;
    gaussCache = 0;
    return g;
  }
  let x1: f64, x2: f64, r2: f64;
  do {
    x1 = 2.0 * rand() - 1.0;
    x2 = 2.0 * rand() - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  // AssemblyScript's log at shrink level 0 is the table-driven one numpy's libm agrees with.
  const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
  gaussCache = f * x1;
  hasGauss = true;
  return f * x2;
}

/** Bounded integer in [0, max] by masked rejection (numpy's random_interval); draws nothing for 0. */
export function interval(max: u32): u32 {
  if (max == 0) return 0;
  let mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  let v: u32;
  do {
    v = next32() & mask;
  } while (v > max);
  return v;
}

/** numpy's legacy permutation(n) into `dst` (i32): identity, then Fisher-Yates from the top. */
export function permutation(dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<i32>(dst + (<usize>i << 2), i);
  for (let i = n - 1; i >= 1; i--) {
    const j = <i32>interval(<u32>i);
    const pi = dst + (<usize>i << 2);
    const pj = dst + (<usize>j << 2);
    const t = load<i32>(pi);
    store<i32>(pi, load<i32>(pj));
    store<i32>(pj, t);
  }
}

/** Test hook: fill `dst` with `n` raw 32-bit outputs. */
export function rngRaw(dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u32>(dst + (<usize>i << 2), next32());
}

/** Test hook: fill `dst` with `n` uniforms. */
export function rngUniform(dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), rand());
}

/** Test hook: fill `dst` with `n` standard normals one call at a time. */
export function rngNormal(dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), randn());
}

/** Test hook: fill `dst` with `n` standard normals through the batched path. */
export function rngNormalBatch(dst: usize, n: i32): void {
  randnFill(dst, n);
}

/** Fill dst (f32) with uniforms in [low, high): low + (high - low) * rand(), seeded. */
export function uniformF32(dst: usize, n: i32, low: f64, high: f64, seed: u32): void {
  rngSeed(seed);
  for (let i = 0; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>(low + (high - low) * rand()));
}

/** Draw a permutation of n after seeding (batch orders). */
export function seededPermutation(dst: usize, n: i32, seed: u32): void {
  rngSeed(seed);
  permutation(dst, n);
}
