// What a method needs to select: its protocol in this context, and ERM's validation logits when the
// protocol infers environments from them.
import { ermLogits } from "./context.ts";
import { type Candidate, makeSelector, selectBest, type Selection } from "./selection.ts";
import type { Method, MethodContext, MethodResult } from "./types.ts";

/** The context's protocol if the method supports it, else the method's default; an unsupported one is an error. */
export function resolveSelection(ctx: MethodContext, method: Method): Selection {
  const supported = method.selections ?? [];
  if (supported.length === 0) throw new Error(`${method.name} declares no selection protocols`);
  if (ctx.selectBy === undefined) return supported[0];
  if (!supported.includes(ctx.selectBy)) {
    throw new RangeError(`${method.name}: selectBy ${ctx.selectBy} is not one of ${supported.join(", ")}`);
  }
  return ctx.selectBy;
}

/** ERM's validation logits when `by` needs them (val-worst-env), else undefined. */
export function ermValLogitsFor(ctx: MethodContext, by: Selection): Float32Array | undefined {
  return by === "val-worst-env" ? ermLogits(ctx, "val") : undefined;
}

/** A method's result: the protocol's choice among its candidates (every candidate kept, so other protocols'
 * choices can be scored), with the fixed settings it adds to the selected ones and its diagnostics. */
export function selectedResult(
  ctx: MethodContext,
  by: Selection,
  method: string,
  candidates: readonly Candidate[],
  fixed: Record<string, number>,
  diagnostics: Record<string, unknown>,
): MethodResult {
  const { best, scores } = selectBest(makeSelector(ctx, by, ermValLogitsFor(ctx, by)), candidates);
  return {
    method,
    selected: { ...best.params, ...fixed },
    diagnostics: { selectBy: by, selectionScores: scores, ...diagnostics },
    logits: best.logits,
    candidates,
  };
}
