// The MNIST-1D generator (templates, per-sample transform, whole dataset), step for step as the
// reference Python generator, so that the same seed gives the same bits.

import { arenaAlloc } from "./arena";
import { interval, permutation, rand, randnFill, rngSeed } from "./rng";
import { arraySum, gaussianFilter, interpApply, interpPlan, interpSorted, linspace, pairwiseSum } from "./numeric";

export const CLASSES: i32 = 10;
export const TEMPLATE_POINTS: i32 = 12;

// The ten digit templates before normalisation, one 12-point row per label.
const RAW: usize = memory.data<f64>([
  5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5,
  5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5,
  5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5,
  5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5,
  5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5,
  5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5,
  5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5,
  5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5,
  5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5,
  5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5,
]);

const TX: usize = memory.data(CLASSES * TEMPLATE_POINTS * 8, 16); // normalised templates
const TT: usize = memory.data(TEMPLATE_POINTS * 8, 16); // template time axis
const SQ: usize = memory.data(TEMPLATE_POINTS * 8, 16); // scratch for squared deviations

/** Normalise the templates as the reference does; returns the address of the 10x12 rows. */
export function templatesX(): usize {
  const n = TEMPLATE_POINTS;
  for (let r = 0; r < CLASSES; r++) {
    const row = TX + (<usize>(r * n) << 3);
    memory.copy(row, RAW + (<usize>(r * n) << 3), <usize>n << 3);
    const mean = pairwiseSum(row, n, 8) / <f64>n;
    for (let i = 0; i < n; i++) store<f64>(row + (<usize>i << 3), load<f64>(row + (<usize>i << 3)) - mean);
    // np.std recomputes the mean of the (already centred) row.
    const mean2 = pairwiseSum(row, n, 8) / <f64>n;
    for (let i = 0; i < n; i++) {
      const d = load<f64>(row + (<usize>i << 3)) - mean2;
      store<f64>(SQ + (<usize>i << 3), d * d);
    }
    const std = Math.sqrt(pairwiseSum(SQ, n, 8) / <f64>n);
    for (let i = 0; i < n; i++) store<f64>(row + (<usize>i << 3), load<f64>(row + (<usize>i << 3)) / std);
    const first = load<f64>(row);
    for (let i = 0; i < n; i++) store<f64>(row + (<usize>i << 3), (load<f64>(row + (<usize>i << 3)) - first) / 6.0);
  }
  return TX;
}

/** The template time axis linspace(-5, 5, 12) / 6. */
export function templatesT(): usize {
  linspace(TT, -5.0, 5.0, TEMPLATE_POINTS);
  for (let i = 0; i < TEMPLATE_POINTS; i++) store<f64>(TT + (<usize>i << 3), load<f64>(TT + (<usize>i << 3)) / 6.0);
  return TT;
}

// Arguments and scratch buffers of the current dataset, set by `begin`.
let padLow: i32 = 0;
let padHigh: i32 = 0;
let len: i32 = 0; // L = template_len + padding high
let finalLen: i32 = 0;
let scaleCoeff: f64 = 0;
let maxTranslation: i32 = 1;
let corrScale: f64 = 0;
let iidScale: f64 = 0;
let shearScale: f64 = 0;
let padded: usize = 0; // template + padding, up to 12 + padHigh
let xpPad: usize = 0; // linspace(0, 1, 12 + p)
let qL: usize = 0; // linspace(0, 1, L)
let qF: usize = 0; // linspace(0, 1, F)
let shearLine: usize = 0; // linspace(-0.5, 0.5, L)
let row: usize = 0;
let rowB: usize = 0;
let noise: usize = 0; // 2L normals: correlated, then iid
let ext: usize = 0;
let planF: usize = 0; // interp plan from the L-point axis to the final length
// The stretched (padded and interpolated) template of every (label, padding) pair, L doubles each,
// computed once by `begin` when it fits the caller's limit; 0 means each example stretches its own.
let stretched: usize = 0;

function f64s(n: i32): usize {
  return arenaAlloc(<usize>n << 3);
}

