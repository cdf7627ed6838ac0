// Spurious-feature injection: attribute draws (aligned with the label with probability rho) and
// attribute-specific signals added to examples. Every draw comes from the seeded MT19937, and the
// one transcendental function (sin, for the frequency kind) runs here, so results are the same
// bits in every runtime.

import { interval, permutation, rand, randn, rngSeed } from "./rng";

// The codes come from the TypeScript side's one source, so the two can never disagree.
import {
  KIND_FREQUENCY, KIND_OFFSET, KIND_PATCH, MODE_ALIGNED, MODE_CONFLICTING, MODE_RANDOM,
} from "../src/data/spurious_codes";

// The attribute that agrees with label y when there are K attribute values.
// @ts-ignore: decorator
@inline function alignedValue(y: i32, k: i32): i32 {
  return y % k;
}

// A value drawn uniformly from the K - 1 attributes other than `avoid`.
function otherThan(avoid: i32, k: i32): i32 {
  const b = <i32>interval(<u32>(k - 2));
  return b >= avoid ? b + 1 : b;
}

/**
 * Draw one attribute per example into `a` (i32): aligned mode keeps the label's value with
 * probability rho (exactly round(rho * n_class) per class when `exact`), random mode ignores the
 * label, conflicting mode never agrees. `scratch` holds 2n + 2*classes + 2 i32 (exact mode only).
 */
