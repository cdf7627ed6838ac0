// One-vs-rest logistic regression by Newton coordinate descent (assembly/linear_cd.ts, in the
// manner of liblinear's newGLMNET), with an L1 or L2 penalty. As liblinear (and so sklearn's
// `solver="liblinear"`, which the published DFR uses), each class k gets its own binary problem,
// min pen(w_k) + C sum_i c_i log(1 + exp(-y_ik (w_k.x_i + s b_k))), where the intercept is the
// weight of a constant feature s (intercept_scaling, 1) and is penalised like every other weight
// unless `penalizeIntercept` is false. The problem's data stay in one WASM instance, so a path of
// C values and warm starts cost no copies.
import { instantiateKernelsSync } from "../wasm/module.ts";
import type { Head } from "./problem.ts";

/** The penalties the solver handles. */
export type Penalty = "l1" | "l2";

/** Settings of one fit. */
export interface CdOptions {
  C: number;
  penalty?: Penalty;
  /**
   * Stop when the summed optimality violation is at most eps times its value at zero, with eps = tol
   * min(positives, negatives) / n as liblinear computes it from sklearn's tol (default 1e-4).
   */
  tol?: number;
  maxNewton?: number;
  /** Warm start (a head of the same shape, in the intercept's own units). */
  init?: Head;
  /** liblinear's intercept_scaling: the constant feature's value. */
  interceptScaling?: number;
  /** liblinear penalises the intercept; false leaves it free. */
  penalizeIntercept?: boolean;
}

/** A fitted one-vs-rest head and how the solver ended. */
export interface CdFit extends Head {
  /** Newton steps summed over the classes. */
  readonly iterations: number;
  /** Coordinate-descent cycles summed over the classes. */
  readonly cycles: number;
  /** Every class's binary problem met the stopping rule. */
  readonly converged: boolean;
}

/** A one-vs-rest problem over fixed rows, held in its own WASM instance (reused by load()). */
export class OvrProblem {
  private readonly k = instantiateKernelsSync();
  private x: Float64Array = new Float64Array(0);
  private y: Int32Array = new Int32Array(0);
  private weights?: Float64Array;
  private ptr = { xt: 0, xt32: 0, yb: 0, cost: 0, w: 0, work: 0, work32: 0, out: 0 };
  private scaling = NaN;

  /** x: n x d row-major; y: labels in 0..classes-1; weights: per-example factors of C (default 1). */
  constructor(x: Float64Array, y: Int32Array, readonly d: number, readonly classes: number, weights?: Float64Array) {
    this.load(x, y, weights);
  }

  /** Examples in the problem. */
  get n(): number {
    return this.y.length;
  }

