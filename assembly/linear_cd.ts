// Binary logistic regression by Newton coordinate descent, in the manner of liblinear's newGLMNET
// (Yuan, Ho, Lin 2012): each outer step builds the quadratic model of the loss at w (gradient,
// diagonal weights D), minimises model + penalty by cyclic coordinate descent in a random order
// with shrinking of coordinates that sit at zero, then takes a backtracking line search on the
// true objective. Penalties: L1, min ||w||_1 + sum_i c_i log(1 + exp(-y_i w.x_i)), or L2 with
// 1/2 ||w||^2 in its place. The data are column-major (feature j's n values contiguous); a constant
// column serves as the intercept and is penalised unless `regularizeBias` is 0.
// Stopping: the summed violation of the optimality conditions is at most eps times its value at
// w = 0 (liblinear's rule from a cold start; measured from zero, so a warm start stops at the same
// accuracy as a cold one). Random order from a xorshift seeded by the caller: deterministic.

const NU: f64 = 1e-12; // liblinear's curvature floor
const SIGMA: f64 = 0.01; // sufficient decrease of the line search
const MAX_INNER: i32 = 1000;
const MAX_LINESEARCH: i32 = 20;

let rngState: u32 = 1;

function nextRandom(): u32 {
  let x = rngState;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rngState = x;
  return x;
}

@inline function f64At(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function setF64(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** sum_i a_i b_i over n doubles (two lanes, then the lanes added: a fixed order). */
function dot(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(a + o), v128.load(b + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) s += f64At(a, i) * f64At(b, i);
  return s;
}

/** sum_i a_i b_i c_i over n doubles. */
function dot3(a: usize, b: usize, c: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    acc = f64x2.add(acc, f64x2.mul(f64x2.mul(v128.load(a + o), v128.load(b + o)), v128.load(c + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) s += f64At(a, i) * f64At(b, i) * f64At(c, i);
  return s;
}

/** y += z x over n doubles. */
function axpy(z: f64, x: usize, y: usize, n: i32): void {
  const zs = f64x2.splat(z);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(zs, v128.load(x + o))));
  }
  for (; i < n; i++) setF64(y, i, f64At(y, i) + z * f64At(x, i));
}

/** sum_i a_i b_i c_i over n float32 (n a multiple of 4; four float32 lanes, summed in float64). */
function dot3f(a: usize, b: usize, c: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    acc = f32x4.add(acc, f32x4.mul(f32x4.mul(v128.load(a + o), v128.load(b + o)), v128.load(c + o)));
  }
  return <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) +
    (<f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3));
}

/** y += z x over n float32 (n a multiple of 4). */
function axpyf(z: f32, x: usize, y: usize, n: i32): void {
  const zs = f32x4.splat(z);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(zs, v128.load(x + o))));
  }
}

