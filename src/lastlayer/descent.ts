// Full-batch descent on a linear head: minimise sum_i w_i CE_i + lambda ||head - anchor||^2 with
// Adam in float64 (powers of beta as running products, so every runtime gets the same bits). A
// callback sees every step's head and may change the example weights (Group DRO) or keep the head.
import { type Head, LogregProblem } from "./problem.ts";

/** Settings of descend(). */
export interface DescentOptions {
  steps: number;
  learningRate: number;
  /** L2 pull towards `anchor` (AFR's lambda); 0 for none. */
  lambda?: number;
  anchor?: Head;
  /** Called after every step with the step number (1-based) and the head. */
  onStep?: (step: number, head: Head) => void;
  /** Called before every step: new example weights, or undefined to keep them. */
  reweight?: (step: number, head: Head) => Float64Array | undefined;
  /** Fills the loss's gradient at head instead of the problem's own (for reweighting in the same pass). */
  gradient?: (head: Head, gW: Float64Array, gb: Float64Array) => void;
}

/** Run the descent from `init`; returns the final head. */
export function descend(problem: LogregProblem, init: Head, o: DescentOptions): Head {
  const W = init.W.slice();
  const b = init.b.slice();
  const gW = new Float64Array(W.length);
  const gb = new Float64Array(b.length);
  const m = new Float64Array(W.length + b.length);
  const v = new Float64Array(W.length + b.length);
  const lambda = o.lambda ?? 0;
  let b1t = 1;
  let b2t = 1;
  for (let step = 1; step <= o.steps; step++) {
    const head = { W, b };
    const weights = o.reweight?.(step, head);
    if (weights) problem.setWeights(weights);
    if (o.gradient) o.gradient(head, gW, gb);
    else problem.lossGrad(head, gW, gb);
    b1t *= 0.9;
    b2t *= 0.999;
    const update = (i: number, g: number): number => {
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      return (o.learningRate * (m[i] / (1 - b1t))) / (Math.sqrt(v[i] / (1 - b2t)) + 1e-8);
    };
    for (let i = 0; i < W.length; i++) {
      const pull = o.anchor && lambda > 0 ? 2 * lambda * (W[i] - o.anchor.W[i]) : 0;
      W[i] -= update(i, gW[i] + pull);
    }
    for (let i = 0; i < b.length; i++) {
      const pull = o.anchor && lambda > 0 ? 2 * lambda * (b[i] - o.anchor.b[i]) : 0;
      b[i] -= update(W.length + i, gb[i] + pull);
    }
    o.onStep?.(step, { W, b });
  }
  return { W, b };
}
