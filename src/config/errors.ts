// One error type for every rejected input (config files, CLI flags, HTTP bodies): it names the
// field, what was expected and what was given, so all front ends report it the same way.

/** A rejected input value, located by its path (for example `padding[1]` or `spurious.rho`). */
export class ConfigError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super(`${path}: expected ${expected}, got ${describe(received)}`);
    this.name = "ConfigError";
  }
}

/** Render a received value for an error message (strings quoted, NaN and infinities by name). */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (value === undefined) return "nothing";
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
