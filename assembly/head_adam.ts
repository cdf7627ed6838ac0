// Full-batch Adam on a linear head over fixed features, with every step of a run inside one call:
// logits, softmax, residuals, the gradient, an L2 pull towards an anchor, the Adam update and, for
// Group DRO, the online group weights. AFR and last-layer Group DRO take a few hundred such steps per
// grid point; one call per step (and the copies of the head in and out) cost more than the step.
//
// The products X W and X^T R run in float32, four lanes at a time with separate multiply and add
// (no FMA), so every runtime gets the same bits; the head, its Adam state and the group weights stay
// float64 (each step rounds the head to float32 for the products). exp is metrics' 4-lane polynomial;
// the group losses use this module's Math.log and Math.exp.
//
// Layout. X is n rows of dp = ceil4(d) floats (columns d..dp-1 zero), or compressed (see the sparse
// kernels below). kp = ceil4(k). The float32 work block holds W32 (dp x kp), b32 (kp), G (dp x kp),
// gb (kp) and Z (n x kp: logits, then residuals). `params` (float64) holds theta, m and v, each
// d*k + k values (W row-major, then b); the anchor has the same layout. `scalars` (float64): lambda,
// learning rate, beta1^t, beta2^t, eta. `groupState` (float64): q, count and summed loss per group.
import { exp4 } from "./metrics";

// @ts-ignore: decorator
@inline function ceil4(v: i32): i32 {
  return (v + 3) & ~3;
}

const NEG_INF: v128 = f32x4.splat(-Infinity);

// Three vectors (a 12-float slice of a row) at p.
// @ts-ignore: decorator
@inline function store3(p: usize, v0: v128, v1: v128, v2: v128): void {
  v128.store(p, v0);
  v128.store(p, v1, 16);
  v128.store(p, v2, 32);
}

/** Float32 values in a run's work block (the facade allocates this many). */
export function headWorkFloats(n: i32, d: i32, k: i32): i32 {
  const dp = ceil4(d);
  const kp = ceil4(k);
  return 2 * (dp * kp + kp) + n * kp;
}

// Z = X W + b on columns c..c+11 (three vectors), four rows at a time.
function forward3(x: usize, n: i32, dp: i32, kp: i32, W: usize, b: usize, Z: usize, c: i32): void {
  const rowBytes = <usize>dp << 2;
  const zBytes = <usize>kp << 2;
  const co = <usize>c << 2;
  const b0 = v128.load(b + co);
  const b1 = v128.load(b + co, 16);
  const b2 = v128.load(b + co, 32);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = x + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let a00 = b0, a01 = b1, a02 = b2, a10 = b0, a11 = b1, a12 = b2;
    let a20 = b0, a21 = b1, a22 = b2, a30 = b0, a31 = b1, a32 = b2;
    for (let j = 0; j < dp; j++) {
      const wr = W + ((<usize>j * <usize>kp) << 2) + co;
      const w0 = v128.load(wr);
      const w1 = v128.load(wr, 16);
      const w2 = v128.load(wr, 32);
      const jo = <usize>j << 2;
      let s = v128.load32_splat(r0 + jo);
      a00 = f32x4.add(a00, f32x4.mul(s, w0));
      a01 = f32x4.add(a01, f32x4.mul(s, w1));
      a02 = f32x4.add(a02, f32x4.mul(s, w2));
      s = v128.load32_splat(r1 + jo);
      a10 = f32x4.add(a10, f32x4.mul(s, w0));
      a11 = f32x4.add(a11, f32x4.mul(s, w1));
      a12 = f32x4.add(a12, f32x4.mul(s, w2));
      s = v128.load32_splat(r2 + jo);
      a20 = f32x4.add(a20, f32x4.mul(s, w0));
      a21 = f32x4.add(a21, f32x4.mul(s, w1));
      a22 = f32x4.add(a22, f32x4.mul(s, w2));
      s = v128.load32_splat(r3 + jo);
      a30 = f32x4.add(a30, f32x4.mul(s, w0));
      a31 = f32x4.add(a31, f32x4.mul(s, w1));
      a32 = f32x4.add(a32, f32x4.mul(s, w2));
    }
    const z0 = Z + <usize>i * zBytes + co;
    store3(z0, a00, a01, a02);
    const z1 = z0 + zBytes;
    store3(z1, a10, a11, a12);
    const z2 = z1 + zBytes;
    store3(z2, a20, a21, a22);
    const z3 = z2 + zBytes;
    store3(z3, a30, a31, a32);
  }
  for (; i < n; i++) {
    const r0 = x + <usize>i * rowBytes;
    let a00 = b0, a01 = b1, a02 = b2;
    for (let j = 0; j < dp; j++) {
      const wr = W + ((<usize>j * <usize>kp) << 2) + co;
      const s = v128.load32_splat(r0 + (<usize>j << 2));
      a00 = f32x4.add(a00, f32x4.mul(s, v128.load(wr)));
      a01 = f32x4.add(a01, f32x4.mul(s, v128.load(wr, 16)));
      a02 = f32x4.add(a02, f32x4.mul(s, v128.load(wr, 32)));
    }
    const z0 = Z + <usize>i * zBytes + co;
    store3(z0, a00, a01, a02);
  }
}

