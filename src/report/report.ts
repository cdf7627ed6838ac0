// The study report: every figure (vega-lite spec, compiled vega spec, static SVG) and the
// self-contained HTML page, from the summary and the study's data views. Pure: the CLI computes the
// views, reads the vega builds and writes the files. Every table is per model and names the model and
// the feature kind; every conclusion is the model's own, labelled with it.
import type { ModelSummary, StudySummary } from "../study/analysis.ts";
import { compositionName, isPublishedArm, type StudyConfig } from "../study/config.ts";
import type { Hyperparameters } from "../methods/types.ts";
import type { StudyViews } from "../study/views.ts";
import type { TopLevelSpec } from "vega-lite";
import type * as vega from "vega";
import { figureSpecs } from "./specs.ts";
import { renderSpec } from "./render.ts";
import { type Cell, type Column, escapeHtml as esc, percentText, table } from "./tables.ts";
import { interactiveScripts, type VegaSources } from "./scripts.ts";

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
/** A column of estimates that are not percentages (counts, ratios) and have no best end. */
const plain = (head: string, digits: number): Column => ({ head, scale: 1, digits, missing: "no finished cell" });
/** A column of paired differences in points (no best end: the sign is the finding). */
const diff = (head: string, missing: string): Column => ({ head, missing, signed: true });

/** The published DFR setting (Kirichenko et al.): seven values of C and twenty refits. */
const PUBLISHED_DFR = { C: 7, refits: 20 };

/** The page's style: figures use the page's full width; numbers line up. */
const STYLE = `body{font-family:sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h2{margin-top:2em;border-bottom:1px solid #ddd}h3{margin:1.4em 0 .4em;font-size:15px}
table{border-collapse:collapse;margin:1em 0 .3em;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px}
caption{text-align:left;font-weight:bold;padding:0 0 .3em}
th{background:#f4f4f4;text-align:center}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.txt{text-align:left}td.best{background:#eef6ee}td.missing{text-align:center;color:#777}.why{font-size:11px}
.note{font-size:12px;color:#666;margin:0 0 1em}
figure{margin:1.2em 0}figcaption{font-size:13px;color:#555;max-width:820px}
.chart svg{max-width:100%;height:auto}.chart{overflow-x:auto}
.conclusion{background:#f6f8fa;border-left:4px solid #4c78a8;padding:.6em 1em}`;

/** Content-Security-Policy: nothing from the network, no eval; inline scripts and styles only. */
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** Each model's conclusion, labelled with the model. */
function conclusions(s: StudySummary, text: (m: ModelSummary) => string): string {
  return s.models.map((m) => `<p class="conclusion"><strong>${esc(m.label)}:</strong> ${esc(text(m))}</p>`).join("\n");
}

/** Each model's table; `caption` is prefixed with the model and the feature kind. */
function perModel(
  s: StudySummary,
  caption: string,
  columns: (m: ModelSummary) => readonly Column[],
  rows: (m: ModelSummary) => readonly (readonly Cell[])[],
  kind = `${s.config.kind} feature`,
): string {
  return s.models.map((m) => table(columns(m), rows(m), `${m.label}, ${kind}: ${caption}`)).join("\n");
}