// Steps 1-2 of the transform (they depend only on the label and the padding): pad the template
// with 1e-8 and p zeros, then interpolate it to L points, into dst.
function stretchTemplate(dst: usize, label: i32, p: i32): void {
  const n = TEMPLATE_POINTS + p;
  const tmpl = TX + (<usize>(label * TEMPLATE_POINTS) << 3);
  for (let i = 0; i < TEMPLATE_POINTS; i++) store<f64>(padded + (<usize>i << 3), load<f64>(tmpl + (<usize>i << 3)) + 1e-8);
  memory.fill(padded + (<usize>TEMPLATE_POINTS << 3), 0, <usize>p << 3);
  linspace(xpPad, 0.0, 1.0, n);
  interpSorted(dst, qL, len, xpPad, padded, n);
}

/**
 * Seed the generator, fix the arguments and lay out scratch; stretched templates are tabled when
 * they take at most `maxTableBytes`. Returns 0 if memory ran out.
 */
export function begin(
  seed: u32, templateLen: i32, low: i32, high: i32, scale: f64, maxTrans: i32,
  corr: f64, iid: f64, shear: f64, finalSeqLen: i32, maxTableBytes: f64,
): i32 {
  rngSeed(seed);
  templatesX();
  templatesT();
  padLow = low;
  padHigh = high;
  len = templateLen + high;
  finalLen = finalSeqLen;
  scaleCoeff = scale;
  maxTranslation = maxTrans;
  corrScale = corr;
  iidScale = iid;
  shearScale = shear;
  padded = f64s(TEMPLATE_POINTS + high);
  xpPad = f64s(TEMPLATE_POINTS + high);
  qL = f64s(len);
  qF = f64s(finalSeqLen);
  shearLine = f64s(len);
  row = f64s(len);
  rowB = f64s(len);
  noise = f64s(2 * len);
  ext = f64s(len + 16);
  planF = arenaAlloc(<usize>finalSeqLen * 20);
  if (planF == 0) return 0;
  linspace(qL, 0.0, 1.0, len);
  linspace(qF, 0.0, 1.0, finalSeqLen);
  linspace(shearLine, -0.5, 0.5, len);
  interpPlan(planF, qF, finalSeqLen, qL, len);
  stretched = 0;
  const range = high - low + 1;
  const tableBytes = <f64>CLASSES * <f64>range * <f64>len * 8.0;
  if (tableBytes <= maxTableBytes) {
    stretched = arenaAlloc(<usize>tableBytes);
    if (stretched == 0) return 0;
    for (let label = 0; label < CLASSES; label++) {
      for (let p = low; p <= high; p++) {
        stretchTemplate(stretched + (<usize>((label * range + p - low) * len) << 3), label, p);
      }
    }
  }
  return 1;
}

// dst[i] = src[i] * s for n doubles, two lanes at a time (each lane the same single multiply;
// dst may be src).
function scaleInto(dst: usize, src: usize, n: i32, s: f64): void {
  const sv = v128.splat<f64>(s);
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(dst + (<usize>i << 3), f64x2.mul(v128.load(src + (<usize>i << 3)), sv));
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), load<f64>(src + (<usize>i << 3)) * s);
}

/** Transform the template of `label` into one example of finalLen doubles at `dst`. */
export function transform(dst: usize, label: i32): void {
  const L = len;
  // 1-2. pad (template + 1e-8, then p zeros) and stretch to L points: from the table if there is one
  const p = padLow + <i32>(rand() * <f64>(padHigh - padLow + 1));
  let src = rowB;
  if (stretched != 0) src = stretched + (<usize>((label * (padHigh - padLow + 1) + p - padLow) * L) << 3);
  else stretchTemplate(rowB, label, p);
  // 3-4. scale, and translate (roll right by k) while writing into row; numpy's concatenate leaves
  // the signal unrolled for k = 0 or k >= L
  const factor = 1.0 + scaleCoeff * (rand() - 0.5);
  const k = <i32>interval(<u32>(maxTranslation - 1));
  if (k > 0 && k < L) {
    scaleInto(row, src + (<usize>(L - k) << 3), k, factor);
    scaleInto(row + (<usize>k << 3), src, L - k, factor);
  } else {
    scaleInto(row, src, L, factor);
  }
  // 5-8. correlated noise (Gaussian-filtered normals) where the signal is exactly zero, iid noise
  // and shear, drawn in the reference's order (all 2L normals, then the shear) and applied in one
  // pass with each element's operations in the reference's order
  randnFill(noise, 2 * L); // L for the correlated noise, then L for the iid noise
  scaleInto(noise, noise, L, corrScale);
  gaussianFilter(rowB, noise, L, ext);
  const iid = noise + (<usize>L << 3);
  const s = shearScale * (rand() - 0.5);
  const zero = f64x2.splat(0.0);
  const iv = v128.splat<f64>(iidScale);
  const sv = v128.splat<f64>(s);
  let i = 0;
  for (; i + 2 <= L; i += 2) {
    const o = <usize>i << 3;
    let v = v128.load(row + o);
    v = v128.bitselect(v128.load(rowB + o), v, f64x2.eq(v, zero));
    v = f64x2.add(v, f64x2.mul(iv, v128.load(iid + o)));
    v128.store(row + o, f64x2.sub(v, f64x2.mul(sv, v128.load(shearLine + o))));
  }
  for (; i < L; i++) {
    const o = <usize>i << 3;
    let v = load<f64>(row + o);
    if (v == 0.0) v = load<f64>(rowB + o);
    v += iidScale * load<f64>(iid + o);
    store<f64>(row + o, v - s * load<f64>(shearLine + o));
  }
  // 9. shrink to the final length
  interpApply(dst, planF, finalLen, row);
}