export function drawAttributes(
  y: usize, n: i32, k: i32, classes: i32, mode: i32, rho: f64, exact: bool, seed: u32, a: usize, scratch: usize,
): void {
  // An unknown mode is a caller's bug: trap rather than silently draw aligned attributes.
  if (mode != MODE_ALIGNED && mode != MODE_RANDOM && mode != MODE_CONFLICTING) unreachable();
  rngSeed(seed);
  if (mode == MODE_RANDOM) {
    for (let i = 0; i < n; i++) store<i32>(a + (<usize>i << 2), <i32>interval(<u32>(k - 1)));
    return;
  }
  if (mode == MODE_CONFLICTING) {
    for (let i = 0; i < n; i++) {
      const yi = load<i32>(y + (<usize>i << 2));
      store<i32>(a + (<usize>i << 2), otherThan(alignedValue(yi, k), k));
    }
    return;
  }
  if (!exact) {
    for (let i = 0; i < n; i++) {
      const al = alignedValue(load<i32>(y + (<usize>i << 2)), k);
      store<i32>(a + (<usize>i << 2), rand() < rho ? al : otherThan(al, k));
    }
    return;
  }
  // Exact mode: bucket the examples by class (in index order), then in each class a seeded
  // permutation picks which round(rho * n_c) of them are aligned.
  const counts = scratch;
  const starts = scratch + (<usize>(classes + 1) << 2);
  const order = starts + (<usize>(classes + 1) << 2);
  const perm = order + (<usize>n << 2);
  memory.fill(counts, 0, <usize>(classes + 1) << 2);
  for (let i = 0; i < n; i++) {
    const c = counts + (<usize>load<i32>(y + (<usize>i << 2)) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
  let total = 0;
  for (let c = 0; c < classes; c++) {
    store<i32>(starts + (<usize>c << 2), total);
    total += load<i32>(counts + (<usize>c << 2));
  }
  for (let c = 0; c < classes; c++) store<i32>(counts + (<usize>c << 2), 0);
  for (let i = 0; i < n; i++) {
    const c = load<i32>(y + (<usize>i << 2));
    const slot = load<i32>(starts + (<usize>c << 2)) + load<i32>(counts + (<usize>c << 2));
    store<i32>(order + (<usize>slot << 2), i);
    store<i32>(counts + (<usize>c << 2), load<i32>(counts + (<usize>c << 2)) + 1);
  }
  for (let c = 0; c < classes; c++) {
    const nc = load<i32>(counts + (<usize>c << 2));
    const base = order + (<usize>load<i32>(starts + (<usize>c << 2)) << 2);
    const aligned = <i32>Math.floor(rho * <f64>nc + 0.5);
    permutation(perm, nc);
    for (let j = 0; j < nc; j++) {
      const i = load<i32>(base + (<usize>load<i32>(perm + (<usize>j << 2)) << 2));
      const al = alignedValue(c, k);
      store<i32>(a + (<usize>i << 2), j < aligned ? al : otherThan(al, k));
    }
  }
}

/**
 * Fill `codes` (k rows of `width` doubles) with the patch codebook: Gaussian draws from
 * `featureSeed`, each row centred and scaled to unit root-mean-square.
 */
export function patchCodebook(codes: usize, k: i32, width: i32, featureSeed: u32): void {
  rngSeed(featureSeed);
  for (let r = 0; r < k; r++) {
    const row = codes + (<usize>(r * width) << 3);
    let mean = 0.0;
    for (let j = 0; j < width; j++) {
      const v = randn();
      store<f64>(row + (<usize>j << 3), v);
      mean += v;
    }
    mean /= <f64>width;
    let ss = 0.0;
    for (let j = 0; j < width; j++) {
      const v = load<f64>(row + (<usize>j << 3)) - mean;
      store<f64>(row + (<usize>j << 3), v);
      ss += v * v;
    }
    const rms = Math.sqrt(ss / <f64>width);
    // A width-1 patch (or a degenerate draw) has no shape: use a constant code instead.
    for (let j = 0; j < width; j++) {
      store<f64>(row + (<usize>j << 3), rms > 0 ? load<f64>(row + (<usize>j << 3)) / rms : 1.0);
    }
  }
}

/** Seed the draws of injectFeature (shifts and noise); chunks after the first continue the stream. */
export function injectBegin(seed: u32): void {
  rngSeed(seed);
}

/**
 * Add the spurious signal of attribute a[i] to each row of x (n rows of `len`), in place, and
 * write what was added into `feature` (same shape, zero off the support) unless it is 0.
 * patch: codes[a] in positions [start + s, start + s + width); frequency: sqrt(2) sin(2 pi (a+1)
 * (t + s) / len) at every t; offset: the level (a + 1) / k at every t (distinct and never 0, so
 * every attribute carries a signal). s is the example's shift,
 * uniform in [-jitter, jitter]; `noise` adds amplitude * noise * N(0, 1) per position of the support.
 */
export function injectFeature(
  x: usize, n: i32, len: i32, a: usize, k: i32, kind: i32, amplitude: f64, noise: f64, jitter: i32,
  start: i32, width: i32, codes: usize, feature: usize,
): void {
  // An unknown kind is a caller's bug: trap rather than fall through to the offset signal.
  if (kind != KIND_PATCH && kind != KIND_FREQUENCY && kind != KIND_OFFSET) unreachable();
  const twoPi = 6.283185307179586;
  const root2 = 1.4142135623730951;
  for (let i = 0; i < n; i++) {
    const ai = load<i32>(a + (<usize>i << 2));
    const shift = jitter > 0 ? <i32>interval(<u32>(2 * jitter)) - jitter : 0;
    const row = x + (<usize>i * <usize>len << 3);
    const frow = feature + (<usize>i * <usize>len << 3);
    if (feature != 0) memory.fill(frow, 0, <usize>len << 3);
    let from = 0, to = len;
    if (kind == KIND_PATCH) {
      from = start + shift;
      to = from + width;
    }
    for (let t = from; t < to; t++) {
      let v: f64;
      if (kind == KIND_PATCH) {
        v = load<f64>(codes + (<usize>(ai * width + t - from) << 3));
      } else if (kind == KIND_FREQUENCY) {
        v = root2 * Math.sin(twoPi * <f64>(ai + 1) * <f64>(t + shift) / <f64>len);
      } else { // KIND_OFFSET (checked above)
        v = <f64>(ai + 1) / <f64>k;
      }
      if (noise > 0) v += noise * randn();
      const add = amplitude * v;
      if (add == 0) continue; // x + 0 would turn -0 into +0: where nothing is added, nothing changes
      const p = row + (<usize>t << 3);
      store<f64>(p, load<f64>(p) + add);
      if (feature != 0) store<f64>(frow + (<usize>t << 3), add);
    }
  }
}