/** A method's hyperparameters in words ("C 1, 0.3; refits 5"). */
function hyperparameters(hp: Hyperparameters): string {
  return Object.entries(hp).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(", ") : v}`).join("; ");
}

/** Whether DFR runs with fewer C values or refits than published, in words ("" when it does not run or does not). */
function dfrNote(c: StudyConfig): string {
  const hp = c.methods.dfr;
  if (!hp) return "";
  const values = Array.isArray(hp.C) ? hp.C.length : 1;
  const refits = typeof hp.refits === "number" ? hp.refits : NaN;
  if (values >= PUBLISHED_DFR.C && refits >= PUBLISHED_DFR.refits) return "";
  return ` DFR runs with ${values} value(s) of C and ${refits} refit(s), fewer than published ` +
    `(${PUBLISHED_DFR.C} values and ${PUBLISHED_DFR.refits} refits), to fit the time budget.`;
}

/** The header paragraphs: everything the study ran with (the setting, then the methods and questions). */
function header(s: StudySummary, interactive: boolean): string {
  const c = s.config;
  const groups = new Map(s.models.map((m) => [m.grouping, m.base.numGroups]));
  const test = s.models[0].base.testSize;
  const methods = Object.entries(c.methods).map(([m, hp]) => {
    const text = hyperparameters(hp);
    return text ? `${m} (${text})` : m;
  });
  return `<p>Models: ${esc(c.models.join(", "))}, ${c.steps} training steps each; feature kinds: ${
    esc(c.kinds.join(", "))
  } (Q1–Q4 sweep ${esc(c.kind)}); base strength rho ${c.rho}, amplitude ${c.amplitude}; seeds: ${
    c.seeds.join(", ")
  }; groupings: ${
    esc(c.groupings.map((g) => `${g} (${groups.get(g) ?? "?"} groups)`).join(", "))
  }; test set: ${test} ` +
    `examples; held-out set: ${c.heldoutSize} examples, ${esc(compositionName(c.heldout))}; ${s.cells} cells.</p>\n` +
    `<p>Methods and hyperparameters: ${esc(methods.join("; "))}.${esc(dfrNote(c))} ` +
    `Q1 runs ${esc(["erm", ...c.strengthMethods].join(", "))} at rho ${c.rhos.join(", ")} and amplitude ${
      c.amplitudes.join(", ")
    }; Q2 refits ${esc(c.heldoutSweep.method)} on held-out sets of ${c.heldoutSweep.sizes.join(", ")} examples, ${
      esc(c.heldoutSweep.compositions.map(compositionName).join(", "))
    }; Q3 runs ${esc(c.gammaSweep.method)} at gamma ${c.gammaSweep.gammas.join(", ")} on ${
      esc(c.gammaSweep.arms.map(compositionName).join(" and "))
    } reweighting sets (like-training is the published setting); Q4 compares ${esc(c.worstGroupMethods.join(", "))}; ` +
    `reference: ${esc(c.referenceMethod ?? "none")}. ` +
    `Figures of results have one row per model; error bars and bracketed intervals are 95% confidence intervals ` +
    `of the mean over seeds.${
      interactive ? " With scripts on, hovering shows each point's numbers, and the t-SNE panels pan and zoom." : ""
    }</p>`;
}

function ermSection(s: StudySummary): string {
  const cols = [{ head: "test set" }, pc("accuracy %"), pc("worst-group accuracy %"), pc("worst-class accuracy %")];
  return perModel(s, "ERM on three test sets, and a clean model", () => cols, (m) =>
    ([
      ["in-distribution", m.base.erm.inDistribution],
      ["feature absent", m.base.erm.absent],
      ["feature conflicting", m.base.erm.conflicting],
      ["clean model, feature absent", m.base.clean],
    ] as const).map(([name, r]) => [name, r.accuracy, r.worstGroupAccuracy, r.worstClassAccuracy])) +
    conclusions(s, (m) => m.base.conclusion);
}

/** Each selection protocol's worst-group accuracy for the methods that record several; oracle-test is marked as a
 * reference (it reads the test set's group labels), never a result. */
function protocolTables(s: StudySummary): string {
  const protocols = (m: ModelSummary) => {
    const all = [...new Set(Object.values(m.base.methods).flatMap((r) => Object.keys(r.byProtocol)))];
    // The oracle last, so it never reads as one of the results.
    return [...all.filter((p) => p !== "oracle-test"), ...all.filter((p) => p === "oracle-test")];
  };
  if (s.models.every((m) => protocols(m).length === 0)) return "";
  const head = (p: string) =>
    p === "oracle-test" ? "oracle-test WGA % (reference only: reads the TEST set's group labels)" : `${p} WGA %`;
  return `<h3>Selection protocols</h3>
