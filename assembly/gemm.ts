// Single-precision matrix products for the training kernels: C = A B, or C = A^T B without
// transposing A, with row-major operands, in register tiles of 4 rows x 8 columns (eight f32x4
// accumulators), no packing. Every output is the sum over p = 0..k-1 of a[i, p] * b[p, j]
// accumulated in that order with separate multiply and add (no fused multiply-add), in the tiles
// and in the edge tiles alike, so results do not depend on the runtime, on the tiling or on whether
// A is read transposed. A's element (i, p) is at a + i * rs + p * ps: rs = 4k, ps = 4 for A [n x k];
// rs = 4, ps = 4n for A^T with A stored [k x n].

// @ts-ignore: decorator
@inline function tile4x8(a: usize, b: usize, c: usize, k: i32, rs: usize, ps: usize, ldb: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    const a1 = v128.load32_splat(pa + rs);
    const a2 = v128.load32_splat(pa + 2 * rs);
    const a3 = v128.load32_splat(pa + 3 * rs);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c20 = f32x4.add(c20, f32x4.mul(a2, b0));
    c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    c30 = f32x4.add(c30, f32x4.mul(a3, b0));
    c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    pa += ps;
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

// Four rows by four columns (independent accumulators, so the adds do not wait on each other).
// @ts-ignore: decorator
@inline function tile4x4(a: usize, b: usize, c: usize, k: i32, rs: usize, ps: usize, ldb: usize, ldc: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(pa), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(pa + rs), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(pa + 2 * rs), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(pa + 3 * rs), b0));
    pa += ps;
    pb += ldb;
  }
  v128.store(c, c0);
  v128.store(c + ldc, c1);
  v128.store(c + 2 * ldc, c2);
  v128.store(c + 3 * ldc, c3);
}

// Four rows by one column, in four scalar accumulators.
// @ts-ignore: decorator
@inline function tile4x1(a: usize, b: usize, c: usize, k: i32, rs: usize, ps: usize, ldb: usize, ldc: usize): void {
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const bv = load<f32>(pb);
    s0 += load<f32>(pa) * bv;
    s1 += load<f32>(pa + rs) * bv;
    s2 += load<f32>(pa + 2 * rs) * bv;
    s3 += load<f32>(pa + 3 * rs) * bv;
    pa += ps;
    pb += ldb;
  }
  store<f32>(c, s0);
  store<f32>(c + ldc, s1);
  store<f32>(c + 2 * ldc, s2);
  store<f32>(c + 3 * ldc, s3);
}

// One row by four columns.
// @ts-ignore: decorator
@inline function tile1x4(a: usize, b: usize, c: usize, k: i32, ps: usize, ldb: usize): void {
  let acc = f32x4.splat(0);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
    pa += ps;
    pb += ldb;
  }
  v128.store(c, acc);
}

// One output element.
// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, k: i32, ps: usize, ldb: usize): f32 {
  let s: f32 = 0;
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    s += load<f32>(pa) * load<f32>(pb);
    pa += ps;
    pb += ldb;
  }
  return s;
}

// C[n x m] = A B with A's element (i, p) at a + i * rs + p * ps (C must not overlap A or B).
// @ts-ignore: decorator
@inline function product(a: usize, b: usize, c: usize, n: i32, k: i32, m: i32, rs: usize, ps: usize): void {
  const ldb = <usize>m << 2;
  const ldc = ldb;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const ai = a + <usize>i * rs;
    const ci = c + <usize>i * ldc;
    let j = 0;
    for (; j + 8 <= m; j += 8) tile4x8(ai, b + (<usize>j << 2), ci + (<usize>j << 2), k, rs, ps, ldb, ldc);
    for (; j + 4 <= m; j += 4) tile4x4(ai, b + (<usize>j << 2), ci + (<usize>j << 2), k, rs, ps, ldb, ldc);
    for (; j < m; j++) tile4x1(ai, b + (<usize>j << 2), ci + (<usize>j << 2), k, rs, ps, ldb, ldc);
  }
  for (; i < n; i++) {
    const ai = a + <usize>i * rs;
    const ci = c + <usize>i * ldc;
    let j = 0;
    for (; j + 4 <= m; j += 4) tile1x4(ai, b + (<usize>j << 2), ci + (<usize>j << 2), k, ps, ldb);
    for (; j < m; j++) store<f32>(ci + (<usize>j << 2), dot(ai, b + (<usize>j << 2), k, ps, ldb));
  }
}

/** C[n x m] = A[n x k] B[k x m], all row-major and dense (C must not overlap A or B). */
export function gemm(a: usize, b: usize, c: usize, n: i32, k: i32, m: i32): void {
  product(a, b, c, n, k, m, <usize>k << 2, 4);
}

/** C[n x m] = A^T B for A stored [k x n] and B [k x m], row-major (C must not overlap A or B). */
export function gemmTN(a: usize, b: usize, c: usize, n: i32, k: i32, m: i32): void {
  product(a, b, c, n, k, m, 4, <usize>n << 2);
}

/** dst[cols x rows] = src[rows x cols]^T (float32). */
export function transposeF32(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>(r * cols) << 2);
    for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(s + (<usize>c << 2)));
  }
}
