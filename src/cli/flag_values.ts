// Converting flag strings into config values. A string that is not a number stays a string, so
// the validator reports exactly what the user typed.

/** "12" -> 12, "1e3" -> 1000, "nan" -> NaN, "abc" -> "abc" (left for the validator to reject). */
export function numberOrText(text: string): number | string {
  const t = text.trim().toLowerCase();
  if (t === "nan") return NaN;
  if (t === "inf" || t === "infinity" || t === "+inf" || t === "+infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  if (t === "" || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return text;
  return Number(t);
}

/** "36,60" -> [36, 60]; anything else is returned as typed for the validator to name. */
export function pairOrText(text: string): unknown {
  const parts = text.split(",");
  if (parts.length !== 2) return text;
  return parts.map(numberOrText);
}
