// ERM: the model trained on the training split as it is (no group labels).
import { ermLogits } from "./context.ts";
import type { Method } from "./types.ts";

export const erm: Method = {
  name: "erm",
  summary: "empirical risk minimisation: the trained model as it is",
  groupLabels: "none",
  defaults: {},
  schema: {},
  run(ctx) {
    return {
      method: "erm",
      selected: {},
      diagnostics: {},
      logits: { val: ermLogits(ctx, "val"), test: ermLogits(ctx, "test") },
    };
  },
};
