// Full-batch Adam on a linear head with the whole loop in WebAssembly (assembly/head_adam.ts): the
// objective and update of descent.ts (sum_i w_i CE_i + lambda ||head - anchor||^2), its products in
// float32. One call runs every step up to the next checkpoint, instead of a call and two copies of
// the head per step. The example weights are fixed (AFR) or Group DRO's online group weights,
// updated inside the loop. A second set of rows (the validation split) can be held for predictions
// at the checkpoints, so selecting a step costs no copy of the head or JS product either.
import { instantiateKernelsSync, type Kernels } from "../wasm/module.ts";
import type { Head } from "./problem.ts";

/** Settings of one run from a starting head. */
export interface HeadAdamRun {
  steps: number;
  learningRate: number;
  /** L2 pull towards `anchor` (AFR's lambda); 0 for none. */
  lambda?: number;
  anchor?: Head;
  /** Group DRO's step size for the group weights (after setGroups). */
  eta?: number;
  /** Checkpoints: every `every` steps and after the last one (default: only after the last). */
  every?: number;
  /** Called at each checkpoint with the number of steps taken. */
  onCheck?: (step: number) => void;
}

const ceil4 = (v: number) => (v + 3) & ~3;

/** Rows of `d` values as float32 rows of ceil4(d) (zero padded), the layout the kernel reads. */
function padRows(x: Float32Array | Float64Array, rows: number, d: number): Float32Array {
  const dp = ceil4(d);
  const out = new Float32Array(rows * dp);
  for (let i = 0; i < rows; i++) out.set(x.subarray(i * d, (i + 1) * d), i * dp);
  return out;
}

/** How the kernel reads the features: dense rows, compressed rows and columns, or chosen by the zeros. */
export type FeatureLayout = "dense" | "sparse" | "auto";

/** With "auto", features with at least this share of zeros are read compressed (ReLU embeddings are
 * 57 to 67% zeros, and a step on them takes 0.6 to 0.7 times the dense one; on dense rows the compressed
 * form only adds memory, at no gain in speed). */
const SPARSE_ZEROS = 0.3;

/** Adam on a last-layer problem held in its own WASM instance (see the file comment). */
export class HeadAdam {
  readonly n: number;
  /** Rows held for predictions (0 without evalX). */
  readonly evalRows: number;
  /** Whether the features are read compressed (the layout chosen at construction). */
  readonly sparse: boolean;
  private readonly k: Kernels;
  private readonly size: number;
  private numGroups = 0;
  private readonly ptr: {
    x: number;
    y: number;
    weights: number;
    groupOf: number;
    groupState: number;
    params: number;
    anchor: number;
    ce: number;
    scalars: number;
    work: number;
    evalX: number;
    evalZ: number;
    pred: number;
  };

  constructor(
    x: Float32Array | Float64Array,
    y: Int32Array,
    readonly d: number,
    readonly classes: number,
    evalX?: Float32Array | Float64Array,
    layout: FeatureLayout = "auto",
  ) {
    this.n = y.length;
    if (x.length !== this.n * d) throw new RangeError(`HeadAdam: x has ${x.length} values, expected ${this.n} x ${d}`);
    for (const c of y) {
      if (!(c >= 0 && c < classes)) throw new RangeError(`HeadAdam: label ${c} not in [0, ${classes})`);
    }
    if (evalX && evalX.length % d !== 0) {
      throw new RangeError(`HeadAdam: evalX has ${evalX.length} values, not rows of ${d}`);
    }
    this.evalRows = evalX ? evalX.length / d : 0;
    this.size = d * classes + classes;
    const k = (this.k = instantiateKernelsSync());
    k.reset();
    const kp = ceil4(classes);
    // Each set of rows as the kernel reads it: padded dense rows, or the address of the six
    // compressed arrays' addresses (compressed in the kernel from a float32 copy).
    const raw = (v: Float32Array | Float64Array, rows: number) => {
      const ptr = k.put(v instanceof Float32Array ? v : Float32Array.from(v));
      return { ptr, nnz: k.raw.countNonzero(ptr, rows * d) };
    };
    const train = raw(x, this.n);
    this.sparse = layout === "sparse" || (layout === "auto" && train.nnz <= (1 - SPARSE_ZEROS) * x.length);
    const features = (v: Float32Array | Float64Array, rows: number, r = raw(v, rows)) => {
      if (!this.sparse) return k.put(padRows(v, rows, d));
      // The compressed columns hold each row's byte offset in the kp-float rows of the products.
      if (rows * kp * 4 > 0x7fffffff) throw new RangeError(`HeadAdam: ${rows} rows are too many to compress`);
      const parts = [rows + 1, r.nnz, r.nnz, d + 1, r.nnz, r.nnz].map((count) => k.alloc(count * 4));
      const header = k.put(Int32Array.from(parts));
      k.raw.compressRows(r.ptr, rows, d, kp, header);
      return header;
    };
    this.ptr = {
      x: features(x, this.n, train),
      y: k.put(y),
      weights: k.alloc(this.n * 8),
      groupOf: 0,
      groupState: 0,
      params: k.alloc(3 * this.size * 8),
      anchor: k.alloc(this.size * 8),
      ce: k.alloc(this.n * 8),
      scalars: k.alloc(5 * 8),
      work: k.alloc(k.raw.headWorkFloats(this.n, d, classes) * 4),
      evalX: evalX ? features(evalX, this.evalRows) : 0,
      evalZ: k.alloc(this.evalRows * kp * 4),
      pred: k.alloc(this.evalRows * 4),
    };
    this.setWeights();
  }

