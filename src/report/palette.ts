// Every colour of the report, in one place. A method keeps its colour in every figure: colours are
// assigned by the method's place in the study's list (ERM first, the clean model last), and a figure
// that shows only some methods still gives each the colour it has everywhere else.

/** Method colours in assignment order: Tableau 10 (vega's default), then ten more from Tableau 20 (skipping those
 * too close to the first ten), so the full study's methods, ERM and the clean model each get their own. */
const METHOD_COLOURS = [
  "#4c78a8",
  "#f58518",
  "#54a24b",
  "#e45756",
  "#b279a2",
  "#72b7b2",
  "#eeca3b",
  "#9d755d",
  "#ff9da6",
  "#bab0ac",
  "#9ecae9",
  "#ffbf79",
  "#88d27a",
  "#b79a20",
  "#439894",
  "#79706e",
  "#d67195",
  "#d6a5c9",
  "#d8b5a5",
  "#2f4b7c",
];

/** The name the report gives the model trained without the feature. */
export const CLEAN_MODEL = "clean model";

/** Neutral colours for what is not a method (so nothing else looks like one). */
export const NEUTRAL = {
  /** Examples whose attribute agrees with the label. */
  aligned: "#b9b9b9",
  /** Examples whose attribute conflicts with the label. */
  conflicting: "#1a1a1a",
  /** A clean sequence (drawn behind the spurious one). */
  clean: "#9e9e9e",
  /** The same sequence with the feature. */
  spurious: "#1a1a1a",
  /** The patch's window. */
  window: "#fde7c8",
  /** Error bars on bars. */
  interval: "#333333",
} as const;

/** The vega scheme for the ten digit labels of the t-SNE panels (not method colours: a legend names them). */
export const DIGIT_SCHEME = "category10";

/** Every method the report can show, in colour order: ERM, the study's methods, the clean model. */
export function methodOrder(methods: readonly string[]): string[] {
  return ["erm", ...methods.filter((m) => m !== "erm"), CLEAN_MODEL];
}

/** A vega-lite colour scale giving each of `shown` its report-wide colour. */
export function methodScale(
  methods: readonly string[],
  shown: readonly string[],
): { domain: string[]; range: string[] } {
  // A shown method missing from the list (callers list every method their figures show, so this is a
  // fallback, not a crash) takes a colour after the listed ones, in name order.
  const order = methodOrder(methods);
  const listed = new Set(order);
  const extra = [...new Set(shown.filter((m) => !listed.has(m)))].sort();
  const all = [...order, ...extra];
  return {
    domain: [...shown],
    range: shown.map((m) => METHOD_COLOURS[all.indexOf(m) % METHOD_COLOURS.length]),
  };
}

/** The aligned / conflicting scale, the same in every figure that splits examples by attribute. */
export function agreementScale(): { domain: string[]; range: string[] } {
  return { domain: ["aligned", "conflicting"], range: [NEUTRAL.aligned, NEUTRAL.conflicting] };
}