<p>Methods with a grid record the choice of every selection protocol they support (each method's default is the
result above). oracle-test selects on the test set's group labels: it shows what selection could reach and is
never a result.</p>` +
    perModel(
      s,
      "worst-group accuracy under each selection protocol",
      (m) => [{ head: "method" }, ...protocols(m).map((p) => pc(head(p), "not supported by this method"))],
      (m) =>
        Object.entries(m.base.methods).filter(([, r]) => Object.keys(r.byProtocol).length > 0).map(([name, r]) => [
          name,
          ...protocols(m).map((p) => r.byProtocol[p]?.worstGroupAccuracy ?? null),
        ]),
    );
}

function methodsSection(s: StudySummary): string {
  const cols = [
    { head: "method" },
    pc("accuracy %"),
    pc("worst-group accuracy %"),
    pc("worst-class accuracy %"),
    pc("conflicting accuracy %"),
  ];
  const methods = perModel(s, "every method, feature absent", () => cols, (m) => [
    [
      "erm",
      m.base.erm.absent.accuracy,
      m.base.erm.absent.worstGroupAccuracy,
      m.base.erm.absent.worstClassAccuracy,
      null,
    ],
    ...Object.entries(m.base.methods).map(([name, r]): Cell[] => [
      name,
      r.accuracy,
      r.worstGroupAccuracy,
      r.worstClassAccuracy,
      r.conflictingAccuracy,
    ]),
  ]);
  const worst = perModel(
    s,
    "the most frequent worst group",
    () => [{ head: "method" }, { head: "class" }, { head: "attribute" }, { head: "seeds where it is worst" }],
    (m) =>
      m.base.worstGroups.map((w) => [w.who, w.label, w.aligned ? "aligned" : "conflicting", `${w.cells} of ${w.of}`]),
  );
  return methods + protocolTables(s) + "<h3>Which group is worst</h3>" + worst +
    conclusions(s, (m) => m.base.worstGroupsConclusion);
}

function kindsSection(s: StudySummary): string {
  const kinds = (m: ModelSummary) => m.kinds.rows.map((r) => r.kind);
  const names = ["erm", ...Object.keys(s.config.methods)];
  const ref = s.config.referenceMethod;
  return perModel(
    s,
    "worst-group accuracy (feature absent) per feature kind at the base strength",
    (m) => [{ head: "method" }, ...kinds(m).map((k) => pc(`${k} WGA %`))],
    (m) => [
      ...names.map((name): Cell[] => [
        name === ref ? `${name} (reference)` : name,
        ...m.kinds.rows.map((r) => (name === "erm" ? r.erm : r.methods[name] ?? null)),
      ]),
      ["best method (reference excluded)", ...m.kinds.rows.map((r) => r.best)],
    ],
    `${s.config.kinds.join(", ")} features`,
  ) + conclusions(s, (m) => m.kinds.conclusion);
}

/** The rho sweep's rows, then the amplitude sweep's without the base strength, which the rho sweep has. */
function strengthRows(m: ModelSummary): ModelSummary["strength"]["byRho"] {
  const seen = new Set(m.strength.byRho.map((r) => `${r.rho}|${r.amplitude}`));
  return [...m.strength.byRho, ...m.strength.byAmplitude.filter((r) => !seen.has(`${r.rho}|${r.amplitude}`))];
}

function strengthSection(s: StudySummary): string {
  const c = s.config;
  const sweep = perModel(
    s,
    "worst-group accuracy (feature absent) at each strength",
    () => [{ head: "rho" }, { head: "amplitude" }, pc("ERM WGA %"), ...c.strengthMethods.map((m) => pc(`${m} WGA %`))],
    (m) =>
      strengthRows(m).map((r) => [
        r.rho,
        r.amplitude,
        r.erm,
        ...c.strengthMethods.map((x) => r.methods[x] ?? null),
      ]),
  );
  const selectedText = (sel: Record<string, number>) =>
    Object.entries(sel).filter(([k]) => k !== "gridEdge" && k !== "refits").map(([k, v]) => `${k} ${v}`).join(", ");
  const retraining = perModel(
    s,
    "where the retraining method falls below ERM, and why",
    (m) => [
      { head: "rho" },
      { head: "amplitude" },
      pc(`${m.retraining.method} WGA %`),
      pc("ERM WGA %"),
      diff("difference, points", "no paired seeds"),
      ...(c.referenceMethod ? [pc(`reference ${c.referenceMethod} WGA %`, "not run at this strength")] : []),
      { head: "selected (median)", missing: "nothing selected" },
      { head: "balanced subsample (median)", missing: "not recorded" },
      { head: "cells at the grid's edge" },
    ],
    (m) =>
      m.retraining.rows.map((r) => [
        r.rho,
        r.amplitude,
        r.method,
        r.erm,
        r.difference,
        ...(c.referenceMethod ? [r.reference] : []),
        selectedText(r.selected),
        Number.isFinite(r.subsample) ? r.subsample : null,
        `${r.gridEdgeCells} of ${r.cells}`,
      ]),
  );
  return `${sweep}<p>${esc(s.models[0].strength.definition)}</p>` +
    conclusions(s, (m) => m.strength.conclusion) +
    `<h3>Why ${esc(c.heldoutSweep.method)} falls below ERM</h3>${retraining}` +
    conclusions(s, (m) => m.retraining.conclusion) + conclusions(s, (m) => m.retraining.referenceConclusion);
}

function heldoutSection(s: StudySummary, fig: (name: string) => string): string {
  const comps = (m: ModelSummary) => [...new Set(m.heldout.rows.map((r) => r.composition))];
  const sizes = (m: ModelSummary) => [...new Set(m.heldout.rows.map((r) => r.size))];
  const at = (m: ModelSummary, comp: string, size: number) =>
    m.heldout.rows.find((r) => r.composition === comp && r.size === size)?.worstGroupAccuracy ?? null;
  const sweep = perModel(
    s,
    `${s.config.heldoutSweep.method}'s worst-group accuracy per held-out size and composition`,
    (m) => [{ head: "held-out examples" }, ...comps(m).map((k) => pc(`${k} WGA %`))],
    (m) => sizes(m).map((size) => [size, ...comps(m).map((k) => at(m, k, size))]),
  );
  const labels = perModel(
    s,
    "worst-group accuracy against the number of group labels read",
    () => [{ head: "method" }, { head: "group-labelled examples" }, pc("WGA %")],
    (m) => m.labels.rows.map((r) => [r.method, r.groupLabels, r.worstGroupAccuracy]),
  );
  return fig("e_heldout_size") + sweep + conclusions(s, (m) => m.heldout.conclusion) + fig("e2_group_labels") +
    labels + conclusions(s, (m) => m.labels.conclusion);
}

