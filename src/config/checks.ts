// Small validators shared by every config schema; each throws a ConfigError naming the path.
import { ConfigError } from "./errors.ts";

/** A finite number (no NaN or infinity), optionally bounded (inclusive unless stated). */
export function finite(path: string, value: unknown, opts: { min?: number; max?: number } = {}): number {
  const range = rangeText(opts.min, opts.max);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ConfigError(path, `a finite number${range}`, value);
  }
  if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
    throw new ConfigError(path, `a finite number${range}`, value);
  }
  return value;
}

/** An integer (safe, no fraction), optionally bounded (inclusive). */
export function integer(path: string, value: unknown, opts: { min?: number; max?: number } = {}): number {
  const range = rangeText(opts.min, opts.max);
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new ConfigError(path, `an integer${range}`, value);
  }
  if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
    throw new ConfigError(path, `an integer${range}`, value);
  }
  return value;
}

/** A boolean. */
export function boolean(path: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ConfigError(path, "true or false", value);
  return value;
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(path: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new ConfigError(path, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, value);
  }
  return value as T;
}

/** A plain object (not null, not an array). */
export function record(path: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(path, "an object", value);
  }
  return value as Record<string, unknown>;
}

/** Reject keys that the schema does not know, naming the first one. */
export function noUnknownKeys(path: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ConfigError(path ? `${path}.${key}` : key, `one of the known fields (${known.join(", ")})`, key);
    }
  }
}

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` in [${min}, ${max}]`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return "";
}
