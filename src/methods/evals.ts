// EVaLS, environment-based validation and loss-based sampling (Ghaznavi et al., 2024): per class,
// take the k held-out points of highest ERM loss and the k of lowest, retrain the last layer on
// that balanced set, and choose k and C by the worst accuracy over environments inferred without
// group labels. No group labels anywhere.
// Here: the last layer is DFR's solver (standardised L1 logistic regression); environments are
// inferred per class from ERM's errors on the validation set (right vs wrong, 2 per class), a
// simple stand-in for the paper's environment inference (EIIL). The k grid is ours.
import { type FittedHead, grid, HeadFitter, valTestLogits } from "./balanced_head.ts";
import { ermLogits } from "./context.ts";
import { resolveSelection, selectedResult } from "./select_run.ts";
import type { Candidate } from "./selection.ts";
import { conflictingShare, labelLoss, lossExtremes, softmaxRows } from "./example_scores.ts";
import { DFR_SCHEMA } from "./dfr.ts";
import type { Method } from "./types.ts";

export const evals: Method = {
  name: "evals",
  summary: "EVaLS: last layer on each class's k highest- and k lowest-loss held-out points (no group labels)",
  groupLabels: "none",
  defaults: { k: [10, 25, 50, 100], C: [1, 0.3, 0.1, 0.03] },
  schema: { k: { min: 1, max: 1e6, integer: true, grid: true }, C: DFR_SCHEMA.C },
  selections: ["val-worst-env", "val-worst-class", "val-wga", "val-accuracy", "oracle-test"],
  run(ctx, params) {
    const by = resolveSelection(ctx, evals);
    const held = ctx.splits.heldout;
    const loss = labelLoss(softmaxRows(ermLogits(ctx, "heldout"), ctx.numClasses), held.y, ctx.numClasses);
    const candidates: Candidate[] = [];
    const shares: Record<string, number> = {};
    let iterations = 0;
    let converged = true;
    const fitter = new HeadFitter(ctx, "heldout");
    for (const k of grid(params.k, [10, 25, 50, 100])) {
      const rows = lossExtremes(loss, held.y, ctx.numClasses, k);
      shares[String(k)] = conflictingShare(held, rows);
      let previous: FittedHead | undefined;
      for (const C of grid(params.C, [1, 0.3, 0.1, 0.03]).sort((a, b) => a - b)) {
        const fit = fitter.fit(rows, C, undefined, previous?.head);
        previous = fit;
        iterations += fit.iterations;
        converged &&= fit.converged;
        candidates.push({ params: { k, C }, logits: valTestLogits(ctx, fit) });
      }
    }
    return selectedResult(ctx, by, "evals", candidates, {}, {
      conflictingShareBySize: shares,
      heldoutConflictingShare: conflictingShare(held, Int32Array.from(held.y.keys())),
      solverIterations: iterations,
      allConverged: converged,
    });
  },
};