  /** Replace the rows (same d and classes), reusing the instance's memory. */
  load(x: Float64Array, y: Int32Array, weights?: Float64Array): void {
    const n = y.length;
    const d = this.d;
    if (x.length !== n * d) throw new RangeError(`OvrProblem: x has ${x.length} values, expected ${n} x ${d}`);
    if (weights && weights.length !== n) {
      throw new RangeError(`OvrProblem: ${weights.length} weights for ${n} examples`);
    }
    this.x = x;
    this.y = y;
    this.weights = weights;
    const k = this.k;
    k.reset();
    const dd = d + 1;
    const n4 = k.raw.cdPaddedRows(n);
    this.ptr = {
      xt: k.alloc(dd * n * 8),
      xt32: k.alloc(dd * n4 * 4),
      work32: k.alloc(2 * n4 * 4),
      yb: k.alloc(n * 8),
      cost: k.alloc(n * 8),
      w: k.alloc(dd * 8),
      work: k.alloc(k.raw.cdWorkDoubles(n, dd) * 8 + dd * 4),
      out: k.alloc(4 * 8),
    };
    this.scaling = NaN;
    // Column-major copy: coordinate descent walks one feature's values at a time.
    const xt = k.f64(this.ptr.xt, dd * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt[j * n + i] = x[i * d + j];
    const xt32 = k.f32(this.ptr.xt32, dd * n4);
    xt32.fill(0);
    for (let j = 0; j < d; j++) xt32.set(xt.subarray(j * n, j * n + n), j * n4);
  }

  /** Fit every class's binary problem at C. */
  fit(o: CdOptions): CdFit {
    const { n, d, classes } = this;
    const dd = d + 1;
    const s = o.interceptScaling ?? 1;
    const k = this.k;
    if (s !== this.scaling) {
      k.f64(this.ptr.xt + d * n * 8, n).fill(s);
      k.f32(this.ptr.xt32 + d * k.raw.cdPaddedRows(n) * 4, n).fill(s);
      this.scaling = s;
    }
    const cost = k.f64(this.ptr.cost, n);
    for (let i = 0; i < n; i++) cost[i] = o.C * (this.weights ? this.weights[i] : 1);
    const W = new Float64Array(d * classes);
    const b = new Float64Array(classes);
    let iterations = 0;
    let cycles = 0;
    let converged = true;
    for (let c = 0; c < classes; c++) {
      const yb = k.f64(this.ptr.yb, n);
      let positives = 0;
      for (let i = 0; i < n; i++) {
        yb[i] = this.y[i] === c ? 1 : -1;
        if (this.y[i] === c) positives++;
      }
      // As liblinear's train_one: the tolerance shrinks with the smaller side's share of the rows.
      const eps = (o.tol ?? 1e-4) * Math.max(Math.min(positives, n - positives), 1) / n;
      const w = k.f64(this.ptr.w, dd);
      for (let j = 0; j < d; j++) w[j] = o.init ? o.init.W[j * classes + c] : 0;
      w[d] = o.init ? o.init.b[c] / s : 0;
      const ok = k.raw.binaryLogregCD(
        this.ptr.xt,
        this.ptr.xt32,
        n,
        dd,
        this.ptr.yb,
        this.ptr.cost,
        (o.penalty ?? "l1") === "l1" ? 1 : 2,
        o.penalizeIntercept === false ? 0 : 1,
        this.ptr.w,
        eps,
        o.maxNewton ?? 100,
        (0x9e3779b9 ^ Math.imul(c + 1, 0x85ebca6b)) >>> 0,
        this.ptr.work,
        this.ptr.work32,
        this.ptr.out,
      );
      const out = k.f64(this.ptr.out, 4);
      iterations += out[0];
      cycles += out[1];
      converged &&= ok === 1;
      const res = k.f64(this.ptr.w, dd);
      for (let j = 0; j < d; j++) W[j * classes + c] = res[j];
      b[c] = res[d] * s;
    }
    return { W, b, iterations, cycles, converged };
  }

  /**
   * The largest optimality violation of class c's binary problem at head, in liblinear's scale
   * (penalty + C sum loss): L1, |g + sign w| at nonzeros and max(0, |g| - 1) at zeros; L2, |g + w|.
   * Computed in plain TypeScript from the rows, independently of the solver.
   */
  violation(head: Head, c: number, o: CdOptions): number {
    const { n, d, classes } = this;
    const s = o.interceptScaling ?? 1;
    const g = new Float64Array(d + 1);
    for (let i = 0; i < n; i++) {
      const yi = this.y[i] === c ? 1 : -1;
      let z = head.b[c];
      for (let j = 0; j < d; j++) z += this.x[i * d + j] * head.W[j * classes + c];
      // d/dz log(1 + exp(-y z)) = -y / (1 + exp(y z))
      const r = (-yi / (1 + Math.exp(yi * z))) * o.C * (this.weights ? this.weights[i] : 1);
      for (let j = 0; j < d; j++) g[j] += r * this.x[i * d + j];
      g[d] += r * s;
    }
    let worst = 0;
    for (let j = 0; j <= d; j++) {
      const w = j < d ? head.W[j * classes + c] : head.b[c] / s;
      const free = j === d && o.penalizeIntercept === false;
      let v: number;
      if (free) v = Math.abs(g[j]);
      else if ((o.penalty ?? "l1") === "l2") v = Math.abs(g[j] + w);
      else v = w !== 0 ? Math.abs(g[j] + Math.sign(w)) : Math.max(0, Math.abs(g[j]) - 1);
      worst = Math.max(worst, v);
    }
    return worst;
  }
}