// Z = X W + b on columns c..c+3 (one vector), one row at a time.
function forward1(x: usize, n: i32, dp: i32, kp: i32, W: usize, b: usize, Z: usize, c: i32): void {
  const rowBytes = <usize>dp << 2;
  const co = <usize>c << 2;
  for (let i = 0; i < n; i++) {
    const r0 = x + <usize>i * rowBytes;
    let a = v128.load(b + co);
    for (let j = 0; j < dp; j++) {
      const s = v128.load32_splat(r0 + (<usize>j << 2));
      a = f32x4.add(a, f32x4.mul(s, v128.load(W + ((<usize>j * <usize>kp) << 2) + co)));
    }
    v128.store(Z + ((<usize>i * <usize>kp) << 2) + co, a);
  }
}

// Z (n x kp) = X W + b.
function forward(x: usize, n: i32, dp: i32, kp: i32, W: usize, b: usize, Z: usize): void {
  let c = 0;
  for (; c + 12 <= kp; c += 12) forward3(x, n, dp, kp, W, b, Z, c);
  for (; c < kp; c += 4) forward1(x, n, dp, kp, W, b, Z, c);
}

// G rows j..j+3, columns c..c+11 = sum_i X[i, j..j+3]^T R[i, c..c+11], over all rows.
function backward3(x: usize, n: i32, dp: i32, kp: i32, R: usize, G: usize, j: i32, c: i32): void {
  const rowBytes = <usize>dp << 2;
  const zBytes = <usize>kp << 2;
  const co = <usize>c << 2;
  const zero = f32x4.splat(0);
  let a00 = zero, a01 = zero, a02 = zero, a10 = zero, a11 = zero, a12 = zero;
  let a20 = zero, a21 = zero, a22 = zero, a30 = zero, a31 = zero, a32 = zero;
  let xr = x + (<usize>j << 2);
  let rr = R + co;
  for (let i = 0; i < n; i++) {
    const r0 = v128.load(rr);
    const r1 = v128.load(rr, 16);
    const r2 = v128.load(rr, 32);
    let s = v128.load32_splat(xr);
    a00 = f32x4.add(a00, f32x4.mul(s, r0));
    a01 = f32x4.add(a01, f32x4.mul(s, r1));
    a02 = f32x4.add(a02, f32x4.mul(s, r2));
    s = v128.load32_splat(xr, 4);
    a10 = f32x4.add(a10, f32x4.mul(s, r0));
    a11 = f32x4.add(a11, f32x4.mul(s, r1));
    a12 = f32x4.add(a12, f32x4.mul(s, r2));
    s = v128.load32_splat(xr, 8);
    a20 = f32x4.add(a20, f32x4.mul(s, r0));
    a21 = f32x4.add(a21, f32x4.mul(s, r1));
    a22 = f32x4.add(a22, f32x4.mul(s, r2));
    s = v128.load32_splat(xr, 12);
    a30 = f32x4.add(a30, f32x4.mul(s, r0));
    a31 = f32x4.add(a31, f32x4.mul(s, r1));
    a32 = f32x4.add(a32, f32x4.mul(s, r2));
    xr += rowBytes;
    rr += zBytes;
  }
  const g0 = G + ((<usize>j * <usize>kp) << 2) + co;
  store3(g0, a00, a01, a02);
  const g1 = g0 + zBytes;
  store3(g1, a10, a11, a12);
  const g2 = g1 + zBytes;
  store3(g2, a20, a21, a22);
  const g3 = g2 + zBytes;
  store3(g3, a30, a31, a32);
}