function reweightingSection(s: StudySummary): string {
  const armName = (arm: string) => (isPublishedArm(arm) ? `${arm} (published)` : arm);
  const sets = perModel(
    s,
    "the reweighting sets (like-training is the published setting)",
    () => [
      { head: "reweighting set" },
      { head: "examples" },
      plain("conflicting examples", 0),
      plain("per conflicting group", 1),
      plain("smallest conflicting group", 0),
      pc("ERM p(true label), aligned %"),
      pc("ERM p(true label), conflicting %"),
    ],
    (m) =>
      m.reweighting.arms.map((a) => [
        armName(a.arm),
        Number.isFinite(a.reweightingSetSize) ? a.reweightingSetSize : null,
        a.conflictingCount,
        a.minorityPerGroup,
        a.smallestMinorityGroup,
        a.confidenceAligned,
        a.confidenceConflicting,
      ]),
  );
  const gammas = perModel(
    s,
    `${s.config.gammaSweep.method} at each gamma on each reweighting set`,
    (m) => [
      { head: "reweighting set" },
      { head: "gamma" },
      pc(`${m.reweighting.method} WGA %`),
      pc(`${m.reweighting.method} accuracy %`),
      plain("effective sample size", 0),
      pc("weight on conflicting %"),
      plain("conflicting / aligned weight", 1),
    ],
    (m) =>
      m.reweighting.arms.flatMap((a) =>
        a.gammaRows.map((r): Cell[] => [
          armName(a.arm),
          r.gamma,
          r.worstGroupAccuracy,
          r.accuracy,
          r.effectiveSampleSize,
          r.conflictingWeight,
          r.minorityWeightRatio,
        ])
      ),
  );
  return sets + gammas + conclusions(s, (m) => m.reweighting.conclusion);
}

