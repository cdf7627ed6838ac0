// A 1-D convolution layer's forward and backward passes for the trainer (float32), as products of
// column matrices: x [n, len, cin] (channels last), W [kw, cin, cout], zero padding `pad` on both
// ends of the length, stride `stride`, output [n, lout, cout].
import { gemm, gemmTN, transposeF32 } from "./gemm";
import { biasActivation, columnSums, reluMask } from "./elementwise";

// Copy or add cin floats (adds in index order).
// @ts-ignore: decorator
@inline function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

// @ts-ignore: decorator
@inline function accumulateF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(dst + (<usize>i << 2)) + load<f32>(src + (<usize>i << 2)));
}

/** cols [n*lout, kw*cin]: row (i, o) holds x[i, o*stride - pad + f, :] for f < kw, zero outside x. */
function im2col(cols: usize, x: usize, n: i32, len: i32, cin: i32, kw: i32, stride: i32, pad: i32, lout: i32): void {
  const rowLen = kw * cin;
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < lout; o++) {
      const row = cols + (<usize>((i * lout + o) * rowLen) << 2);
      for (let f = 0; f < kw; f++) {
        const pos = o * stride - pad + f;
        const dst = row + (<usize>(f * cin) << 2);
        if (pos < 0 || pos >= len) memory.fill(dst, 0, <usize>cin << 2);
        else copyF32(dst, x + (<usize>((i * len + pos) * cin) << 2), cin);
      }
    }
  }
}

/** act [n*lout, cout] = im2col(x) W + b, through max(., 0) when `relu`. `cols` holds n*lout*kw*cin floats. */
export function conv1dForward(
  x: usize, W: usize, b: usize, act: usize, cols: usize,
  n: i32, len: i32, cin: i32, cout: i32, kw: i32, stride: i32, pad: i32, lout: i32, relu: bool,
): void {
  im2col(cols, x, n, len, cin, kw, stride, pad, lout);
  gemm(cols, W, act, n * lout, kw * cin, cout);
  biasActivation(act, b, n * lout, cout, relu);
}

/**
 * Gradients of conv1dForward given dy [n*lout, cout] and its act: dW [kw*cin, cout] and db [cout]
 * unless dW is 0, dx [n, len, cin] unless dx is 0 (column gradients added back to the positions
 * they were read from, in order). `cols` is the forward pass's column matrix of x, or 0 to make it
 * again. `scratch` holds rows*cout + (rows + max(rows, cout))*kw*cin floats, rows = n*lout.
 */
export function conv1dBackward(
  dy: usize, x: usize, W: usize, act: usize,
  n: i32, len: i32, cin: i32, cout: i32, kw: i32, stride: i32, pad: i32, lout: i32, relu: bool,
  dW: usize, db: usize, dx: usize, scratch: usize, cols: usize,
): void {
  const rows = n * lout;
  const k = kw * cin;
  let g = dy;
  if (relu) {
    g = scratch;
    reluMask(g, dy, act, rows * cout);
  }
  const work = scratch + (<usize>(rows * cout) << 2);
  const t = work + (<usize>(rows * k) << 2);
  if (dW != 0) {
    if (cols == 0) {
      cols = work;
      im2col(cols, x, n, len, cin, kw, stride, pad, lout);
    }
    gemmTN(cols, g, dW, k, rows, cout); // cols^T g, reading cols' rows as columns
    columnSums(db, g, rows, cout);
  }
  if (dx != 0) {
    transposeF32(t, W, k, cout);
    gemm(g, t, work, rows, cout, k); // the columns' gradient
    memory.fill(dx, 0, <usize>(n * len * cin) << 2);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < lout; o++) {
        const row = work + (<usize>((i * lout + o) * k) << 2);
        for (let f = 0; f < kw; f++) {
          const pos = o * stride - pad + f;
          if (pos < 0 || pos >= len) continue;
          accumulateF32(dx + (<usize>((i * len + pos) * cin) << 2), row + (<usize>(f * cin) << 2), cin);
        }
      }
    }
  }
}
