// Weighted multinomial logistic regression on fixed features (the last layer of a network):
// loss and gradient in float64, with exp and log from this module so that every runtime computes
// the same bits. Used by the L1 solvers on fixed features (multinomial DFR, the probe) and SELF's descent.

/**
 * sum_i w_i * CE_i for logits z_i = x_i W + b, and its gradient: gW[j, k] = sum_i w_i (p_ik -
 * [y_i = k]) x_ij, gb[k] = sum_i w_i (p_ik - [y_i = k]). X is n x d, W is d x k (row-major),
 * `weights` may be 0 (all ones). `perExample` (n doubles) receives CE_i unless it is 0. `scratch`
 * holds k doubles. gW and gb are skipped (not written) when gW is 0.
 */
export function softmaxLossGrad(
  x: usize, n: i32, d: i32, y: usize, weights: usize, k: i32, W: usize, b: usize,
  gW: usize, gb: usize, perExample: usize, scratch: usize,
): f64 {
  return lossGradRows(x, n, d, y, weights, k, W, b, gW, gb, perExample, scratch);
}

@inline function lossGradRows(
  x: usize, n: i32, d: i32, y: usize, weights: usize, k: i32, W: usize, b: usize,
  gW: usize, gb: usize, perExample: usize, scratch: usize,
): f64 {
  if (gW != 0) {
    memory.fill(gW, 0, <usize>(d * k) << 3);
    memory.fill(gb, 0, <usize>k << 3);
  }
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const row = x + (<usize>i * <usize>d << 3);
    // z = b + x W
    for (let c = 0; c < k; c++) store<f64>(scratch + (<usize>c << 3), load<f64>(b + (<usize>c << 3)));
    for (let j = 0; j < d; j++) {
      const xv = load<f64>(row + (<usize>j << 3));
      if (xv == 0) continue;
      const wr = W + (<usize>(j * k) << 3);
      let c = 0;
      const xs = f64x2.splat(xv);
      for (; c + 2 <= k; c += 2) {
        const p = scratch + (<usize>c << 3);
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(xs, v128.load(wr + (<usize>c << 3)))));
      }
      for (; c < k; c++) {
        const p = scratch + (<usize>c << 3);
        store<f64>(p, load<f64>(p) + xv * load<f64>(wr + (<usize>c << 3)));
      }
    }
    let m = load<f64>(scratch);
    for (let c = 1; c < k; c++) m = max(m, load<f64>(scratch + (<usize>c << 3)));
    let sum = 0.0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(load<f64>(scratch + (<usize>c << 3)) - m);
      store<f64>(scratch + (<usize>c << 3), e);
      sum += e;
    }
    const yi = load<i32>(y + (<usize>i << 2));
    const wi = weights == 0 ? 1.0 : load<f64>(weights + (<usize>i << 3));
    const ce = Math.log(sum) - Math.log(load<f64>(scratch + (<usize>yi << 3)));
    if (perExample != 0) store<f64>(perExample + (<usize>i << 3), ce);
    total += wi * ce;
    if (gW == 0 || wi == 0) continue;
    // residual r_c = w_i (p_c - [c = y_i]), then gW += x_i^T r, gb += r
    for (let c = 0; c < k; c++) {
      const p = scratch + (<usize>c << 3);
      store<f64>(p, wi * (load<f64>(p) / sum - (c == yi ? 1.0 : 0.0)));
      store<f64>(gb + (<usize>c << 3), load<f64>(gb + (<usize>c << 3)) + load<f64>(p));
    }
    for (let j = 0; j < d; j++) {
      const xv = load<f64>(row + (<usize>j << 3));
      if (xv == 0) continue;
      const gr = gW + (<usize>(j * k) << 3);
      const xs = f64x2.splat(xv);
      let c = 0;
      for (; c + 2 <= k; c += 2) {
        const p = gr + (<usize>c << 3);
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(xs, v128.load(scratch + (<usize>c << 3)))));
      }
      for (; c < k; c++) {
        const p = gr + (<usize>c << 3);
        store<f64>(p, load<f64>(p) + xv * load<f64>(scratch + (<usize>c << 3)));
      }
    }
  }
  return total;
}

/** exp as this module computes it (the same bits in every runtime). */
export function wasmExp(x: f64): f64 {
  return Math.exp(x);
}

/** log as this module computes it (the same bits in every runtime). */
export function wasmLog(x: f64): f64 {
  return Math.log(x);
}