/** Generate examples [first, first + count) of the class-major sequence into `dst` (rows of finalLen). */
export function transformRange(dst: usize, first: i32, count: i32, perClass: i32): void {
  for (let i = 0; i < count; i++) {
    transform(dst + (<usize>i * <usize>finalLen << 3), (first + i) / perClass);
  }
}

/** The time axis every example shares: the templates' t stretched to L, then shrunk to finalLen. */
export function timeAxis(dst: usize): void {
  const xp = f64s(TEMPLATE_POINTS);
  linspace(xp, 0.0, 1.0, TEMPLATE_POINTS);
  const stretched = f64s(len);
  interpSorted(stretched, qL, len, xp, TT, TEMPLATE_POINTS);
  interpSorted(dst, qF, finalLen, qL, stretched, len);
}

/** Draw the example permutation (numpy's permutation(n)) into `dst` (i32). */
export function drawPermutation(dst: usize, n: i32): void {
  permutation(dst, n);
}

/**
 * Reorder rows in place so that row i becomes old row perm[i], following cycles with `visited`
 * (n bytes) and one spare row `tmp`; then, if colPerm != 0, reorder each row's columns likewise.
 */
export function applyPermutation(data: usize, n: i32, cols: i32, perm: usize, visited: usize, tmp: usize, colPerm: usize): void {
  const rowBytes = <usize>cols << 3;
  memory.fill(visited, 0, <usize>n);
  for (let start = 0; start < n; start++) {
    if (load<u8>(visited + <usize>start)) continue;
    memory.copy(tmp, data + <usize>start * rowBytes, rowBytes);
    let j = start;
    while (true) {
      store<u8>(visited + <usize>j, 1);
      const k = load<i32>(perm + (<usize>j << 2));
      if (k == start) {
        memory.copy(data + <usize>j * rowBytes, tmp, rowBytes);
        break;
      }
      memory.copy(data + <usize>j * rowBytes, data + <usize>k * rowBytes, rowBytes);
      j = k;
    }
  }
  if (colPerm == 0) return;
  for (let r = 0; r < n; r++) {
    const base = data + <usize>r * rowBytes;
    memory.copy(tmp, base, rowBytes);
    for (let c = 0; c < cols; c++) {
      store<f64>(base + (<usize>c << 3), load<f64>(tmp + (<usize>load<i32>(colPerm + (<usize>c << 2)) << 3)));
    }
  }
}

/** Whole-array mean and std as np.mean / np.std compute them; written to out[0], out[1]. */
export function arrayMeanStd(data: usize, rows: i32, cols: i32, colMajor: bool, out: usize): void {
  const n = <f64>(rows * cols);
  const mean = arraySum(data, rows, cols, colMajor, false, 0) / n;
  store<f64>(out, mean);
  store<f64>(out, Math.sqrt(arraySum(data, rows, cols, colMajor, true, mean) / n), 8);
}

/** x = (x - mean) / std over n doubles (lane-wise, the same two operations per element). */
export function normalise(data: usize, n: i32, mean: f64, std: f64): void {
  let i = 0;
  const m = v128.splat<f64>(mean);
  const s = v128.splat<f64>(std);
  for (; i + 2 <= n; i += 2) {
    const p = data + (<usize>i << 3);
    v128.store(p, f64x2.div(f64x2.sub(v128.load(p), m), s));
  }
  for (; i < n; i++) {
    const p = data + (<usize>i << 3);
    store<f64>(p, (load<f64>(p) - mean) / std);
  }
}
