// How the CLI reports an error that reached the top: a user error is one line and exit 2; a failure
// of the world outside (a full disk, a missing permission) is one line and exit 1, with the stack
// only under --debug; anything else is a bug: "internal error", the stack, and exit 70 (EX_SOFTWARE).
import { ConfigError } from "../config/errors.ts";
import { UsageError } from "./usage_error.ts";

/** Exit codes of the CLI. */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2, internal: 70 });

/** A run that ended and reported what went wrong (cells that failed every attempt): one line, exit 1. */
export class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunFailure";
  }
}

// Node's system errors carry a code such as ENOSPC; Deno reports a missing permission as NotCapable
// (PermissionDenied before 2.0).
function isSystemError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === "string" && /^E[A-Z]+$/.test(code)) ||
    ["NotCapable", "PermissionDenied"].includes(error.name);
}

/** The exit code and the text (for stderr) of an error that escaped a command. */
export function reportError(error: unknown, debug: boolean): { code: number; text: string } {
  if (error instanceof UsageError || error instanceof ConfigError) {
    return { code: EXIT.usage, text: `spurious1d: ${error.message}` };
  }
  if (error instanceof RunFailure) return { code: EXIT.failure, text: `spurious1d: ${error.message}` };
  if (isSystemError(error)) {
    const text = debug ? (error.stack ?? error.message) : error.message.split("\n")[0];
    return { code: EXIT.failure, text: `spurious1d: ${text}${debug ? "" : " (--debug for details)"}` };
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    code: EXIT.internal,
    text: `spurious1d: internal error (a bug; please report it with this output):\n${stack}`,
  };
}
