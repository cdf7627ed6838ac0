// Hyperparameters (CLI `--hp key=value[,value...]`, study configs) validated against the method's
// schema: known names only, numbers in range, whole numbers where the method counts, lists only for
// the grids a method searches. Errors name the method, the key, what was expected and what was given.
import { ConfigError } from "../config/errors.ts";
import { numberOrText } from "../config/text_numbers.ts";
import type { Hyperparameters, HyperparameterSpec, Method } from "./types.ts";

/** What a spec accepts, in words: "an integer in [1, 1000]" or "a finite number in (0, 10]". */
export function describeSpec(spec: HyperparameterSpec): string {
  const what = spec.integer ? "an integer" : "a finite number";
  const range = `${spec.minExclusive ? "(" : "["}${spec.min}, ${spec.max}]`;
  return `${what} in ${range}${spec.grid ? " (or a list of them: a grid)" : ""}`;
}

/** Check one value against a spec; returns it, or throws a ConfigError naming `path`. */
export function checkHyperparameter(path: string, spec: HyperparameterSpec, value: unknown): number | number[] {
  const one = (v: unknown, at: string): number => {
    const ok = typeof v === "number" && Number.isFinite(v) && (spec.minExclusive ? v > spec.min : v >= spec.min) &&
      v <= spec.max && (!spec.integer || Number.isInteger(v));
    if (!ok) throw new ConfigError(at, describeSpec({ ...spec, grid: false }), v);
    return v as number;
  };
  if (Array.isArray(value)) {
    if (!spec.grid) throw new ConfigError(path, `${describeSpec(spec)}: one value, not a list`, value);
    if (value.length === 0) throw new ConfigError(path, `a non-empty list: ${describeSpec(spec)}`, value);
    return value.map((v, i) => one(v, `${path}[${i}]`));
  }
  return one(value, path);
}

/** Merge given hyperparameters over the method's defaults; every name and value is checked against its schema. */
export function resolveHyperparameters(
  method: Method,
  given: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>,
  path = "hp",
): Hyperparameters {
  const out = new Map<string, number | readonly number[]>(Object.entries(method.defaults));
  const known = Object.keys(method.schema);
  const entries = given instanceof Map ? [...given] : Object.entries(given);
  for (const [key, value] of entries) {
    // Own properties only: "constructor" or "__proto__" is not a hyperparameter of anything.
    if (!Object.hasOwn(method.schema, key)) {
      throw new ConfigError(
        `${path}.${key}`,
        known.length
          ? `a hyperparameter of ${method.name} (${known.join(", ")})`
          : `nothing: ${method.name} has no hyperparameters`,
        key,
      );
    }
    out.set(key, checkHyperparameter(`${path}.${key}`, method.schema[key], value));
  }
  // A plain object with no prototype: the method reads its own keys only.
  return Object.assign(Object.create(null), Object.fromEntries(out)) as Hyperparameters;
}

/** Parse "key=v1,v2" strings (repeated --hp flags) into a map; a key given twice is an error. */
export function parseHyperparameterFlags(items: readonly string[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new ConfigError("hp", "key=value (for example gamma=2 or C=1,0.1)", item);
    const key = item.slice(0, eq);
    if (out.has(key)) throw new ConfigError(`hp.${key}`, "one --hp flag per hyperparameter", item);
    const values = item.slice(eq + 1).split(",").map(numberOrText);
    out.set(key, values.length === 1 ? values[0] : values);
  }
  return out;
}
