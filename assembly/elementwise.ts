// Element-wise steps of the layer kernels, four float32 lanes at a time; the scalar tails perform
// the same IEEE operations, so results do not depend on where the lanes end.

const ZERO = f32x4.splat(0);

/** rows x m values at v: v += b (per column), then max(v, 0) when `relu` (max keeps NaN). */
export function biasActivation(v: usize, b: usize, rows: i32, m: i32, relu: bool): void {
  for (let i = 0; i < rows; i++) {
    const row = v + (<usize>(i * m) << 2);
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const o = <usize>j << 2;
      let s = f32x4.add(v128.load(row + o), v128.load(b + o));
      if (relu) s = f32x4.max(s, ZERO);
      v128.store(row + o, s);
    }
    for (; j < m; j++) {
      const o = <usize>j << 2;
      let s = load<f32>(row + o) + load<f32>(b + o);
      if (relu) s = max<f32>(s, 0);
      store<f32>(row + o, s);
    }
  }
}

/** dst = a + b over n floats (dst may be a or b). */
export function addF32(dst: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/** g = dy where act > 0, else 0 (ReLU's backward pass given its output). */
export function reluMask(g: usize, dy: usize, act: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(g + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(act + o), ZERO)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(g + o, load<f32>(act + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

/** dst[m] = column sums of g [rows x m], adding rows in order. */
export function columnSums(dst: usize, g: usize, rows: i32, m: i32): void {
  memory.fill(dst, 0, <usize>m << 2);
  for (let i = 0; i < rows; i++) addF32(dst, dst, g + (<usize>(i * m) << 2), m);
}
