// L1-penalised multinomial logistic regression: minimise sum_i CE_i + (1 / C) ||W||_1 (intercepts
// unpenalised; the same objective as sklearn's C), by FISTA with backtracking and adaptive
// restart, stopping when the optimality conditions hold to a tolerance.
import { type Head, LogregProblem } from "./problem.ts";

/** Solver settings. */
export interface L1Options {
  C: number;
  /** Stop when every optimality condition is violated by at most tol * n. */
  tol?: number;
  maxIter?: number;
  init?: Head;
}

/** A fitted head and how the solver ended. */
export interface L1Fit extends Head {
  readonly iterations: number;
  /** Largest optimality violation at the solution (see optimalityViolation). */
  readonly violation: number;
  readonly converged: boolean;
}

/**
 * The largest violation of the optimality conditions of sum CE + lambda ||W||_1 at head, given the
 * smooth part's gradient: |g + lambda sign(W)| where W != 0, max(0, |g| - lambda) where W = 0, |g_b|.
 */
export function optimalityViolation(head: Head, gW: Float64Array, gb: Float64Array, lambda: number): number {
  let worst = 0;
  for (let i = 0; i < gW.length; i++) {
    const w = head.W[i];
    const v = w !== 0 ? Math.abs(gW[i] + lambda * Math.sign(w)) : Math.max(0, Math.abs(gW[i]) - lambda);
    if (v > worst) worst = v;
  }
  for (const g of gb) worst = Math.max(worst, Math.abs(g));
  return worst;
}

function softThreshold(v: number, t: number): number {
  return v > t ? v - t : v < -t ? v + t : 0;
}

/** Fit on a problem (weights are the problem's). */
export function fitL1Logreg(problem: LogregProblem, options: L1Options): L1Fit {
  const { d, classes: k, n } = problem;
  const lambda = 1 / options.C;
  const tol = (options.tol ?? 1e-6) * Math.max(1, n);
  const maxIter = options.maxIter ?? 5000;
  let x: Head = options.init
    ? { W: options.init.W.slice(), b: options.init.b.slice() }
    : { W: new Float64Array(d * k), b: new Float64Array(k) };
  let y: Head = { W: x.W.slice(), b: x.b.slice() };
  const gW = new Float64Array(d * k);
  const gb = new Float64Array(k);
  let L = 1;
  let t = 1;
  let fx = problem.lossGrad(x) + lambda * l1(x.W);
  let violation = Infinity;
  let it = 0;
  for (; it < maxIter; it++) {
    const fy = problem.lossGrad(y, gW, gb);
    let next: Head;
    let fNext: number;
    for (;;) {
      next = {
        W: y.W.map((v, i) => softThreshold(v - gW[i] / L, lambda / L)),
        b: y.b.map((v, i) => v - gb[i] / L),
      };
      fNext = problem.lossGrad(next);
      let lin = 0;
      let sq = 0;
      for (let i = 0; i < gW.length; i++) {
        const dlt = next.W[i] - y.W[i];
        lin += gW[i] * dlt;
        sq += dlt * dlt;
      }
      for (let i = 0; i < k; i++) {
        const dlt = next.b[i] - y.b[i];
        lin += gb[i] * dlt;
        sq += dlt * dlt;
      }
      if (fNext <= fy + lin + (L / 2) * sq + 1e-12 * Math.abs(fy)) break;
      L *= 2;
    }
    const objective = fNext + lambda * l1(next.W);
    const tNext = objective > fx ? 1 : (1 + Math.sqrt(1 + 4 * t * t)) / 2; // restart when the objective rises
    const beta = objective > fx ? 0 : (t - 1) / tNext;
    y = {
      W: next.W.map((v, i) => v + beta * (v - x.W[i])),
      b: next.b.map((v, i) => v + beta * (v - x.b[i])),
    };
    x = next;
    fx = Math.min(objective, fx);
    t = tNext;
    L *= 0.95; // let the step grow again
    if (it % 10 === 9) {
      problem.lossGrad(x, gW, gb);
      violation = optimalityViolation(x, gW, gb, lambda);
      if (violation <= tol) break;
    }
  }
  problem.lossGrad(x, gW, gb);
  violation = optimalityViolation(x, gW, gb, lambda);
  return { W: x.W, b: x.b, iterations: it + 1, violation, converged: violation <= tol };
}

function l1(W: Float64Array): number {
  let s = 0;
  for (const v of W) s += Math.abs(v);
  return s;
}
