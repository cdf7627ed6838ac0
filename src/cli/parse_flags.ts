// node:util parseArgs with its errors turned into UsageErrors (unknown flag, missing value).
import { parseArgs } from "node:util";
import { UsageError } from "./usage_error.ts";

type Options = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

/** Parse `argv` strictly against `options`; no positional arguments are accepted. */
export function parseFlags(
  argv: readonly string[],
  options: Options,
): Record<string, string | boolean | string[] | undefined> {
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return values as Record<string, string | boolean | string[] | undefined>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // One line: node's messages carry hints on further lines.
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, "").replace(/\s*\n\s*/g, " "));
  }
}