// G rows j..j+3, columns c..c+3, the same one vector at a time.
function backward1(x: usize, n: i32, dp: i32, kp: i32, R: usize, G: usize, j: i32, c: i32): void {
  const rowBytes = <usize>dp << 2;
  const zBytes = <usize>kp << 2;
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  let xr = x + (<usize>j << 2);
  let rr = R + (<usize>c << 2);
  for (let i = 0; i < n; i++) {
    const r = v128.load(rr);
    a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xr), r));
    a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(xr, 4), r));
    a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(xr, 8), r));
    a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(xr, 12), r));
    xr += rowBytes;
    rr += zBytes;
  }
  const g0 = G + ((<usize>j * <usize>kp + <usize>c) << 2);
  v128.store(g0, a0);
  v128.store(g0 + zBytes, a1);
  v128.store(g0 + 2 * zBytes, a2);
  v128.store(g0 + 3 * zBytes, a3);
}

// G (dp x kp) = X^T R.
function backward(x: usize, n: i32, dp: i32, kp: i32, R: usize, G: usize): void {
  for (let j = 0; j < dp; j += 4) {
    let c = 0;
    for (; c + 12 <= kp; c += 12) backward3(x, n, dp, kp, R, G, j, c);
    for (; c < kp; c += 4) backward1(x, n, dp, kp, R, G, j, c);
  }
}

// Sparse features (embeddings after a ReLU are half zeros or more): X as compressed rows for the
// forward product and compressed columns for the backward one, each product then touching only the
// nonzero entries. `sparse` points at six i32 addresses: rowStart (n + 1), colAt, rowValue (the
// rows' entries), colStart (d + 1), rowAt, colValue (the columns' entries). colAt and rowAt hold
// byte offsets (column j: j * kp * 4 into W or G; row i: i * kp * 4 into R), not indices: a
// multiply less per entry makes the products about 1.2x faster. Each output vector has two
// accumulators, over alternate entries, so that consecutive adds do not wait on each other.

// @ts-ignore: decorator
@inline function sparsePart(sparse: usize, i: i32): usize {
  return <usize>load<i32>(sparse + (<usize>i << 2));
}

