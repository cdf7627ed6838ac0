// The training loss for the heap module: the same softmax cross-entropy as xent.ts, operation for
// operation, with exp and log imported from the main module (whose table-driven Math.exp and
// Math.log hold static tables, which this module may not), so the bits match the main module's.

// @ts-ignore: decorator
@external("env", "exp") declare function exp64(x: f64): f64;
// @ts-ignore: decorator
@external("env", "log") declare function log64(x: f64): f64;

/**
 * Mean over n rows of w_i * CE_i for float32 logits (n x c) and int32 labels, and its gradient
 * grad_ij = w_i (softmax_ij - [j = y_i]) / n as float32. `weights` may be 0 (all ones);
 * `scratch` holds c doubles. Labels must lie in [0, c).
 */
export function softmaxXentHeap(logits: usize, n: i32, c: i32, labels: usize, weights: usize, grad: usize, scratch: usize): f64 {
  const invN = 1.0 / <f64>n;
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const row = logits + (<usize>(i * c) << 2);
    let m = <f64>load<f32>(row);
    for (let j = 1; j < c; j++) m = max(m, <f64>load<f32>(row + (<usize>j << 2)));
    let sum = 0.0;
    for (let j = 0; j < c; j++) {
      const e = exp64(<f64>load<f32>(row + (<usize>j << 2)) - m);
      store<f64>(scratch + (<usize>j << 3), e);
      sum += e;
    }
    const y = load<i32>(labels + (<usize>i << 2));
    const w = weights == 0 ? 1.0 : <f64>load<f32>(weights + (<usize>i << 2));
    total += w * (log64(sum) - (<f64>load<f32>(row + (<usize>y << 2)) - m));
    const scale = w * invN;
    const inv = 1.0 / sum;
    const out = grad + (<usize>(i * c) << 2);
    for (let j = 0; j < c; j++) {
      const p = load<f64>(scratch + (<usize>j << 3)) * inv;
      store<f32>(out + (<usize>j << 2), <f32>((j == y ? p - 1.0 : p) * scale));
    }
  }
  return total * invN;
}
