// A dense layer's forward and backward passes for the trainer (float32): y = act(x W + b) (+ x),
// and dW = x^T g, db = column sums of g, dx = g W^T (+ dy), where g = dy * relu'(z).
import { gemm, gemmTN, transposeF32 } from "./gemm";
import { addF32, biasActivation, columnSums, reluMask } from "./elementwise";

/**
 * act[n x m] = x[n x k] W[k x m] + b, through max(., 0) when `relu` (max keeps NaN, so a diverging
 * run shows in the loss); y = act + x when `residual` (k == m), else y is not written.
 */
export function denseForward(x: usize, W: usize, b: usize, act: usize, y: usize, n: i32, k: i32, m: i32, relu: bool, residual: bool): void {
  gemm(x, W, act, n, k, m);
  biasActivation(act, b, n, m, relu);
  if (residual) addF32(y, act, x, n * m);
}

/**
 * Gradients of denseForward given dy [n x m] and its act: dW [k x m] and db [m] unless dW is 0, dx
 * [n x k] unless dx is 0. `scratch` holds n*m + max(n, m)*k floats.
 */
export function denseBackward(
  dy: usize, x: usize, W: usize, act: usize, n: i32, k: i32, m: i32, relu: bool, residual: bool,
  dW: usize, db: usize, dx: usize, scratch: usize,
): void {
  let g = dy;
  if (relu) {
    g = scratch;
    reluMask(g, dy, act, n * m);
  }
  const t = scratch + (<usize>(n * m) << 2);
  if (dW != 0) {
    gemmTN(x, g, dW, k, n, m); // x^T g, reading x's rows as columns
    columnSums(db, g, n, m);
  }
  if (dx != 0) {
    transposeF32(t, W, k, m);
    gemm(g, t, dx, n, m, k);
    if (residual) addF32(dx, dx, dy, n * m);
  }
}
