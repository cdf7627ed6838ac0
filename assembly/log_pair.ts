// The natural log of two doubles at once, bit-identical to Math.log (AssemblyScript's table-driven
// log_lut at shrink level 0): the same table entries and the same IEEE operations in the same
// order, per lane, without fused multiply-add. Lanes the table path does not cover (near 1, zero,
// negative, subnormal, infinite, NaN) are recomputed by Math.log itself.
// The tables and coefficients come from the installed AssemblyScript at build time
// (scripts/extract-log-table.mjs), so they cannot drift from the ones Math.log uses.
import {
  LOG_A0, LOG_A1, LOG_A2, LOG_A3, LOG_A4, LOG_LN2HI, LOG_LN2LO, LOG_NEAR_HI, LOG_NEAR_LO, LOG_TAB1, LOG_TAB2,
  LOG_TABLE_BITS,
} from "../build/generated/log_data";

// @ts-ignore: decorator
@inline function splatBits(bits: u64): v128 {
  return i64x2.splat(<i64>bits);
}

// x = 2^k z with z in [0x1.6p-1, 0x1.6p0): bits minus OFF give the subinterval and k.
const OFF: u64 = 0x3FE6000000000000;
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

// Math.log of each lane of `x` by the table path: exact for lanes where tableMask is set.
// @ts-ignore: decorator
@inline function logTablePath(x: v128): v128 {
  const tmp = i64x2.sub(x, splatBits(OFF));
  const i = v128.and(i64x2.shr_u(tmp, 52 - LOG_TABLE_BITS), i64x2.splat((1 << LOG_TABLE_BITS) - 1));
  // k = tmp >> 52 (arithmetic): the high 32-bit halves shifted by 20, an i32 shift SIMD has
  const k = i32x4.shr_s(tmp, 20);
  const z = i64x2.sub(x, v128.and(tmp, splatBits(<u64>0xFFF << 52)));
  const i0 = <usize>i64x2.extract_lane(i, 0) << 4;
  const i1 = <usize>i64x2.extract_lane(i, 1) << 4;
  const t0 = v128.load(LOG_TAB1 + i0);
  const t1 = v128.load(LOG_TAB1 + i1);
  const c0 = v128.load(LOG_TAB2 + i0);
  const c1 = v128.load(LOG_TAB2 + i1);
  const invc = i64x2.shuffle(t0, t1, 0, 2);
  const logc = i64x2.shuffle(t0, t1, 1, 3);
  const chi = i64x2.shuffle(c0, c1, 0, 2);
  const clo = i64x2.shuffle(c0, c1, 1, 3);
  // r = (z - chi - clo) * invc ~ z/c - 1
  const r = f64x2.mul(f64x2.sub(f64x2.sub(z, chi), clo), invc);
  const kd = f64x2.convert_low_i32x4_s(i32x4.shuffle(k, k, 1, 3, 1, 3));
  // hi + lo = r + log(c) + k ln2
  const w = f64x2.add(f64x2.mul(kd, splatBits(LOG_LN2HI)), logc);
  const hi = f64x2.add(w, r);
  const lo = f64x2.add(f64x2.add(f64x2.sub(w, hi), r), f64x2.mul(kd, splatBits(LOG_LN2LO)));
  // lo + r2 A0 + r r2 (A1 + r A2 + r2 (A3 + r A4)) + hi, left to right as the scalar expression
  const r2 = f64x2.mul(r, r);
  const inner = f64x2.add(
    f64x2.add(splatBits(LOG_A1), f64x2.mul(r, splatBits(LOG_A2))),
    f64x2.mul(r2, f64x2.add(splatBits(LOG_A3), f64x2.mul(r, splatBits(LOG_A4)))),
  );
  return f64x2.add(
    f64x2.add(f64x2.add(lo, f64x2.mul(r2, splatBits(LOG_A0))), f64x2.mul(f64x2.mul(r, r2), inner)),
    hi,
  );
}

// All ones in the lanes the table path covers: positive normal finite numbers away from 1.
// @ts-ignore: decorator
@inline function tableMask(x: v128): v128 {
  const near = v128.and(f64x2.ge(x, splatBits(LOG_NEAR_LO)), f64x2.lt(x, splatBits(LOG_NEAR_HI)));
  return v128.andnot(v128.and(f64x2.ge(x, f64x2.splat(MIN_NORMAL)), f64x2.lt(x, f64x2.splat(Infinity))), near);
}

/**
 * dst[i] = log(src[i]) for n doubles (n even), with Math.log's bits: two lanes at a time by the
 * table path; the indices it does not cover (about 1 in 16 for uniform inputs in (0, 1), those
 * near 1) are listed in `list` (n i32) without branching and redone by Math.log afterwards, so
 * the main loop has no unpredictable branch.
 */
export function logBatch(dst: usize, src: usize, n: i32, list: usize): void {
  let count = 0;
  for (let i = 0; i + 2 <= n; i += 2) {
    const x = v128.load(src + (<usize>i << 3));
    v128.store(dst + (<usize>i << 3), logTablePath(x));
    const mask = tableMask(x);
    store<i32>(list + (<usize>count << 2), i);
    count += <i32>(i64x2.extract_lane(mask, 0) == 0);
    store<i32>(list + (<usize>count << 2), i + 1);
    count += <i32>(i64x2.extract_lane(mask, 1) == 0);
  }
  for (let j = 0; j < count; j++) {
    const o = <usize>load<i32>(list + (<usize>j << 2)) << 3;
    store<f64>(dst + o, Math.log(load<f64>(src + o)));
  }
}

// Scratch index list of the test hook.
const HOOK_LIST_MAX: i32 = 1 << 16;
const hookList: usize = memory.data(HOOK_LIST_MAX * 4, 16);

/** Test hook: dst[i] = log(src[i]) for n doubles through logBatch (chunks; an odd last one by Math.log). */
export function logPairs(dst: usize, src: usize, n: i32): void {
  const even = n & ~1;
  for (let i = 0; i < even; i += HOOK_LIST_MAX) {
    logBatch(dst + (<usize>i << 3), src + (<usize>i << 3), min(HOOK_LIST_MAX, even - i), hookList);
  }
  if (even < n) store<f64>(dst + (<usize>even << 3), Math.log(load<f64>(src + (<usize>even << 3))));
}

/** Test hook: dst[i] = Math.log(src[i]), the scalar reference logPairs must match bit for bit. */
export function logScalar(dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), Math.log(load<f64>(src + (<usize>i << 3))));
}
