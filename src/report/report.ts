// The study report: every figure (SVG strings) and the self-contained HTML page, from the summary
// and a few regenerated examples. Pure: the CLI writes the files.
import { makeMnist1d } from "../data/mnist1d.ts";
import { resolveMnist1dArgs } from "../data/mnist1d_args.ts";
import { injectSpurious } from "../data/spurious.ts";
import { resolveAttributeDraw, resolveSpuriousFeature } from "../data/spurious_config.ts";
import type { Stat, StudySummary } from "../study/analysis.ts";
import { barChart, lineChart, scatterChart, sequencePanels, type Series } from "./svg_charts.ts";
import { tsne } from "./tsne.ts";

/** A figure: file name, caption, SVG. */
export interface Figure {
  readonly name: string;
  readonly caption: string;
  readonly svg: string;
}

const P = (s: Stat) => ({ y: 100 * s.mean, err: 100 * s.sd });

/** Every figure of the report. */
export async function buildFigures(s: StudySummary): Promise<Figure[]> {
  const c = s.config;
  const ds = await makeMnist1d(resolveMnist1dArgs({}));
  const feature = resolveSpuriousFeature({ kind: c.kind, amplitude: c.amplitude }, 40);
  const spurious = injectSpurious(ds.x, ds.y, 40, feature, resolveAttributeDraw({ rho: c.rho, seed: 1 }));
  const window: [number, number] | undefined = c.kind === "patch"
    ? [feature.windowStart, feature.windowStart + feature.windowWidth]
    : undefined;
  const examples = [0, 1, 2, 3].flatMap((i) => [
    { label: `clean, y=${ds.y[i]}`, values: ds.x.subarray(i * 40, i * 40 + 40) },
    {
      label: `spurious, y=${ds.y[i]}, a=${spurious.a[i]}`,
      values: spurious.x.subarray(i * 40, i * 40 + 40),
      ...(window ? { highlight: window } : {}),
    },
  ]);
  const n = Math.min(c.tsnePoints, ds.y.length);
  const cleanT = tsne(ds.x.subarray(0, n * 40), 40);
  const spurT = tsne(spurious.x.subarray(0, n * 40), 40);
  const cleanP = cleanT.embedding;
  const spurP = spurT.embedding;
  const scatter = (title: string, p: Float64Array) =>
    scatterChart({
      title,
      points: Array.from({ length: n }, (_, i) => ({ x: p[2 * i], y: p[2 * i + 1], group: ds.y[i] })),
    });
  const methods = ["erm", ...c.methods];
  const baseMethod = (m: string) => (m === "erm" ? s.base.erm.absent : s.base.methods[m]);
  const strengthSeries = (rows: StudySummary["strength"]["byRho"], key: "rho" | "amplitude"): Series[] => [
    { name: "ERM", points: rows.map((r) => ({ x: r[key], ...P(r.erm) })) },
    ...c.methods.map((m) => ({ name: m, points: rows.map((r) => ({ x: r[key], ...P(r.methods[m]) })) })),
    { name: "linear probe (held-out, ML fit)", points: rows.map((r) => ({ x: r[key], ...P(r.probe) })), dashed: true },
  ];
  return [
    {
      name: "a1_examples",
      caption:
        `MNIST-1D examples without and with the ${c.kind} feature (amplitude ${c.amplitude}; the shaded window is the patch).`,
      svg: sequencePanels({ title: "Examples: clean and spurious", panels: examples, columns: 4 }),
    },
    {
      name: "a2_tsne_clean",
      caption: `t-SNE (Barnes-Hut, perplexity 30) of ${n} clean training examples, coloured by label; ` +
        `final KL divergence ${cleanT.klDivergence.toFixed(3)}.`,
      svg: scatter("Clean training set (t-SNE)", cleanP),
    },
    {
      name: "a3_tsne_spurious",
      caption: `The same examples with the spurious feature (rho ${c.rho}); final KL divergence ` +
        `${spurT.klDivergence.toFixed(3)}, ${
          spurT.klDivergence < cleanT.klDivergence ? "lower" : "not lower"
        } than the clean data's.`,
      svg: scatter("Spurious training set (t-SNE)", spurP),
    },
    {
      name: "b_erm",
      caption:
        "ERM's test accuracy and worst-group accuracy when the test data is drawn like the training data, lacks the feature, or contradicts it; and a model trained without the feature.",
      svg: barChart({
        title: "ERM on spurious data",
        yLabel: "%",
        categories: ["in-distribution", "feature absent", "conflicting", "clean model"],
        series: [
          {
            name: "average accuracy",
            values: [
              P(s.base.erm.inDistribution.accuracy),
              P(s.base.erm.absent.accuracy),
              P(s.base.erm.conflicting.accuracy),
              P(s.base.clean.accuracy),
            ],
          },
          {
            name: "worst-group accuracy",
            values: [
              P(s.base.erm.inDistribution.worstGroupAccuracy),
              P(s.base.erm.absent.worstGroupAccuracy),
              P(s.base.erm.conflicting.worstGroupAccuracy),
              P(s.base.clean.worstGroupAccuracy),
            ],
          },
        ],
      }),
    },
    {
      name: "c_methods",
      caption: `Every method on the test set without the feature (mean ± sd over ${c.seeds.length} seed(s)).`,
      svg: barChart({
        title: "Methods vs ERM (feature absent)",
        yLabel: "%",
        categories: [...methods, "probe"],
        series: [
          {
            name: "average accuracy",
            values: [...methods.map((m) => P(baseMethod(m).accuracy)), P(s.base.probe.accuracy)],
          },
          {
            name: "worst-group accuracy",
            values: [...methods.map((m) => P(baseMethod(m).worstGroupAccuracy)), P(s.base.probe.worstGroupAccuracy)],
          },
        ],
      }),
    },
    {
      name: "d1_strength_rho",
      caption: `Q1: worst-group accuracy (feature absent) as rho grows, amplitude ${c.amplitude}.`,
      svg: lineChart({
        title: "Worst-group accuracy vs rho",
        xLabel: "rho (P[attribute = label] in training)",
        yLabel: "worst-group accuracy, %",
        series: strengthSeries(s.strength.byRho, "rho"),
      }),
    },
    {
      name: "d2_strength_amplitude",
      caption: `Q1: worst-group accuracy (feature absent) as the amplitude grows, rho ${c.rho}.`,
      svg: lineChart({
        title: "Worst-group accuracy vs amplitude",
        xLabel: "amplitude (data std)",
        yLabel: "worst-group accuracy, %",
        series: strengthSeries(s.strength.byAmplitude, "amplitude"),
      }),
    },
    {
      name: "e_heldout_size",
      caption: "Q2: DFR's worst-group accuracy against the size of the group-labelled held-out set.",
      svg: lineChart({
        title: "DFR vs held-out size",
        xLabel: "held-out examples (log scale)",
        yLabel: "%",
        logX: true,
        series: [
          {
            name: "worst-group accuracy",
            points: s.heldout.rows.map((r) => ({ x: r.size, ...P(r.worstGroupAccuracy) })),
          },
          { name: "average accuracy", points: s.heldout.rows.map((r) => ({ x: r.size, ...P(r.accuracy) })) },
        ],
      }),
    },
    {
      name: "f1_afr_gamma",
      caption: "Q3: AFR's worst-group accuracy and the weight on conflicting examples as gamma grows (lambda 0).",
      svg: lineChart({
        title: "AFR: gamma sweep",
        xLabel: "gamma",
        yLabel: "%",
        series: [
          {
            name: "worst-group accuracy",
            points: s.reweighting.gammaRows.map((r) => ({ x: r.gamma, ...P(r.worstGroupAccuracy) })),
          },
          {
            name: "weight on conflicting",
            points: s.reweighting.gammaRows.map((r) => ({ x: r.gamma, ...P(r.conflictingWeight) })),
          },
          {
            name: "ESS / set size",
            points: s.reweighting.gammaRows.map((r) => ({
              x: r.gamma,
              y: (100 * r.effectiveSampleSize.mean) / s.reweighting.reweightingSetSize,
            })),
          },
        ],
      }),
    },
    {
      name: "f2_afr_confidence",
      caption: "Q3: ERM's probability of the true label on held-out examples whose attribute agrees or conflicts.",
      svg: barChart({
        title: "ERM confidence on the reweighting set",
        yLabel: "mean p(true label), %",
        categories: ["attribute agrees", "attribute conflicts"],
        series: [{ name: "ERM", values: [P(s.reweighting.confidenceAligned), P(s.reweighting.confidenceConflicting)] }],
        yMax: 100,
      }),
    },
    {
      name: "g_worst_group",
      caption: "Q4: methods that give more weight to the currently worst group, against AFR and DFR.",
      svg: barChart({
        title: "More attention to the worst group?",
        yLabel: "%",
        categories: s.worstGroup.rows.map((r) => r.method),
        series: [
          { name: "worst-group accuracy", values: s.worstGroup.rows.map((r) => P(r.worstGroupAccuracy)) },
          { name: "average accuracy", values: s.worstGroup.rows.map((r) => P(r.accuracy)) },
        ],
      }),
    },
  ];
}

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const cell = (x: Stat) => `${(100 * x.mean).toFixed(1)}${x.n > 1 ? ` ± ${(100 * x.sd).toFixed(1)}` : ""}`;

