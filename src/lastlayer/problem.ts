// A last-layer classification problem held in its own WASM instance: fixed features X (n x d),
// labels and optional example weights; evaluates sum_i w_i CE_i and its gradient for any (W, b).
import { instantiateKernelsSync, type Kernels, sharedKernels } from "../wasm/module.ts";

/** A linear head: W is d x k row-major, b has k entries. */
export interface Head {
  readonly W: Float64Array;
  readonly b: Float64Array;
}

/** Weighted multinomial logistic loss over fixed features. */
export class LogregProblem {
  readonly n: number;
  private readonly k: Kernels;
  private readonly ptr: {
    x: number;
    y: number;
    w: number;
    W: number;
    b: number;
    gW: number;
    gb: number;
    per: number;
    scratch: number;
  };

  constructor(x: Float64Array, y: Int32Array, readonly d: number, readonly classes: number, weights?: Float64Array) {
    this.n = y.length;
    if (x.length !== this.n * d) {
      throw new RangeError(`LogregProblem: x has ${x.length} values, expected ${this.n} x ${d}`);
    }
    this.k = instantiateKernelsSync();
    const k = this.k;
    k.reset();
    this.ptr = {
      x: k.put(x),
      y: k.put(y),
      w: k.alloc(this.n * 8),
      W: k.alloc(d * classes * 8),
      b: k.alloc(classes * 8),
      gW: k.alloc(d * classes * 8),
      gb: k.alloc(classes * 8),
      per: k.alloc(this.n * 8),
      scratch: k.alloc(classes * 8),
    };
    this.setWeights(weights);
  }

  /** Replace the example weights (undefined: all 1). */
  setWeights(weights?: Float64Array): void {
    if (weights && weights.length !== this.n) {
      throw new RangeError(`LogregProblem: ${weights.length} weights for ${this.n} examples`);
    }
    this.k.f64(this.ptr.w, this.n).set(weights ?? new Float64Array(this.n).fill(1));
  }

  private load(head: Head): void {
    this.k.f64(this.ptr.W, this.d * this.classes).set(head.W);
    this.k.f64(this.ptr.b, this.classes).set(head.b);
  }

  /** sum_i w_i CE_i at head; fills gW, gb with the gradient when given. */
  lossGrad(head: Head, gW?: Float64Array, gb?: Float64Array): number {
    this.load(head);
    const p = this.ptr;
    const loss = this.k.raw.softmaxLossGrad(
      p.x,
      this.n,
      this.d,
      p.y,
      p.w,
      this.classes,
      p.W,
      p.b,
      gW ? p.gW : 0,
      p.gb,
      0,
      p.scratch,
    );
    if (gW) gW.set(this.k.f64(p.gW, this.d * this.classes));
    if (gb) gb.set(this.k.f64(p.gb, this.classes));
    return loss;
  }

  /** Each example's cross-entropy at head. */
  perExampleLoss(head: Head): Float64Array {
    this.load(head);
    const p = this.ptr;
    this.k.raw.softmaxLossGrad(p.x, this.n, this.d, p.y, p.w, this.classes, p.W, p.b, 0, p.gb, p.per, p.scratch);
    return this.k.f64(p.per, this.n).slice();
  }
}

/** Rows per kernel call in headLogits, bounding the shared instance's memory whatever the input size. */
const LOGIT_ROWS = 8192;

/**
 * Logits x W + b for rows of x (n x d), in float32 (what the metrics take): float64 sums in WebAssembly
 * (assembly/head_logits.ts), the bits of headLogitsJs.
 */
export function headLogits(x: Float64Array | Float32Array, d: number, head: Head): Float32Array {
  const k = head.b.length;
  const n = x.length / d;
  const out = new Float32Array(n * k);
  const kern = sharedKernels();
  const f32 = x instanceof Float32Array ? 1 : 0;
  for (let start = 0; start < n; start += LOGIT_ROWS) {
    const rows = Math.min(LOGIT_ROWS, n - start);
    kern.reset();
    const xp = kern.put(x.subarray(start * d, (start + rows) * d));
    const W = kern.put(head.W);
    const b = kern.put(head.b);
    const o = kern.alloc(rows * k * 4);
    kern.raw.headLogitsRows(xp, f32, rows, d, k, W, b, o, kern.alloc((k + 1) * 8));
    out.set(kern.f32(o, rows * k), start * k);
  }
  return out;
}

/** The same in JS (the reference the kernel matches bit for bit). */
export function headLogitsJs(x: Float64Array | Float32Array, d: number, head: Head): Float32Array {
  const k = head.b.length;
  const n = x.length / d;
  const out = new Float32Array(n * k);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    row.set(head.b);
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (v === 0) continue;
      for (let c = 0; c < k; c++) row[c] += v * head.W[j * k + c];
    }
    out.set(row, i * k);
  }
  return out;
}
