// Parsing untrusted JSON text (HTTP bodies, study config files) with a nesting limit checked before
// JSON.parse runs: one linear, non-recursive scan, so 10,000 nested brackets cost a loop, not the stack.

/** JSON text that could not be accepted: malformed, or nested deeper than allowed. */
export class JsonTextError extends Error {
  constructor(readonly reason: "syntax" | "depth", message: string) {
    super(message);
    this.name = "JsonTextError";
  }
}

/** The deepest nesting of arrays and objects accepted by default (configs and bodies need about 4). */
export const MAX_JSON_DEPTH = 32;

/** The deepest bracket nesting in `text`, outside strings (stops counting once past `limit`). */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** JSON.parse with a nesting limit checked first. */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) {
    throw new JsonTextError("depth", `expected JSON nested at most ${maxDepth} levels deep, got deeper`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JsonTextError("syntax", `expected JSON, got a parse error: ${(error as Error).message}`);
  }
}
