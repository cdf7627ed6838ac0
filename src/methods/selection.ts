// Model selection: how a method with hyperparameters picks among its candidates, and which labels
// that choice reads. Each protocol scores a candidate's validation (or, for reference only, test)
// logits; higher is better.
import { groupMetrics } from "../metrics/group_metrics.ts";
import { argmax } from "./head_eval.ts";
import type { MethodContext } from "./types.ts";

/** The selection protocols, from the most labels to the fewest (oracle-test is a reference, never a result). */
export const SELECTIONS = ["val-wga", "val-worst-env", "val-worst-class", "val-accuracy", "oracle-test"] as const;

/** A selection protocol. */
export type Selection = (typeof SELECTIONS)[number];

/** What each protocol reads, for tables and the report. */
export const SELECTION_LABELS: Readonly<Record<Selection, string>> = Object.freeze({
  "val-wga": "group labels of the validation set",
  "val-worst-env": "class labels of the validation set; environments inferred from ERM's errors (EVaLS)",
  "val-worst-class": "class labels of the validation set",
  "val-accuracy": "class labels of the validation set",
  "oracle-test": "group labels of the TEST set: a reference for what selection could reach, never a result",
});

/** Whether `name` is a protocol (own-list membership, never a property lookup). */
export function isSelection(name: unknown): name is Selection {
  return typeof name === "string" && (SELECTIONS as readonly string[]).includes(name);
}

/** Whether a protocol reads group labels (of validation or test). */
export function selectionUsesGroupLabels(by: Selection): boolean {
  return by === "val-wga" || by === "oracle-test";
}

/**
 * Inferred environments of a split: per class, the examples ERM gets right and those it gets wrong
 * (2 per class). A stand-in for EVaLS's environment inference that needs class labels only.
 */
export function errorEnvironments(ermLogits: Float32Array, y: Int32Array, numClasses: number): Int32Array {
  return Int32Array.from(y, (c, i) => 2 * c + (argmax(ermLogits, i, numClasses) === c ? 0 : 1));
}

/** A scorer of candidates' logits on the split the protocol reads. */
export interface Selector {
  readonly by: Selection;
  /** The split whose logits it scores ("val", or "test" for oracle-test). */
  readonly split: "val" | "test";
  /** Score one candidate's logits on `split` (higher is better; ties go to the higher average accuracy). */
  score(logits: Float32Array): number;
}

/** A selector for `by` in a context; `ermValLogits` is needed by val-worst-env only. */
export function makeSelector(ctx: MethodContext, by: Selection, ermValLogits?: Float32Array): Selector {
  const split: "val" | "test" = by === "oracle-test" ? "test" : "val";
  const s = ctx.splits[split];
  const k = ctx.numClasses;
  let groups: Int32Array;
  let numGroups: number;
  if (by === "val-wga" || by === "oracle-test") {
    groups = ctx.groups(split);
    numGroups = ctx.numGroups;
  } else if (by === "val-worst-env") {
    if (!ermValLogits) throw new Error("val-worst-env needs ERM's validation logits");
    groups = errorEnvironments(ermValLogits, s.y, k);
    numGroups = 2 * k;
  } else {
    groups = s.y; // one group per class
    numGroups = k;
  }
  return {
    by,
    split,
    score(logits) {
      const m = groupMetrics({
        labels: s.y,
        groups,
        numGroups,
        numClasses: k,
        predictions: Int32Array.from(s.y, (_, i) => argmax(logits, i, k)),
      });
      const main = by === "val-accuracy" ? m.averageAccuracy : m.worstGroupAccuracy;
      return main + 1e-3 * m.averageAccuracy;
    },
  };
}

/** A candidate: its hyperparameters and its logits on validation and test. */
export interface Candidate {
  readonly params: Record<string, number>;
  readonly logits: { readonly val: Float32Array; readonly test: Float32Array };
}

/** The best candidate under a selector (the first on ties), with every candidate's score. */
export function selectBest(
  selector: Selector,
  candidates: readonly Candidate[],
): { best: Candidate; scores: { params: Record<string, number>; score: number }[] } {
  if (candidates.length === 0) throw new Error("selectBest: no candidates");
  const scores = candidates.map((c) => ({ params: c.params, score: selector.score(c.logits[selector.split]) }));
  let best = 0;
  scores.forEach((s, i) => {
    if (s.score > scores[best].score) best = i;
  });
  return { best: candidates[best], scores };
}

/** One protocol's choice among a result's candidates: what it selected and those candidates' test logits. */
export interface ProtocolChoice {
  readonly selectBy: Selection;
  readonly selected: Record<string, number>;
  readonly testLogits: Float32Array;
}

/** The choice of every protocol in `protocols` among `candidates` (ERM's validation logits for val-worst-env). */
export function choicesByProtocol(
  ctx: MethodContext,
  protocols: readonly Selection[],
  candidates: readonly Candidate[],
  ermValLogits: Float32Array,
): ProtocolChoice[] {
  return protocols.map((by) => {
    const { best } = selectBest(makeSelector(ctx, by, ermValLogits), candidates);
    return { selectBy: by, selected: best.params, testLogits: best.logits.test };
  });
}