function table(head: string[], rows: (string | number)[][]): string {
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>${
    rows.map((r) => `<tr>${r.map((v) => `<td>${esc(String(v))}</td>`).join("")}</tr>`).join("")
  }</table>`;
}

/** The self-contained report page (figures inline, no scripts, no network). */
export function reportHtml(s: StudySummary, figures: readonly Figure[]): string {
  const fig = (name: string) => {
    const f = figures.find((x) => x.name === name)!;
    return `<figure id="${f.name}">${f.svg}<figcaption>${esc(f.caption)}</figcaption></figure>`;
  };
  const c = s.config;
  const methodRows = ["erm", ...c.methods].map((m) => {
    const r = m === "erm" ? { ...s.base.erm.absent, worstClassAccuracy: undefined } : s.base.methods[m];
    return [
      m,
      cell(r.accuracy),
      cell(r.worstGroupAccuracy),
      r.worstClassAccuracy ? cell(r.worstClassAccuracy) : "",
      "",
    ];
  });
  methodRows.push([
    "linear probe (held-out, ML fit)",
    cell(s.base.probe.accuracy),
    cell(s.base.probe.worstGroupAccuracy),
    "",
    "",
  ]);
  const strengthRow = (
    r: StudySummary["strength"]["byRho"][number],
  ) => [r.rho, r.amplitude, cell(r.erm), ...c.methods.map((m) => cell(r.methods[m])), cell(r.probe)];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>spurious1d study report</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}
figure{margin:1em 0}figcaption{font-size:13px;color:#555;max-width:700px}.conclusion{background:#f6f8fa;border-left:4px solid #1f77b4;padding:.6em 1em}
svg{max-width:100%;height:auto}</style></head><body>
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
  }} and ${c.dfrRefits} refits (the published setting is 7 values and 20 refits; fewer here to fit the time budget). ${s.cells} cells.</p>
<h2>a. The data</h2>${fig("a1_examples")}${fig("a2_tsne_clean")}${fig("a3_tsne_spurious")}
<p class="conclusion">ERM fits the spurious training set to ${cell(s.base.trainAccuracy)}% training accuracy.</p>
<h2>b. ERM on spurious data</h2>${fig("b_erm")}
${
    table(["test set", "accuracy %", "worst-group accuracy %"], [
      ["in-distribution", cell(s.base.erm.inDistribution.accuracy), cell(s.base.erm.inDistribution.worstGroupAccuracy)],
      ["feature absent", cell(s.base.erm.absent.accuracy), cell(s.base.erm.absent.worstGroupAccuracy)],
      ["conflicting", cell(s.base.erm.conflicting.accuracy), cell(s.base.erm.conflicting.worstGroupAccuracy)],
      ["clean model, feature absent", cell(s.base.clean.accuracy), cell(s.base.clean.worstGroupAccuracy)],
    ])
  }
<p class="conclusion">${esc(s.base.conclusion)}</p>
<h2>c. All methods vs ERM</h2>${fig("c_methods")}${
    table(["method", "accuracy %", "worst-group accuracy %", "worst-class accuracy %", ""], methodRows)
  }
<h2>d. Q1: how much spurious signal before the problem is intractable?</h2>${fig("d1_strength_rho")}${
    fig("d2_strength_amplitude")
  }
${
    table(
      ["rho", "amplitude", "ERM WGA %", ...c.methods.map((m) => `${m} WGA %`), "probe WGA %"],
      [...s.strength.byRho, ...s.strength.byAmplitude].map(strengthRow),
    )
  }
<p>${esc(s.strength.definition)}</p><p class="conclusion">${esc(s.strength.conclusion)}</p>
<h2>e. Q2: how much data does last-layer retraining need?</h2>${fig("e_heldout_size")}
${
    table(
      ["held-out examples", "DFR WGA %", "DFR accuracy %"],
      s.heldout.rows.map((r) => [r.size, cell(r.worstGroupAccuracy), cell(r.accuracy)]),
    )
  }
<p class="conclusion">${esc(s.heldout.conclusion)}</p>
<h2>f. Q3: why does reweighting perform poorly here?</h2>${fig("f1_afr_gamma")}${fig("f2_afr_confidence")}
${
    table(
      ["gamma", "AFR WGA %", "AFR accuracy %", "effective sample size", "weight on conflicting %"],
      s.reweighting.gammaRows.map((
        r,
      ) => [
        r.gamma,
        cell(r.worstGroupAccuracy),
        cell(r.accuracy),
        r.effectiveSampleSize.mean.toFixed(0),
        cell(r.conflictingWeight),
      ]),
    )
  }
<p class="conclusion">${esc(s.reweighting.conclusion)}</p>
<h2>g. Q4: does more attention to the worst group fix it?</h2>${fig("g_worst_group")}
${
    table(
      ["method", "WGA %", "accuracy %"],
      s.worstGroup.rows.map((r) => [r.method, cell(r.worstGroupAccuracy), cell(r.accuracy)]),
    )
  }
<p class="conclusion">${esc(s.worstGroup.conclusion)}</p>
<p style="font-size:12px;color:#777">Generated by spurious1d from results.jsonl; every sentence above is computed from the results.</p>
</body></html>
`;
}
