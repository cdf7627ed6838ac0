// The linear probe: standardised ERM embeddings of the whole held-out set, one L1 logistic
// regression at a fixed C (one-vs-rest, the published DFR's solver; `multinomial=1` for the
// multinomial fit). No group labels, no tuning: what a plain retrained last layer recovers.
import { fitL1Logreg } from "../lastlayer/l1_logreg.ts";
import { OvrProblem } from "../lastlayer/linear_cd.ts";
import { LogregProblem } from "../lastlayer/problem.ts";
import { applyScaler, fitScaler } from "../lastlayer/standardize.ts";
import { splitLogits } from "./head_eval.ts";
import { DFR_SCHEMA } from "./dfr.ts";
import type { Method } from "./types.ts";

export const probe: Method = {
  name: "probe",
  summary: "linear probe: L1 logistic regression (C = 1) on the whole held-out set's standardised embeddings",
  groupLabels: "none",
  defaults: { C: 1, multinomial: 0 },
  schema: { C: DFR_SCHEMA.C, multinomial: { min: 0, max: 1, integer: true } },
  run(ctx, params) {
    const d = ctx.erm.embeddingSize;
    const C = Number(params.C ?? 1);
    const scaler = fitScaler(ctx.embeddings("heldout"), d);
    const x = applyScaler(ctx.embeddings("heldout"), d, scaler);
    const y = ctx.splits.heldout.y;
    const multinomial = Number(params.multinomial ?? 0) !== 0;
    const fit = multinomial
      ? fitL1Logreg(new LogregProblem(x, y, d, ctx.numClasses), { C, tol: 1e-4, maxIter: 2000 })
      : new OvrProblem(x, y, d, ctx.numClasses).fit({ C });
    return {
      method: "probe",
      selected: { C, multinomial: multinomial ? 1 : 0 },
      diagnostics: { solverIterations: fit.iterations, converged: fit.converged },
      logits: { val: splitLogits(ctx, "val", fit, scaler), test: splitLogits(ctx, "test", fit, scaler) },
    };
  },
};
