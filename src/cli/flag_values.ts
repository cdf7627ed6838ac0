// Converting flag strings into config values. A string that is not a number stays a string, so
// the validator reports exactly what the user typed.
import { numberOrText } from "../config/text_numbers.ts";

export { numberOrText };

/** "36,60" -> [36, 60]; anything else is returned as typed for the validator to name. */
export function pairOrText(text: string): unknown {
  const parts = text.split(",");
  if (parts.length !== 2) return text;
  return parts.map(numberOrText);
}

/** "0,1,2" -> [0, 1, 2]; every item must be a plain decimal (anything else stays text for the validator). */
export function listOfNumbersOrText(text: string): unknown[] {
  return text.split(",").map(numberOrText);
}
