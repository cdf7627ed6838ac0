// Optimizer updates over float32 parameters, four lanes at a time. Every lane runs the scalar
// code's exact sequence of IEEE float32 operations (no fused multiply-add), so results do not
// depend on the runtime.

/**
 * One Adam step (L2 weight decay added to the gradient, as PyTorch's Adam): m and v are updated in
 * place and p -= stepSize * m / (sqrt(v) * invSqrtC2 + eps), where stepSize = lr / (1 - beta1^t)
 * and invSqrtC2 = 1 / sqrt(1 - beta2^t).
 */
export function adamStep(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  beta1: f32, beta2: f32, eps: f32, wd: f32, stepSize: f32, invSqrtC2: f32,
): void {
  const b1 = f32x4.splat(beta1), nb1 = f32x4.splat(<f32>1 - beta1);
  const b2 = f32x4.splat(beta2), nb2 = f32x4.splat(<f32>1 - beta2);
  const ep = f32x4.splat(eps), wdv = f32x4.splat(wd), ss = f32x4.splat(stepSize), ic = f32x4.splat(invSqrtC2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdv, pv));
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(nb1, gi));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(nb2, f32x4.mul(gi, gi)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), ic), ep);
    v128.store(p + o, f32x4.sub(pv, f32x4.div(f32x4.mul(ss, mv), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    const gi = load<f32>(g + o) + wd * pv;
    const mv = beta1 * load<f32>(m + o) + (<f32>1 - beta1) * gi;
    const vv = beta2 * load<f32>(v + o) + (<f32>1 - beta2) * (gi * gi);
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, pv - (stepSize * mv) / (Mathf.sqrt(vv) * invSqrtC2 + eps));
  }
}

/** One SGD step: with momentum, m = momentum * m + g + wd * p and p -= lr * m; else p -= lr * (g + wd * p). */
export function sgdStep(p: usize, g: usize, m: usize, n: i32, lr: f32, momentum: f32, wd: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    const d = load<f32>(g + o) + wd * pv;
    if (momentum > 0) {
      const mv = momentum * load<f32>(m + o) + d;
      store<f32>(m + o, mv);
      store<f32>(p + o, pv - lr * mv);
    } else {
      store<f32>(p + o, pv - lr * d);
    }
  }
}