function worstGroupSection(s: StudySummary): string {
  const baseline = s.config.worstGroupMethods[0] ?? "–";
  return perModel(
    s,
    `more attention to the worst group, against ${baseline}`,
    () => [
      { head: "method" },
      pc("WGA %"),
      pc("accuracy %"),
      diff(`WGA difference vs ${baseline}, points`, "baseline"),
    ],
    (m) => m.worstGroup.rows.map((r) => [r.method, r.worstGroupAccuracy, r.accuracy, r.difference]),
  ) + conclusions(s, (m) => m.worstGroup.conclusion);
}

function comparisonSection(s: StudySummary): string {
  if (s.comparison.length === 0) return "<p>One model summary: nothing to compare.</p>";
  return table(
    [{ head: "topic" }, { head: "models" }, { head: "finding" }],
    s.comparison.map((x) => [x.topic, x.agree ? "agree" : "differ", x.text]),
    `${s.models.map((m) => m.label).join(", ")}, ${s.config.kind} feature: where the models agree and differ`,
  );
}

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
  const scripts = sources ? interactiveScripts(sources, Object.fromEntries(figures.map((f) => [f.name, f.vega]))) : "";
  const trained = (m: ModelSummary) =>
    `ERM fits the spurious training set to ${percentText(m.base.trainAccuracy) ?? "–"}% training accuracy.`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spurious1d study report</title>
<style>${STYLE}</style></head><body>
<h1>Spurious correlations on MNIST-1D</h1>
${header(s, sources !== undefined)}
<h2>a. The data</h2>${fig("a1_examples")}${fig("a2_tsne_labels")}${fig("a3_tsne_agreement")}
${conclusions(s, trained)}
<h2>b. ERM on spurious data</h2>${fig("b_erm")}
${ermSection(s)}
<h2>c. All methods vs ERM</h2>${fig("c_methods")}
${methodsSection(s)}
<h2>Feature kinds at the base strength</h2>${fig("c2_kinds")}
${kindsSection(s)}
<h2>d. Q1: how much spurious signal before the problem is intractable?</h2>${fig("d1_strength_rho")}${
    fig("d2_strength_amplitude")
  }
${strengthSection(s)}
<h2>e. Q2: how much data does last-layer retraining need?</h2>
${heldoutSection(s, fig)}
<h2>f. Q3: why does reweighting perform poorly here?</h2>${fig("f1_afr_gamma")}${fig("f2_afr_confidence")}
${reweightingSection(s)}
<h2>g. Q4: does more attention to the worst group fix it?</h2>${fig("g_worst_group")}
${worstGroupSection(s)}
<h2>Models compared</h2>
${comparisonSection(s)}
<p style="font-size:12px;color:#777">Generated by spurious1d from results.jsonl; every sentence above is computed from the results.</p>
${scripts}
</body></html>
`;
}
