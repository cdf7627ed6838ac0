// The study report: every figure (vega-lite spec, compiled vega spec, static SVG) and the
// self-contained HTML page, from the summary and the study's data views. Pure: the CLI computes the
// views, reads the vega builds and writes the files.
import type { StudySummary } from "../study/analysis.ts";
import type { StudyViews } from "../study/views.ts";
import type { TopLevelSpec } from "vega-lite";
import type * as vega from "vega";
import { figureSpecs } from "./specs.ts";
import { renderSpec } from "./render.ts";
import { type Cell, type Column, escapeHtml as esc, percentText, table } from "./tables.ts";
import { interactiveScripts, type VegaSources } from "./scripts.ts";
import { PROBE } from "./palette.ts";

/** A figure: file name, caption, its vega-lite spec, the compiled vega spec and the static SVG. */
export interface Figure {
  readonly name: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
  readonly vega: vega.Spec;
  readonly svg: string;
}

/** Every figure of the report, rendered. */
export async function buildFigures(s: StudySummary, views: StudyViews): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const f of figureSpecs(s, views)) out.push({ ...f, ...(await renderSpec(f.spec, f.name)) });
  return out;
}

const pc = (head: string, missing = "no finished cell"): Column => ({ head, best: "max", missing });

/** The page's style: figures use the page's full width; numbers line up. */
const STYLE = `body{font-family:sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:1em 0 .3em;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px}
th{background:#f4f4f4;text-align:center}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.txt{text-align:left}td.best{background:#eef6ee}td.missing{text-align:center;color:#777}.why{font-size:11px}
.note{font-size:12px;color:#666;margin:0 0 1em}
figure{margin:1.2em 0}figcaption{font-size:13px;color:#555;max-width:820px}
.chart svg{max-width:100%;height:auto}.chart{overflow-x:auto}
.conclusion{background:#f6f8fa;border-left:4px solid #4c78a8;padding:.6em 1em}`;

/** Content-Security-Policy: nothing from the network, no eval; inline scripts and styles only. */
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/**
 * The self-contained report page: figures as inline SVG (readable with scripts off), and, when the
 * vega builds are given, scripts that make them interactive.
 */