  /** Fixed example weights (undefined: all 1); replaces any groups. */
  setWeights(weights?: Float64Array): void {
    if (weights && weights.length !== this.n) throw new RangeError(`HeadAdam: ${weights.length} weights for ${this.n}`);
    this.k.f64(this.ptr.weights, this.n).set(weights ?? new Float64Array(this.n).fill(1));
    this.ptr.groupOf = 0;
  }

  /**
   * Weight by online Group DRO instead: each step, q_g <- q_g exp(eta * mean loss of group g) at the
   * step's head, renormalised, and example i weighs q_g / n_g (q starts uniform over groups present).
   */
  setGroups(groups: Int32Array, numGroups: number): void {
    if (groups.length !== this.n) throw new RangeError(`HeadAdam: ${groups.length} group ids for ${this.n}`);
    for (const g of groups) {
      if (!(g >= 0 && g < numGroups)) throw new RangeError(`HeadAdam: group ${g} not in [0, ${numGroups})`);
    }
    this.numGroups = numGroups;
    this.ptr.groupOf = this.k.put(groups);
    this.ptr.groupState = this.k.alloc(3 * numGroups * 8);
    const count = this.k.f64(this.ptr.groupState + numGroups * 8, numGroups).fill(0);
    for (const g of groups) count[g]++;
  }

  /** Run Adam from `init`; returns the final head. */
  run(init: Head, o: HeadAdamRun): Head {
    const p = this.ptr;
    const { d, classes: kc, size } = this;
    if (init.W.length !== d * kc || init.b.length !== kc) throw new RangeError("HeadAdam: head of the wrong shape");
    const params = this.k.f64(p.params, 3 * size).fill(0);
    params.set(init.W);
    params.set(init.b, d * kc);
    const pull = o.anchor !== undefined && (o.lambda ?? 0) > 0;
    if (pull) {
      const anchor = this.k.f64(p.anchor, size);
      anchor.set(o.anchor!.W);
      anchor.set(o.anchor!.b, d * kc);
    }
    this.k.f64(p.scalars, 5).set([o.lambda ?? 0, o.learningRate, 1, 1, o.eta ?? 0]);
    if (p.groupOf) {
      const g = this.numGroups;
      const q = this.k.f64(p.groupState, g);
      const count = this.k.f64(p.groupState + g * 8, g);
      const present = count.reduce((s, c) => s + (c > 0 ? 1 : 0), 0);
      for (let i = 0; i < g; i++) q[i] = count[i] > 0 ? 1 / present : 0;
    }
    const every = o.every ?? o.steps;
    for (let done = 0; done < o.steps;) {
      const next = Math.min(o.steps, (Math.floor(done / every) + 1) * every);
      this.k.raw.headAdamSteps(
        this.sparse ? 0 : p.x,
        this.sparse ? p.x : 0,
        this.n,
        d,
        kc,
        p.y,
        p.weights,
        p.groupOf,
        this.numGroups,
        p.groupState,
        p.params,
        pull ? p.anchor : 0,
        p.ce,
        p.scalars,
        p.work,
        next - done,
      );
      done = next;
      o.onCheck?.(done);
    }
    return this.head();
  }

  /** The current head (a copy, float64). */
  head(): Head {
    const t = this.k.f64(this.ptr.params, this.size);
    const dk = this.d * this.classes;
    return { W: t.slice(0, dk), b: t.slice(dk) };
  }

  /** Group DRO's current group weights q (a copy). */
  groupWeights(): Float64Array {
    return this.k.f64(this.ptr.groupState, this.numGroups).slice();
  }

  /** Predicted classes of the held evaluation rows under the current head (float32 logits, first maximum). */
  predictEval(): Int32Array {
    const p = this.ptr;
    const [x, sparse] = this.sparse ? [0, p.evalX] : [p.evalX, 0];
    this.k.raw.headPredict(x, sparse, this.evalRows, this.d, this.classes, p.work, p.evalZ, p.pred);
    return this.k.i32(p.pred, this.evalRows).slice();
  }
}