// Out row r, columns c..c+11 = init[c..c+11] (or 0 when init is 0) + sum over compressed line r's entries v_e
// M[at_e + c..c+11] (at_e a byte offset), for r < lines: X W + b from the rows, X^T R from the columns.
function sparseTimes3(
  start: usize, at: usize, value: usize, lines: i32, kp: i32, M: usize, init: usize, Out: usize, c: i32,
): void {
  const rowBytes = <usize>kp << 2;
  const co = <usize>c << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < lines; r++) {
    let a0 = zero, a1 = zero, a2 = zero, e0 = zero, e1 = zero, e2 = zero;
    if (init != 0) {
      a0 = v128.load(init + co);
      a1 = v128.load(init + co, 16);
      a2 = v128.load(init + co, 32);
    }
    let e = load<i32>(start + (<usize>r << 2));
    const end = load<i32>(start + (<usize>(r + 1) << 2));
    for (; e + 2 <= end; e += 2) {
      const o = <usize>e << 2;
      let mr = M + <usize>load<i32>(at + o) + co;
      let s = v128.load32_splat(value + o);
      a0 = f32x4.add(a0, f32x4.mul(s, v128.load(mr)));
      a1 = f32x4.add(a1, f32x4.mul(s, v128.load(mr, 16)));
      a2 = f32x4.add(a2, f32x4.mul(s, v128.load(mr, 32)));
      mr = M + <usize>load<i32>(at + o, 4) + co;
      s = v128.load32_splat(value + o, 4);
      e0 = f32x4.add(e0, f32x4.mul(s, v128.load(mr)));
      e1 = f32x4.add(e1, f32x4.mul(s, v128.load(mr, 16)));
      e2 = f32x4.add(e2, f32x4.mul(s, v128.load(mr, 32)));
    }
    if (e < end) {
      const o = <usize>e << 2;
      const mr = M + <usize>load<i32>(at + o) + co;
      const s = v128.load32_splat(value + o);
      a0 = f32x4.add(a0, f32x4.mul(s, v128.load(mr)));
      a1 = f32x4.add(a1, f32x4.mul(s, v128.load(mr, 16)));
      a2 = f32x4.add(a2, f32x4.mul(s, v128.load(mr, 32)));
    }
    const out = Out + <usize>r * rowBytes + co;
    store3(out, f32x4.add(a0, e0), f32x4.add(a1, e1), f32x4.add(a2, e2));
  }
}

// The same on columns c..c+3, one vector at a time.
function sparseTimes1(
  start: usize, at: usize, value: usize, lines: i32, kp: i32, M: usize, init: usize, Out: usize, c: i32,
): void {
  const co = <usize>c << 2;
  for (let r = 0; r < lines; r++) {
    let a = init != 0 ? v128.load(init + co) : f32x4.splat(0);
    const end = load<i32>(start + (<usize>(r + 1) << 2));
    for (let e = load<i32>(start + (<usize>r << 2)); e < end; e++) {
      const o = <usize>e << 2;
      const mr = M + <usize>load<i32>(at + o) + co;
      a = f32x4.add(a, f32x4.mul(v128.load32_splat(value + o), v128.load(mr)));
    }
    v128.store(Out + ((<usize>r * <usize>kp) << 2) + co, a);
  }
}

// Z = X W + b, dense (x) or from compressed rows (sparse != 0).
function product(x: usize, sparse: usize, n: i32, dp: i32, kp: i32, W: usize, b: usize, Z: usize): void {
  if (sparse == 0) return forward(x, n, dp, kp, W, b, Z);
  const rowStart = sparsePart(sparse, 0);
  const colAt = sparsePart(sparse, 1);
  const value = sparsePart(sparse, 2);
  let c = 0;
  for (; c + 12 <= kp; c += 12) sparseTimes3(rowStart, colAt, value, n, kp, W, b, Z, c);
  for (; c < kp; c += 4) sparseTimes1(rowStart, colAt, value, n, kp, W, b, Z, c);
}

// G = X^T R, dense or from compressed columns (rows d..dp-1 of G are not written then).
function productT(x: usize, sparse: usize, n: i32, d: i32, dp: i32, kp: i32, R: usize, G: usize): void {
  if (sparse == 0) return backward(x, n, dp, kp, R, G);
  const colStart = sparsePart(sparse, 3);
  const rowAt = sparsePart(sparse, 4);
  const value = sparsePart(sparse, 5);
  let c = 0;
  for (; c + 12 <= kp; c += 12) sparseTimes3(colStart, rowAt, value, d, kp, R, 0, G, c);
  for (; c < kp; c += 4) sparseTimes1(colStart, rowAt, value, d, kp, R, 0, G, c);
}

