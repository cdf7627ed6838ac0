// Hyperparameters given as text (CLI `--hp key=value[,value...]`, study configs): validated against
// the method's declared defaults, with errors naming the method, the key and the value.
import { ConfigError } from "../config/errors.ts";
import type { Hyperparameters, Method } from "./types.ts";

/** Merge given hyperparameters over the method's defaults; unknown keys and non-numbers are rejected. */
export function resolveHyperparameters(method: Method, given: Record<string, unknown>, path = "hp"): Hyperparameters {
  const out: Record<string, number | readonly number[]> = { ...method.defaults };
  const known = Object.keys(method.defaults);
  for (const [key, value] of Object.entries(given)) {
    if (!known.includes(key)) {
      throw new ConfigError(
        `${path}.${key}`,
        known.length
          ? `a hyperparameter of ${method.name} (${known.join(", ")})`
          : `nothing: ${method.name} has no hyperparameters`,
        key,
      );
    }
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || !list.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new ConfigError(`${path}.${key}`, "a finite number or a list of them", value);
    }
    out[key] = list.length === 1 && !Array.isArray(method.defaults[key]) ? list[0] : list;
  }
  return out;
}

/** Parse "key=v1,v2" strings into a record of numbers (left unchecked: see resolveHyperparameters). */
export function parseHyperparameterFlags(items: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new ConfigError("hp", "key=value (for example gamma=2 or C=1,0.1)", item);
    const values = item.slice(eq + 1).split(",").map((v) => (v.trim() === "" ? NaN : Number(v)));
    out[item.slice(0, eq)] = values.length === 1 ? values[0] : values;
  }
  return out;
}
