// A results.jsonl record read back from disk (to resume or to rebuild a report) is input like any
// other: a hand-edited or foreign file must be named, not crash the summary. This checks the shape
// the summary and the report read, against the study's own cells.
import type { StudyConfig } from "./config.ts";
import type { Cell } from "./cells.ts";

const SCORE_KEYS = ["accuracy", "worstGroupAccuracy", "meanGroupAccuracy", "worstClassAccuracy"] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function scoresProblem(v: unknown, path: string): string | undefined {
  if (!isObject(v)) return `${path}: expected an object of scores`;
  for (const k of SCORE_KEYS) {
    // NaN is written as null by JSON.stringify: allowed (an empty group set), anything else is not.
    if (typeof v[k] !== "number" && v[k] !== null) return `${path}.${k}: expected a number`;
  }
  return undefined;
}

/** What is wrong with a stored cell record for this study, or undefined if the summary can read it. */
export function cellRecordProblem(
  record: unknown,
  config: StudyConfig,
  cells: ReadonlyMap<string, Cell>,
): string | undefined {
  if (!isObject(record)) return "expected an object";
  const cell = typeof record.id === "string" ? cells.get(record.id) : undefined;
  if (!cell) return `id: expected a cell of this study, got ${JSON.stringify(record.id)?.slice(0, 80)}`;
  for (const k of ["model", "kind", "grouping", "rho", "amplitude", "seed", "base", "sweeps"] as const) {
    if (record[k] !== cell[k]) return `${k}: expected ${cell[k]} for cell ${cell.id}`;
  }
  if (!Array.isArray(record.groups)) return "groups: expected a list of groups";
  if (!isObject(record.erm)) return "erm: expected an object";
  for (const k of ["inDistribution", "absent", "conflicting"]) {
    const p = scoresProblem(record.erm[k], `erm.${k}`);
    if (p) return p;
  }
  if (!isObject(record.methods)) return "methods: expected an object";
  for (const m of cell.base ? Object.keys(config.methods) : config.strengthMethods) {
    if (!Object.hasOwn(record.methods, m)) return `methods.${m}: expected the results of ${m}`;
    const p = scoresProblem(record.methods[m], `methods.${m}`);
    if (p) return p;
  }
  if (cell.sweeps) {
    if (!Array.isArray(record.heldoutSweep)) return "heldoutSweep: expected a list (a sweep cell)";
    if (!Array.isArray(record.gammaSweep)) return "gammaSweep: expected a list (a sweep cell)";
    const clean = scoresProblem(record.clean, "clean");
    if (clean) return clean;
  }
  return undefined;
}
