// Single-precision matrix products for the training kernels: C = A B with row-major operands, in
// register tiles of 4 rows x 8 columns (eight f32x4 accumulators), no packing. Every output is the
// sum over p = 0..k-1 of a[i, p] * b[p, j] accumulated in that order with separate multiply and add
// (no fused multiply-add), in the tiles and in the edge loops alike, so results do not depend on the
// runtime or on the shape's tiling.

// @ts-ignore: decorator
@inline function tile4x8(a: usize, b: usize, c: usize, k: i32, lda: usize, ldb: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    const a1 = v128.load32_splat(pa + lda);
    const a2 = v128.load32_splat(pa + 2 * lda);
    const a3 = v128.load32_splat(pa + 3 * lda);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c20 = f32x4.add(c20, f32x4.mul(a2, b0));
    c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    c30 = f32x4.add(c30, f32x4.mul(a3, b0));
    c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    pa += 4;
    pb += ldb;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

// One row by four columns.
// @ts-ignore: decorator
@inline function tile1x4(a: usize, b: usize, c: usize, k: i32, ldb: usize): void {
  let acc = f32x4.splat(0);
  let pb = b;
  for (let p = 0; p < k; p++) {
    acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(a + (<usize>p << 2)), v128.load(pb)));
    pb += ldb;
  }
  v128.store(c, acc);
}

// One output element.
// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, k: i32, ldb: usize): f32 {
  let s: f32 = 0;
  let pb = b;
  for (let p = 0; p < k; p++) {
    s += load<f32>(a + (<usize>p << 2)) * load<f32>(pb);
    pb += ldb;
  }
  return s;
}

/** C[n x m] = A[n x k] B[k x m], all row-major and dense (C must not overlap A or B). */
export function gemm(a: usize, b: usize, c: usize, n: i32, k: i32, m: i32): void {
  const lda = <usize>k << 2;
  const ldb = <usize>m << 2;
  const ldc = ldb;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const ai = a + <usize>i * lda;
    const ci = c + <usize>i * ldc;
    let j = 0;
    for (; j + 8 <= m; j += 8) tile4x8(ai, b + (<usize>j << 2), ci + (<usize>j << 2), k, lda, ldb, ldc);
    for (; j + 4 <= m; j += 4) {
      for (let r = 0; r < 4; r++) tile1x4(ai + <usize>r * lda, b + (<usize>j << 2), ci + <usize>r * ldc + (<usize>j << 2), k, ldb);
    }
    for (; j < m; j++) {
      for (let r = 0; r < 4; r++) store<f32>(ci + <usize>r * ldc + (<usize>j << 2), dot(ai + <usize>r * lda, b + (<usize>j << 2), k, ldb));
    }
  }
  for (; i < n; i++) {
    const ai = a + <usize>i * lda;
    const ci = c + <usize>i * ldc;
    let j = 0;
    for (; j + 4 <= m; j += 4) tile1x4(ai, b + (<usize>j << 2), ci + (<usize>j << 2), k, ldb);
    for (; j < m; j++) store<f32>(ci + (<usize>j << 2), dot(ai, b + (<usize>j << 2), k, ldb));
  }
}

/** dst[cols x rows] = src[rows x cols]^T (float32). */
export function transposeF32(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>(r * cols) << 2);
    for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(s + (<usize>c << 2)));
  }
}
