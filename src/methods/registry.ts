// Every method by name. Adding a method: one file exporting a Method, and one line here.
// A Map, not a plain object: a user-given name such as "constructor" or "__proto__" must find nothing.
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
import { probe } from "./probe.ts";
import type { Method } from "./types.ts";

/** Every method, keyed by its name. */
export const METHODS: ReadonlyMap<string, Method> = new Map(
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
    probe,
  ].map((m) => [m.name, m]),
);

/** Every method's name, in registry order. */
export const METHOD_NAMES: readonly string[] = Object.freeze([...METHODS.keys()]);

/** The method called `name`, or undefined (never an inherited property). */
export function getMethod(name: string): Method | undefined {
  return METHODS.get(name);
}
