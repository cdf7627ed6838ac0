// node:util parseArgs with its errors turned into one-line UsageErrors that start with the flag.
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
    // A prototype-free copy: a flag named like an Object.prototype property cannot shadow anything.
    return Object.assign(Object.create(null), values) as Record<string, string | boolean | string[] | undefined>;
  } catch (error) {
    throw new UsageError(rephrase(error));
  }
}

// parseArgs says "Option '--x' argument is ambiguous..." or "Unknown option '--x'..."; name the flag first.
function rephrase(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? "";
  const flag = quoted.split(" ")[0];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || /^Unknown option/.test(message)) {
    return `${flag || "flags"}: expected a known flag (see --help), got an unknown one`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" || /^Unexpected argument/.test(message)) {
    return `arguments: expected flags only (see --help), got ${JSON.stringify(quoted)}`;
  }
  if (flag.startsWith("-")) {
    return /ambiguous/.test(message)
      ? `${flag}: expected a value (write ${flag}=VALUE for one that starts with "-"), got a flag-like argument`
      : /does not take an argument/.test(message)
      ? `${flag}: expected no value (it is a switch), got one`
      : `${flag}: expected a value, got none`;
  }
  return message.replace(/\s*\n\s*/g, " ");
}
