// The report's optional interactivity: vega, vega-embed and vega-interpreter inlined (no network),
// and a loader that swaps each static SVG for a live view (tooltips, t-SNE pan and zoom) once it
// has rendered. Expressions run through vega-interpreter, so nothing needs eval: the page's
// Content-Security-Policy forbids it, as edge runtimes and strict hosts do.

/** The browser builds read by the CLI: vega.min.js, vega-embed.min.js and vega-interpreter's ESM build. */
export interface VegaSources {
  readonly vega: string;
  readonly vegaEmbed: string;
  readonly vegaInterpreter: string;
}

const INTERPRETER_IMPORT = /^import \{([^}]*)\} from 'vega-util';$/m;
const INTERPRETER_EXPORT = /^export \{ expression as expressionInterpreter \};$/m;

/** vega-interpreter's ESM build as a classic script: vega-util from the vega global, the export as a global. */
export function interpreterScript(esm: string): string {
  const imp = esm.match(INTERPRETER_IMPORT);
  if (!imp || !INTERPRETER_EXPORT.test(esm)) {
    throw new Error("vega-interpreter: its build no longer has the expected import/export lines");
  }
  const body = esm.replace(INTERPRETER_IMPORT, `const {${imp[1]}} = vega;`)
    .replace(INTERPRETER_EXPORT, "globalThis.vegaExpressionInterpreter = expression;")
    .replace(/^\/\/# sourceMappingURL=.*$/m, "");
  return `(function () {\n${body}\n})();`;
}

// Inside <script>, "</" would end the element; JSON allows "<" escaped.
const scriptSafe = (text: string) => text.replace(/<\/(script)/gi, "<\\/$1");

/** The scripts that make the figures live; `specs` maps figure ids to compiled vega specs. */
export function interactiveScripts(sources: VegaSources, specs: Record<string, unknown>): string {
  const loader = `(function () {
  var specs = JSON.parse(document.getElementById("vega-specs").textContent);
  Object.keys(specs).forEach(function (name) {
    var figure = document.getElementById(name);
    var still = figure.querySelector(".chart");
    var live = document.createElement("div");
    live.className = "chart live";
    still.after(live);
    vegaEmbed(live, specs[name], {
      mode: "vega", renderer: "svg", actions: false, ast: true, expr: vegaExpressionInterpreter,
    }).then(function () {
      still.remove();
      figure.dataset.live = "true";
    }).catch(function (error) {
      live.remove();
      console.error("figure " + name + " stays static: " + error);
    });
  });
})();`;
  const json = JSON.stringify(specs).replace(/</g, "\\u003c");
  return [
    `<script id="vega-specs" type="application/json">${json}</script>`,
    `<script>${scriptSafe(sources.vega)}</script>`,
    `<script>${scriptSafe(sources.vegaEmbed)}</script>`,
    `<script>${scriptSafe(interpreterScript(sources.vegaInterpreter))}</script>`,
    `<script>${loader}</script>`,
  ].join("\n");
}