/** Rows of the float32 copy: n rounded up to a multiple of 4 (the padding is zero). */
export function cdPaddedRows(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Doubles of work memory binaryLogregCD needs (plus dd int32 of index after them). */
export function cdWorkDoubles(n: i32, dd: i32): i32 {
  return 7 * n + 4 * dd;
}

/**
 * Solve one binary problem in place. xt: dd columns of n doubles; xt32: the same in float32, each
 * column cdPaddedRows(n) long, zero-padded (the inner coordinate descent only chooses a direction,
 * so it runs in float32, four lanes; gradients, curvature and the line search stay in float64); yb: n labels +1 / -1; cost: n
 * per-example weights c_i (C times any example weight); w: dd doubles, the start (warm or zero)
 * and the result; work: cdWorkDoubles(n, dd) doubles followed by dd int32; work32: 2 cdPaddedRows(n)
 * float32. out receives 4 doubles:
 * Newton steps, coordinate-descent cycles, and the largest and summed optimality violation at the
 * result. Returns 1 if the stopping rule was met, 0 if maxNewton ran out.
 */
export function binaryLogregCD(
  xt: usize, xt32: usize, n: i32, dd: i32, yb: usize, cost: usize, penalty: i32, regularizeBias: i32,
  w: usize, eps: f64, maxNewton: i32, seed: u32, work: usize, work32: usize, out: usize,
): i32 {
  const n4 = cdPaddedRows(n);
  const D32 = work32;
  const xTd32 = work32 + (<usize>n4 << 2);
  const l1 = penalty == 1;
  rngState = seed == 0 ? 0x9e3779b9 : seed;
  const expWTx = work;
  const expNew = expWTx + (<usize>n << 3);
  const tau = expNew + (<usize>n << 3);
  const D = tau + (<usize>n << 3);
  const xTd = D + (<usize>n << 3);
  const costNeg = xTd + (<usize>n << 3); // c_i where y_i = -1, else 0
  const half = costNeg + (<usize>n << 3); // c_i / 2 (tau at w = 0)
  const Hdiag = half + (<usize>n << 3);
  const Grad = Hdiag + (<usize>dd << 3);
  const wpd = Grad + (<usize>dd << 3);
  const xjneg = wpd + (<usize>dd << 3);
  const index = xjneg + (<usize>dd << 3);
  const biasIndex = regularizeBias != 0 ? -1 : dd - 1;

  for (let i = 0; i < n; i++) {
    const c = f64At(cost, i);
    setF64(costNeg, i, f64At(yb, i) > 0 ? 0.0 : c);
    setF64(half, i, 0.5 * c);
  }
  // Gradient of the loss at zero, and the violation there: the scale of the stopping rule.
  let gnorm0 = 0.0;
  for (let j = 0; j < dd; j++) {
    const col = xt + (<usize>j * <usize>n << 3);
    const xneg = dot(col, costNeg, n);
    setF64(xjneg, j, xneg);
    const g = xneg - dot(col, half, n);
    gnorm0 += l1 && j != biasIndex ? max(0.0, abs(g) - 1) : abs(g);
  }
  if (gnorm0 == 0) gnorm0 = 1;
  // exp(w.x_i) from the start.
  memory.fill(expWTx, 0, <usize>n << 3);
  let wNorm = 0.0;
  for (let j = 0; j < dd; j++) {
    const wj = f64At(w, j);
    if (j != biasIndex) wNorm += l1 ? abs(wj) : 0.5 * wj * wj;
    if (wj != 0) axpy(wj, xt + (<usize>j * <usize>n << 3), expWTx, n);
  }
  for (let i = 0; i < n; i++) setF64(expWTx, i, Math.exp(f64At(expWTx, i)));

  let innerEps = 1.0;
  let gmaxOld = Infinity;
  let newton = 0;
  let cycles = 0;
  let converged = 0;
  let gmaxNew = 0.0;
  let gnormNew = 0.0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      const e = f64At(expWTx, i);
      const t = 1 / (1 + e);
      const c = f64At(cost, i);
      setF64(tau, i, c * t);
      setF64(D, i, c * e * t * t);
    }
    gmaxNew = 0;
    gnormNew = 0;
    let active = dd;
    for (let j = 0; j < dd; j++) store<i32>(index + (<usize>j << 2), j);
    for (let s = 0; s < active; s++) {
      const j = load<i32>(index + (<usize>s << 2));
      const col = xt + (<usize>j * <usize>n << 3);
      setF64(Hdiag, j, NU + dot3(col, col, D, n));
      const wj = f64At(w, j);
      const g = f64At(xjneg, j) - dot(col, tau, n) + (l1 || j == biasIndex ? 0.0 : wj);
      setF64(Grad, j, g);
      let violation = 0.0;
      if (!l1 || j == biasIndex) {
        violation = abs(g);
      } else if (wj == 0) {
        const gp = g + 1;
        const gn = g - 1;
        if (gp < 0) violation = -gp;
        else if (gn > 0) violation = gn;
        else if (gp > gmaxOld / n && gn < -gmaxOld / n) {
          // outer shrinking: at zero and well inside the subgradient; left out of this step
          active--;
          const tmp = load<i32>(index + (<usize>active << 2));
          store<i32>(index + (<usize>active << 2), j);
          store<i32>(index + (<usize>s << 2), tmp);
          s--;
          continue;
        }
      } else {
        violation = wj > 0 ? abs(g + 1) : abs(g - 1);
      }
      gmaxNew = max(gmaxNew, violation);
      gnormNew += violation;
    }
    if (gnormNew <= eps * gnorm0) {
      converged = 1;
      break;
    }
    if (newton >= maxNewton) break;

    // Coordinate descent on the quadratic model over the active coordinates.
    memory.copy(wpd, w, <usize>dd << 3);
    memory.fill(D32, 0, <usize>n4 << 2);
    for (let i = 0; i < n; i++) store<f32>(D32 + (<usize>i << 2), <f32>f64At(D, i));
    memory.fill(xTd32, 0, <usize>n4 << 2);
    let qpActive = active;
    let qpGmaxOld = Infinity;
    let iter = 0;
    while (iter < MAX_INNER) {
      let qpGnorm = 0.0;
      let qpGmax = 0.0;
      for (let j = 0; j < qpActive; j++) {
        const r = j + <i32>(nextRandom() % <u32>(qpActive - j));
        const a = load<i32>(index + (<usize>r << 2));
        store<i32>(index + (<usize>r << 2), load<i32>(index + (<usize>j << 2)));
        store<i32>(index + (<usize>j << 2), a);
      }
      for (let s = 0; s < qpActive; s++) {
        const j = load<i32>(index + (<usize>s << 2));
        const col32 = xt32 + (<usize>j * <usize>n4 << 2);
        const pj = f64At(wpd, j);
        let H = f64At(Hdiag, j);
        let G = f64At(Grad, j) + (pj - f64At(w, j)) * NU + dot3f(col32, D32, xTd32, n4);
        let z = 0.0;
        let violation = 0.0;
        if (!l1 || j == biasIndex) {
          if (!l1 && j != biasIndex) {
            // L2: the penalty's own curvature and gradient change, (pj - wj)
            G += pj - f64At(w, j);
            H += 1;
          }
          violation = abs(G);
          z = -G / H;
        } else {
          const gp = G + 1;
          const gn = G - 1;
          if (pj == 0) {
            if (gp < 0) violation = -gp;
            else if (gn > 0) violation = gn;
            else if (gp > qpGmaxOld / n && gn < -qpGmaxOld / n) {
              qpActive--;
              const tmp = load<i32>(index + (<usize>qpActive << 2));
              store<i32>(index + (<usize>qpActive << 2), j);
              store<i32>(index + (<usize>s << 2), tmp);
              s--;
              continue;
            }
          } else {
            violation = pj > 0 ? abs(gp) : abs(gn);
          }
          if (gp < H * pj) z = -gp / H;
          else if (gn > H * pj) z = -gn / H;
          else z = -pj;
        }
        qpGmax = max(qpGmax, violation);
        qpGnorm += violation;
        if (abs(z) < 1.0e-12) continue;
        z = min(max(z, -10.0), 10.0);
        setF64(wpd, j, pj + z);
        axpyf(<f32>z, col32, xTd32, n4);
      }
      iter++;
      if (qpGnorm <= innerEps * gnorm0) {
        if (qpActive == active) break;
        qpActive = active; // reactivate the shrunk coordinates and check them once more
        qpGmaxOld = Infinity;
        continue;
      }
      qpGmaxOld = qpGmax;
    }
    cycles += iter;
    // xTd = X (wpd - w) in float64, from the coordinates that moved.
    memory.fill(xTd, 0, <usize>n << 3);
    for (let j = 0; j < dd; j++) {
      const step = f64At(wpd, j) - f64At(w, j);
      if (step != 0) axpy(step, xt + (<usize>j * <usize>n << 3), xTd, n);
    }

    // Line search on the true objective along wpd - w.
    let delta = 0.0;
    let wNormNew = 0.0;
    for (let j = 0; j < dd; j++) {
      const pj = f64At(wpd, j);
      delta += f64At(Grad, j) * (pj - f64At(w, j));
      if (j != biasIndex) wNormNew += l1 ? abs(pj) : 0.5 * pj * pj;
    }
    if (!l1) {
      // Grad held the penalty's gradient w_j; the change of 1/2 ||w||^2 enters through wNorm
      for (let j = 0; j < dd; j++) {
        if (j != biasIndex) delta -= f64At(w, j) * (f64At(wpd, j) - f64At(w, j));
      }
    }
    delta += wNormNew - wNorm;
    let negsum = dot(costNeg, xTd, n);
    let accepted = false;
    let searches = 0;
    for (; searches < MAX_LINESEARCH; searches++) {
      let cond = wNormNew - wNorm + negsum - SIGMA * delta;
      for (let i = 0; i < n; i++) {
        const ex = Math.exp(f64At(xTd, i));
        const en = f64At(expWTx, i) * ex;
        setF64(expNew, i, en);
        cond += f64At(cost, i) * Math.log((1 + en) / (ex + en));
      }
      if (cond <= 0) {
        accepted = true;
        break;
      }
      wNormNew = 0;
      for (let j = 0; j < dd; j++) {
        const pj = 0.5 * (f64At(w, j) + f64At(wpd, j));
        setF64(wpd, j, pj);
        if (j != biasIndex) wNormNew += l1 ? abs(pj) : 0.5 * pj * pj;
      }
      delta *= 0.5;
      negsum *= 0.5;
      for (let i = 0; i < n; i++) setF64(xTd, i, 0.5 * f64At(xTd, i));
    }
    if (accepted) {
      memory.copy(w, wpd, <usize>dd << 3);
      memory.copy(expWTx, expNew, <usize>n << 3);
      wNorm = wNormNew;
    } else {
      // Too many halvings: recompute exp(w.x) from w itself to shed accumulated rounding.
      memory.fill(expWTx, 0, <usize>n << 3);
      for (let j = 0; j < dd; j++) {
        const wj = f64At(w, j);
        if (wj != 0) axpy(wj, xt + (<usize>j * <usize>n << 3), expWTx, n);
      }
      for (let i = 0; i < n; i++) setF64(expWTx, i, Math.exp(f64At(expWTx, i)));
    }
    if (iter == 1) innerEps *= 0.25;
    newton++;
    gmaxOld = gmaxNew;
  }
  setF64(out, 0, <f64>newton);
  setF64(out, 1, <f64>cycles);
  setF64(out, 2, gmaxNew);
  setF64(out, 3, gnormNew);
  return converged;
}
