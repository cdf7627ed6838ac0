// Numbers written as text (command-line flags, `--hp key=value`): plain decimals only, so "0x10",
// "" and "1_000" stay text and a validator reports exactly what the user typed.

/** "12" -> 12, "1e3" -> 1000, "nan" -> NaN, "inf" -> Infinity, "0x10" or "abc" -> left as the text. */
export function numberOrText(text: string): number | string {
  const t = text.trim().toLowerCase();
  if (t === "nan") return NaN;
  if (t === "inf" || t === "infinity" || t === "+inf" || t === "+infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  if (t === "" || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return text;
  return Number(t);
}
