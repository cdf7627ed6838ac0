// Bad command-line input: reported as one line naming the flag, and exit code 2.
import { ConfigError } from "../config/errors.ts";
import { flagName } from "../data/mnist1d_args.ts";

/** A command-line mistake (unknown flag, bad value, unusable --out); the CLI exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Rename a config path to the flag that set it: padding[1] -> --padding HIGH, numSamples -> --num-samples. */
export function flagPath(path: string, rename: Readonly<Record<string, string>> = {}): string {
  if (Object.hasOwn(rename, path)) return rename[path];
  const padding = /^padding\[(\d)\]$/.exec(path);
  if (padding) return `--padding ${padding[1] === "0" ? "LOW" : "HIGH"}`;
  return `--${flagName(path)}`;
}

/** Turn a ConfigError from a validator into a UsageError that names the flag instead of the field. */
export function asUsageError(error: unknown, rename: Readonly<Record<string, string>> = {}): unknown {
  if (error instanceof ConfigError) {
    return new UsageError(
      `${flagPath(error.path, rename)}: expected ${error.expected}, got ${describeFlagValue(error.received)}`,
    );
  }
  return error;
}

function describeFlagValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}
