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

/** Render a received value for an error message (strings quoted, NaN and infinities by name), cut short:
 * at most three levels deep and about 120 characters, so hostile values cannot overflow the stack. */
export function describe(value: unknown): string {
  const text = render(value, 0);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function render(value: unknown, depth: number): string {
  if (typeof value === "string") return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (value === undefined) return "nothing";
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  if (depth >= 3) return Array.isArray(value) ? "[...]" : "{...}";
  if (Array.isArray(value)) {
    const items = value.slice(0, 10).map((v) => render(v, depth + 1));
    return `[${items.join(",")}${value.length > 10 ? ",..." : ""}]`;
  }
  const keys = Object.keys(value).slice(0, 10);
  const items = keys.map((k) => `${JSON.stringify(k)}:${render((value as Record<string, unknown>)[k], depth + 1)}`);
  return `{${items.join(",")}${Object.keys(value).length > 10 ? ",..." : ""}}`;
}