// Lane q of a row's vector v (lanes 4v..4v+3) is a class when 4v + q < k; other lanes get -infinity.
// @ts-ignore: decorator
@inline function masked(z: v128, v: i32, k: i32): v128 {
  const lane = i32x4.add(i32x4.splat(4 * v), i32x4(0, 1, 2, 3));
  return v128.bitselect(z, NEG_INF, i32x4.lt_s(lane, i32x4.splat(k)));
}

// Each row of Z becomes w_i (softmax(z) - onehot(y)) (float32; lanes past k become 0) with w_i from
// `weights` (float64), summed into gb; or, when weights is 0, the unweighted residual (Group DRO
// weighs the rows once every loss is known). Row i's cross-entropy log(sum) - (z_y - max) goes to
// ce (float64) when ce is not 0.
function residuals(Z: usize, n: i32, k: i32, kp: i32, y: usize, ce: usize, weights: usize, gb: usize): void {
  const vectors = kp >> 2;
  const zBytes = <usize>kp << 2;
  if (weights != 0) memory.fill(gb, 0, zBytes);
  const zero = f32x4.splat(0);
  let g0 = zero, g1 = zero, g2 = zero;
  // Lane indices of the three vectors of a 12-class row, and which of them are classes.
  const lane0 = i32x4(0, 1, 2, 3);
  const lane1 = i32x4(4, 5, 6, 7);
  const lane2 = i32x4(8, 9, 10, 11);
  const ks = i32x4.splat(k);
  const keep0 = i32x4.lt_s(lane0, ks);
  const keep1 = i32x4.lt_s(lane1, ks);
  const keep2 = i32x4.lt_s(lane2, ks);
  for (let i = 0; i < n; i++) {
    const row = Z + <usize>i * zBytes;
    const yi = load<i32>(y + (<usize>i << 2));
    const w: f32 = weights != 0 ? <f32>load<f64>(weights + (<usize>i << 3)) : 1;
    const yp = row + (<usize>yi << 2);
    if (vectors == 3) {
      // Up to 12 classes (MNIST-1D has 10): the row stays in registers, and the label's -w is
      // subtracted in its lane (x - 0 = x in the others), the same bits as a scalar update.
      const v0 = v128.bitselect(v128.load(row), NEG_INF, keep0);
      const v1 = v128.bitselect(v128.load(row, 16), NEG_INF, keep1);
      const v2 = v128.bitselect(v128.load(row, 32), NEG_INF, keep2);
      const mv = f32x4.pmax(f32x4.pmax(v0, v1), v2);
      const m: f32 = max(
        max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
        max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)),
      );
      const ms = f32x4.splat(m);
      const e0 = exp4(f32x4.sub(v0, ms));
      const e1 = exp4(f32x4.sub(v1, ms));
      const e2 = exp4(f32x4.sub(v2, ms));
      const acc = f32x4.add(f32x4.add(e0, e1), e2);
      const sum: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
        (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      if (ce != 0) store<f64>(ce + (<usize>i << 3), Math.log(<f64>sum) - <f64>(load<f32>(yp) - m));
      const scale = f32x4.splat(w / sum);
      const ys = i32x4.splat(yi);
      const wv = f32x4.splat(w);
      const r0 = f32x4.sub(f32x4.mul(e0, scale), v128.and(wv, i32x4.eq(lane0, ys)));
      const r1 = f32x4.sub(f32x4.mul(e1, scale), v128.and(wv, i32x4.eq(lane1, ys)));
      const r2 = f32x4.sub(f32x4.mul(e2, scale), v128.and(wv, i32x4.eq(lane2, ys)));
      store3(row, r0, r1, r2);
      if (weights != 0) {
        g0 = f32x4.add(g0, r0);
        g1 = f32x4.add(g1, r1);
        g2 = f32x4.add(g2, r2);
      }
      continue;
    }
    let mv = NEG_INF;
    for (let v = 0; v < vectors; v++) mv = f32x4.pmax(mv, masked(v128.load(row + (<usize>v << 4)), v, k));
    const m: f32 = max(
      max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
      max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)),
    );
    const ms = f32x4.splat(m);
    const zy = load<f32>(yp) - m;
    let acc = zero;
    for (let v = 0; v < vectors; v++) {
      const p = row + (<usize>v << 4);
      const e = exp4(f32x4.sub(masked(v128.load(p), v, k), ms));
      v128.store(p, e);
      acc = f32x4.add(acc, e);
    }
    const sum: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
      (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    if (ce != 0) store<f64>(ce + (<usize>i << 3), Math.log(<f64>sum) - <f64>zy);
    const scale = f32x4.splat(w / sum);
    for (let v = 0; v < vectors; v++) {
      const p = row + (<usize>v << 4);
      v128.store(p, f32x4.mul(v128.load(p), scale));
    }
    store<f32>(yp, load<f32>(yp) - w);
    if (weights != 0) {
      for (let v = 0; v < vectors; v++) {
        const p = gb + (<usize>v << 4);
        v128.store(p, f32x4.add(v128.load(p), v128.load(row + (<usize>v << 4))));
      }
    }
  }
  if (weights != 0 && vectors == 3) {
    store3(gb, g0, g1, g2);
  }
}

