// Logits of a linear head, x W + b, in float64 and rounded to float32: the same operations in the
// same order as lastlayer/problem.ts headLogits did in JS (per row: b, then + x_j W_j for each
// nonzero x_j, each product and sum rounded to float64; two lanes at a time are the same IEEE
// operations), so the bits are those of the JS loop, several times faster.

/**
 * out (n x k float32) = rows of x (n x d, float32 when xF32 is 1, else float64) times W (d x k,
 * float64, row-major) plus b (k float64). `scratch` holds k + 1 doubles.
 */
export function headLogitsRows(
  x: usize, xF32: i32, n: i32, d: i32, k: i32, W: usize, b: usize, out: usize, scratch: usize,
): void {
  const pairs = k & ~1;
  for (let i = 0; i < n; i++) {
    memory.copy(scratch, b, <usize>k << 3);
    const row = <usize>i * <usize>d;
    for (let j = 0; j < d; j++) {
      const xv: f64 = xF32 ? <f64>load<f32>(x + ((row + <usize>j) << 2)) : load<f64>(x + ((row + <usize>j) << 3));
      if (xv == 0) continue;
      const wr = W + (<usize>(j * k) << 3);
      const xs = f64x2.splat(xv);
      let c = 0;
      for (; c < pairs; c += 2) {
        const p = scratch + (<usize>c << 3);
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(xs, v128.load(wr + (<usize>c << 3)))));
      }
      if (c < k) {
        const p = scratch + (<usize>c << 3);
        store<f64>(p, load<f64>(p) + xv * load<f64>(wr + (<usize>c << 3)));
      }
    }
    const o = out + ((<usize>i * <usize>k) << 2);
    for (let c = 0; c < k; c++) store<f32>(o + (<usize>c << 2), <f32>load<f64>(scratch + (<usize>c << 3)));
  }
}
