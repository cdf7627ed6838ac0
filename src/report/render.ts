// vega-lite spec -> vega spec -> static SVG, with vega's headless renderer (no DOM, no canvas):
// the same text in Node and Deno. Compile warnings are errors: a spec that vega-lite has to guess
// about, or an empty layer vega warns about, is a spec to fix.
import * as vl from "vega-lite";
import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";

const HEADLESS_EVENTS = /^Can not resolve event source: window$/;

/** A spec compiled to vega and drawn as SVG. */
export interface Rendered {
  readonly vega: vega.Spec;
  readonly svg: string;
}

/**
 * vega numbers clip paths from a process-wide counter, so the same figure would get other ids after
 * other figures: renumber them from 1 under the figure's own prefix (stable bytes, unique in a page).
 */
export function renumberClips(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/\bclip(\d+)\b/g, (_, n: string) => {
    if (!ids.has(n)) ids.set(n, `${prefix}-clip${ids.size + 1}`);
    return ids.get(n)!;
  });
}

/** Compile a vega-lite spec and render it to an SVG string; `id` prefixes its clip-path ids. */
export async function renderSpec(spec: TopLevelSpec, id: string): Promise<Rendered> {
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn);
  logger.warn = (...args: readonly unknown[]) => {
    const text = args.map(String).join(" ");
    // Headless views have no window to listen on; the pan/zoom interaction only exists in a browser.
    if (!HEADLESS_EVENTS.test(text)) warnings.push(text);
    return logger;
  };
  const compiled = vl.compile(spec, { logger }).spec;
  if (warnings.length) throw new Error(`vega-lite: ${warnings.join("; ")}`);
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logger });
  try {
    const svg = renumberClips(await view.toSVG(), id);
    if (warnings.length) throw new Error(`vega: ${warnings.join("; ")}`);
    return { vega: compiled, svg };
  } finally {
    view.finalize();
  }
}
