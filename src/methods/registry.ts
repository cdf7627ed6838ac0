// Every method by name. Adding a method: one file exporting a Method, and one line here.
import { afr, afrWorstGroup } from "./afr.ts";
import { dfr, dfrTrain } from "./dfr.ts";
import { erm } from "./erm.ts";
import { groupDro, groupDroLastLayer } from "./group_dro.ts";
import { jtt, rwg, subg } from "./retrain.ts";
import { cbLlr } from "./cb_llr.ts";
import { dpe } from "./dpe.ts";
import { evals } from "./evals.ts";
import { logitScale } from "./logit_scale.ts";
import { self } from "./self.ts";
import type { Method } from "./types.ts";

export const METHODS: Readonly<Record<string, Method>> = Object.freeze(
  Object.fromEntries(
    [
      erm,
      dfr,
      dfrTrain,
      afr,
      afrWorstGroup,
      groupDroLastLayer,
      groupDro,
      jtt,
      subg,
      rwg,
      cbLlr,
      self,
      evals,
      dpe,
      logitScale,
    ].map((m) => [m.name, m]),
  ),
);

/** The method called `name`, or undefined. */
export function getMethod(name: string): Method | undefined {
  return METHODS[name];
}