export function reportHtml(s: StudySummary, figures: readonly Figure[], sources?: VegaSources): string {
  const fig = (name: string) => {
    const f = figures.find((x) => x.name === name);
    if (!f) throw new Error(`reportHtml: no figure ${name}`);
    return `<figure id="${f.name}"><div class="chart">${f.svg}</div><figcaption>${
      esc(f.caption)
    }</figcaption></figure>`;
  };
  const c = s.config;
  const methodRows: Cell[][] = [
    ["erm", s.base.erm.absent.accuracy, s.base.erm.absent.worstGroupAccuracy, s.base.erm.absent.worstClassAccuracy],
    ...c.methods.map((m): Cell[] => {
      const r = s.base.methods[m];
      return [m, r.accuracy, r.worstGroupAccuracy, r.worstClassAccuracy];
    }),
    [
      `${PROBE} (held-out, ML fit)`,
      s.base.probe.accuracy,
      s.base.probe.worstGroupAccuracy,
      s.base.probe.worstClassAccuracy,
    ],
  ];
  const strengthRow = (r: StudySummary["strength"]["byRho"][number]): Cell[] => [
    r.rho,
    r.amplitude,
    r.erm,
    ...c.methods.map((m) => r.methods[m]),
    r.probe,
  ];
  const scripts = sources ? interactiveScripts(sources, Object.fromEntries(figures.map((f) => [f.name, f.vega]))) : "";
  const pct = (x: StudySummary["base"]["trainAccuracy"]) => percentText(x) ?? "–";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spurious1d study report</title>
<style>${STYLE}</style></head><body>
<h1>Spurious correlations on MNIST-1D</h1>
<p>Model: ${esc(c.model)}, ${c.steps} steps; feature: ${
    esc(c.kind)
  }; base strength rho ${c.rho}, amplitude ${c.amplitude};
seeds: ${c.seeds.join(", ")}; grouping: ${
    esc(c.grouping)
  } (${s.base.numGroups} groups); test set: ${s.base.testSize} examples
(about ${Math.round(s.base.testSize / s.base.numGroups)} per group); held-out set: ${
    esc(c.heldoutMode === "random" ? "decorrelated" : "drawn like training")
  }.
DFR runs with C in {${
    c.dfrC.join(", ")
  }} and ${c.dfrRefits} refits (the published setting is 7 values and 20 refits; fewer here to fit the time budget). ${s.cells} cells.
Figures of results have one row per model; their error bars are 95% confidence intervals over seeds.${
    sources ? " With scripts on, hovering shows each point's numbers, and the t-SNE panels pan and zoom." : ""
  }</p>
<h2>a. The data</h2>${fig("a1_examples")}${fig("a2_tsne_labels")}${fig("a3_tsne_agreement")}
<p class="conclusion">ERM fits the spurious training set to ${pct(s.base.trainAccuracy)}% training accuracy.</p>
<h2>b. ERM on spurious data</h2>${fig("b_erm")}
${
    table([{ head: "test set" }, pc("accuracy %"), pc("worst-group accuracy %"), pc("worst-class accuracy %")], [
      [
        "in-distribution",
        s.base.erm.inDistribution.accuracy,
        s.base.erm.inDistribution.worstGroupAccuracy,
        s.base.erm.inDistribution.worstClassAccuracy,
      ],
      [
        "feature absent",
        s.base.erm.absent.accuracy,
        s.base.erm.absent.worstGroupAccuracy,
        s.base.erm.absent.worstClassAccuracy,
      ],
      [
        "feature conflicting",
        s.base.erm.conflicting.accuracy,
        s.base.erm.conflicting.worstGroupAccuracy,
        s.base.erm.conflicting.worstClassAccuracy,
      ],
      [
        "clean model, feature absent",
        s.base.clean.accuracy,
        s.base.clean.worstGroupAccuracy,
        s.base.clean.worstClassAccuracy,
      ],
    ])
  }
<p class="conclusion">${esc(s.base.conclusion)}</p>
<h2>c. All methods vs ERM</h2>${fig("c_methods")}${
    table(
      [{ head: "method" }, pc("accuracy %"), pc("worst-group accuracy %"), pc("worst-class accuracy %")],
      methodRows,
    )
  }
<h2>d. Q1: how much spurious signal before the problem is intractable?</h2>${fig("d1_strength_rho")}${
    fig("d2_strength_amplitude")
  }
${
    table(
      [
        { head: "rho" },
        { head: "amplitude" },
        pc("ERM WGA %"),
        ...c.methods.map((m) => pc(`${m} WGA %`)),
        pc("probe WGA %"),
      ],
      [...s.strength.byRho, ...s.strength.byAmplitude].map(strengthRow),
    )
  }
<p>${esc(s.strength.definition)}</p><p class="conclusion">${esc(s.strength.conclusion)}</p>
<h2>e. Q2: how much data does last-layer retraining need?</h2>${fig("e_heldout_size")}
${
    table(
      [{ head: "held-out examples" }, pc("DFR WGA %"), pc("DFR accuracy %")],
      s.heldout.rows.map((r) => [r.size, r.worstGroupAccuracy, r.accuracy]),
    )
  }
<p class="conclusion">${esc(s.heldout.conclusion)}</p>
<h2>f. Q3: why does reweighting perform poorly here?</h2>${fig("f1_afr_gamma")}${fig("f2_afr_confidence")}
${
    table(
      [
        { head: "gamma" },
        pc("AFR WGA %"),
        pc("AFR accuracy %"),
        { head: "effective sample size", missing: "no finished cell" },
        { head: "weight on conflicting %", missing: "no finished cell" },
      ],
      s.reweighting.gammaRows.map((r) => [
        r.gamma,
        r.worstGroupAccuracy,
        r.accuracy,
        Math.round(r.effectiveSampleSize.mean),
        r.conflictingWeight,
      ]),
    )
  }
<p class="conclusion">${esc(s.reweighting.conclusion)}</p>
<h2>g. Q4: does more attention to the worst group fix it?</h2>${fig("g_worst_group")}
${
    table(
      [{ head: "method" }, pc("WGA %"), pc("accuracy %")],
      s.worstGroup.rows.map((r) => [r.method, r.worstGroupAccuracy, r.accuracy]),
    )
  }
<p class="conclusion">${esc(s.worstGroup.conclusion)}</p>
<p style="font-size:12px;color:#777">Generated by spurious1d from results.jsonl; every sentence above is computed from the results.</p>
${scripts}
</body></html>
`;
}