// Online Group DRO: mean loss per group from ce, q_g <- q_g exp(eta loss_g) for groups present,
// renormalised (as methods/group_dro.ts updateGroupWeights).
function updateGroups(ce: usize, n: i32, groupOf: usize, numGroups: i32, state: usize, eta: f64): void {
  const q = state;
  const count = state + (<usize>numGroups << 3);
  const loss = count + (<usize>numGroups << 3);
  memory.fill(loss, 0, <usize>numGroups << 3);
  for (let i = 0; i < n; i++) {
    const lp = loss + (<usize>load<i32>(groupOf + (<usize>i << 2)) << 3);
    store<f64>(lp, load<f64>(lp) + load<f64>(ce + (<usize>i << 3)));
  }
  let total = 0.0;
  for (let g = 0; g < numGroups; g++) {
    const qp = q + (<usize>g << 3);
    const c = load<f64>(count + (<usize>g << 3));
    if (c > 0) store<f64>(qp, load<f64>(qp) * Math.exp(eta * (load<f64>(loss + (<usize>g << 3)) / c)));
    total += load<f64>(qp);
  }
  for (let g = 0; g < numGroups; g++) store<f64>(q + (<usize>g << 3), load<f64>(q + (<usize>g << 3)) / total);
}

// Group DRO: scale row i of R by q_g / count_g of its group and sum the rows into gb.
function weightRows(R: usize, n: i32, kp: i32, groupOf: usize, numGroups: i32, state: usize, gb: usize): void {
  const vectors = kp >> 2;
  const zBytes = <usize>kp << 2;
  memory.fill(gb, 0, zBytes);
  const count = state + (<usize>numGroups << 3);
  for (let i = 0; i < n; i++) {
    const g = <usize>load<i32>(groupOf + (<usize>i << 2)) << 3;
    const ws = f32x4.splat(<f32>(load<f64>(state + g) / load<f64>(count + g)));
    const row = R + <usize>i * zBytes;
    for (let v = 0; v < vectors; v++) {
      const p = row + (<usize>v << 4);
      const r = f32x4.mul(v128.load(p), ws);
      v128.store(p, r);
      v128.store(gb + (<usize>v << 4), f32x4.add(v128.load(gb + (<usize>v << 4)), r));
    }
  }
}

