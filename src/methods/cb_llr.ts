// Class-balanced last-layer retraining, CB-LLR (LaBonte, Muthukumar, Kumar, NeurIPS 2023): retrain
// the last layer on the held-out set with every class given the same total weight; no group labels.
// Here with DFR's solver and C grid, so CB-LLR and DFR differ only in what they balance (classes
// here, groups there). C is chosen by the selection protocol (default: the worst accuracy over environments inferred
// from ERM's errors on validation, class labels only).
import { DFR_C_GRID, DFR_SCHEMA } from "./dfr.ts";
import { allRows, classBalancedWeights, type FittedHead, grid, HeadFitter, valTestLogits } from "./balanced_head.ts";
import { resolveSelection, selectedResult } from "./select_run.ts";
import type { Candidate } from "./selection.ts";
import type { Method } from "./types.ts";

export const cbLlr: Method = {
  name: "cb-llr",
  summary: "CB-LLR: L1 logistic regression on class-balanced held-out ERM embeddings (no group labels)",
  groupLabels: "none",
  defaults: { C: DFR_C_GRID },
  schema: { C: DFR_SCHEMA.C },
  selections: ["val-worst-env", "val-worst-class", "val-wga", "val-accuracy", "oracle-test"],
  run(ctx, params) {
    const by = resolveSelection(ctx, cbLlr);
    const y = ctx.splits.heldout.y;
    const weights = classBalancedWeights(y, ctx.numClasses);
    const rows = allRows(y.length);
    const candidates: Candidate[] = [];
    const fits: FittedHead[] = [];
    let previous: FittedHead | undefined;
    const fitter = new HeadFitter(ctx, "heldout");
    // Along the path from strong to weak penalty, each fit starts from the last one.
    for (const C of grid(params.C, DFR_C_GRID).sort((a, b) => a - b)) {
      const fit = fitter.fit(rows, C, weights, previous?.head);
      previous = fit;
      fits.push(fit);
      candidates.push({ params: { C }, logits: valTestLogits(ctx, fit) });
    }
    return selectedResult(ctx, by, "cb-llr", candidates, {}, {
      solverIterations: fits.reduce((s, f) => s + f.iterations, 0),
      allConverged: fits.every((f) => f.converged),
    });
  },
};