// theta (float64: W d x k, then b) rounded into the padded float32 W32 and b32.
function roundHead(theta: usize, d: i32, k: i32, kp: i32, W32: usize, b32: usize): void {
  for (let j = 0; j < d; j++) {
    for (let c = 0; c < k; c++) {
      store<f32>(W32 + (<usize>(j * kp + c) << 2), <f32>load<f64>(theta + (<usize>(j * k + c) << 3)));
    }
  }
  for (let c = 0; c < k; c++) store<f32>(b32 + (<usize>c << 2), <f32>load<f64>(theta + (<usize>(d * k + c) << 3)));
}

/**
 * Run `steps` Adam steps on sum_i w_i CE_i + lambda ||theta - anchor||^2 over rows x (or their
 * compressed form `sparse`, when not 0), as lastlayer/descent.ts: betas 0.9 and 0.999, epsilon
 * 1e-8, powers of beta as running products kept in `scalars`. The
 * weights are `weights` (n float64) or, when groupOf is not 0, q_g / count_g after each step's
 * online update of q with the losses at the step's head. `anchor` 0: no pull. W32 and b32 hold the
 * final head on return.
 */
export function headAdamSteps(
  x: usize, sparse: usize, n: i32, d: i32, k: i32, y: usize, weights: usize, groupOf: usize, numGroups: i32,
  groupState: usize, params: usize, anchor: usize, ce: usize, scalars: usize, work: usize, steps: i32,
): void {
  const dp = ceil4(d);
  const kp = ceil4(k);
  const W32 = work;
  const b32 = W32 + (<usize>(dp * kp) << 2);
  const G = b32 + (<usize>kp << 2);
  const gb = G + (<usize>(dp * kp) << 2);
  const Z = gb + (<usize>kp << 2);
  const size = d * k + k;
  const theta = params;
  const m = theta + (<usize>size << 3);
  const v = m + (<usize>size << 3);
  const lambda = load<f64>(scalars);
  const lr = load<f64>(scalars, 8);
  const eta = load<f64>(scalars, 32);
  let b1t = load<f64>(scalars, 16);
  let b2t = load<f64>(scalars, 24);
  memory.fill(W32, 0, <usize>(dp * kp + kp) << 2); // padding stays zero
  for (let step = 0; step < steps; step++) {
    roundHead(theta, d, k, kp, W32, b32);
    product(x, sparse, n, dp, kp, W32, b32, Z);
    if (groupOf != 0) {
      residuals(Z, n, k, kp, y, ce, 0, gb);
      updateGroups(ce, n, groupOf, numGroups, groupState, eta);
      weightRows(Z, n, kp, groupOf, numGroups, groupState, gb);
    } else {
      residuals(Z, n, k, kp, y, 0, weights, gb);
    }
    productT(x, sparse, n, d, dp, kp, Z, G);
    b1t *= 0.9;
    b2t *= 0.999;
    const c1 = 1 - b1t;
    const c2 = 1 - b2t;
    for (let t = 0; t < size; t++) {
      const isW = t < d * k;
      const gp = isW ? G + (<usize>((t / k) * kp + t % k) << 2) : gb + (<usize>(t - d * k) << 2);
      const o = <usize>t << 3;
      const th = load<f64>(theta + o);
      const pull = anchor != 0 && lambda > 0 ? 2 * lambda * (th - load<f64>(anchor + o)) : 0.0;
      const g = <f64>load<f32>(gp) + pull;
      const mt = 0.9 * load<f64>(m + o) + 0.1 * g;
      const vt = 0.999 * load<f64>(v + o) + 0.001 * g * g;
      store<f64>(m + o, mt);
      store<f64>(v + o, vt);
      store<f64>(theta + o, th - (lr * (mt / c1)) / (Math.sqrt(vt / c2) + 1e-8));
    }
  }
  store<f64>(scalars, b1t, 16);
  store<f64>(scalars, b2t, 24);
  roundHead(theta, d, k, kp, W32, b32);
}

/**
 * Predicted classes (first maximal logit, float32) of n rows of X (padded as the run's X, or
 * compressed in `sparse`) under the head in the work block's W32 and b32; Z holds n x kp floats of
 * scratch, pred n int32.
 */
export function headPredict(
  x: usize, sparse: usize, n: i32, d: i32, k: i32, work: usize, Z: usize, pred: usize,
): void {
  const dp = ceil4(d);
  const kp = ceil4(k);
  product(x, sparse, n, dp, kp, work, work + (<usize>(dp * kp) << 2), Z);
  for (let i = 0; i < n; i++) {
    const row = Z + ((<usize>i * <usize>kp) << 2);
    let best = 0;
    for (let c = 1; c < k; c++) if (load<f32>(row + (<usize>c << 2)) > load<f32>(row + (<usize>best << 2))) best = c;
    store<i32>(pred + (<usize>i << 2), best);
  }
}

/** Nonzero values among the first `count` float32 at x (the facade sizes the compressed arrays with it). */
export function countNonzero(x: usize, count: i32): i32 {
  let nnz = 0;
  for (let i = 0; i < count; i++) if (load<f32>(x + (<usize>i << 2)) != 0) nnz++;
  return nnz;
}

/**
 * Fill the six compressed arrays the `sparse` header points at (see sparseTimes3) from n rows of
 * d float32 at x, for products with kp-float rows: entries by row, then by column, each in
 * ascending order.
 */
export function compressRows(x: usize, n: i32, d: i32, kp: i32, sparse: usize): void {
  const rowStart = sparsePart(sparse, 0);
  const colAt = sparsePart(sparse, 1);
  const rowValue = sparsePart(sparse, 2);
  const colStart = sparsePart(sparse, 3);
  const rowAt = sparsePart(sparse, 4);
  const colValue = sparsePart(sparse, 5);
  const lineBytes = kp << 2;
  memory.fill(colStart, 0, <usize>(d + 1) << 2);
  let e = 0;
  store<i32>(rowStart, 0);
  for (let i = 0; i < n; i++) {
    const row = x + ((<usize>i * <usize>d) << 2);
    for (let j = 0; j < d; j++) {
      const v = load<f32>(row + (<usize>j << 2));
      if (v == 0) continue;
      store<i32>(colAt + (<usize>e << 2), j); // the column's index for now, its offset below
      store<f32>(rowValue + (<usize>e << 2), v);
      e++;
      const cp = colStart + (<usize>(j + 1) << 2);
      store<i32>(cp, load<i32>(cp) + 1);
    }
    store<i32>(rowStart + (<usize>(i + 1) << 2), e);
  }
  for (let j = 0; j < d; j++) {
    const cp = colStart + (<usize>(j + 1) << 2);
    store<i32>(cp, load<i32>(cp) + load<i32>(cp - 4));
  }
  // Columns: walk the rows in order, each entry to its column's next free slot (colStart[j] is
  // used as that cursor, then shifted back).
  for (let i = 0; i < n; i++) {
    const end = load<i32>(rowStart + (<usize>(i + 1) << 2));
    for (let f = load<i32>(rowStart + (<usize>i << 2)); f < end; f++) {
      const j = load<i32>(colAt + (<usize>f << 2));
      const cp = colStart + (<usize>j << 2);
      const slot = load<i32>(cp);
      store<i32>(rowAt + (<usize>slot << 2), i * lineBytes);
      store<f32>(colValue + (<usize>slot << 2), load<f32>(rowValue + (<usize>f << 2)));
      store<i32>(cp, slot + 1);
    }
  }
  for (let j = d; j > 0; j--) store<i32>(colStart + (<usize>j << 2), load<i32>(colStart + (<usize>(j - 1) << 2)));
  store<i32>(colStart, 0);
  for (let f = 0; f < e; f++) store<i32>(colAt + (<usize>f << 2), load<i32>(colAt + (<usize>f << 2)) * lineBytes);
}
