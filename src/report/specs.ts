// The report's figures as vega-lite specs, from the study's summary and data views. Every chart of
// results facets by `model` (one row per model summary, in the summary's order), names the models and
// the feature kind in its title, draws 95% confidence intervals as error bars, and colours methods
// from the one palette.
import type { TopLevelSpec } from "vega-lite";
import type { ModelSummary, Stat, StudySummary } from "../study/analysis.ts";
import { compositionName, isPublishedArm, type StudyConfig } from "../study/config.ts";
import type { StudyViews } from "../study/views.ts";
import { ci95 } from "./interval.ts";
import { agreementScale, CLEAN_MODEL, DIGIT_SCHEME, methodScale, NEUTRAL } from "./palette.ts";

/** A figure before rendering: file name, caption, vega-lite spec. */
export interface FigureSpec {
  readonly name: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

type Json = Record<string, unknown>;

/** One plotted estimate: mean and 95% CI in percent (null when absent), with its seed count. */
interface StatFields {
  mean: number | null;
  lo: number | null;
  hi: number | null;
  sd: number | null;
  n: number;
  /** The interval as tooltip text ("12.3 to 18.9", or why there is none). */
  interval: string;
}

const num = (v: number) => (Number.isFinite(v) ? v : null);

function pct(s: Stat, scale = 100): StatFields {
  const ci = ci95(s);
  return {
    mean: num(scale * s.mean),
    lo: ci ? num(scale * ci.lo) : null,
    hi: ci ? num(scale * ci.hi) : null,
    sd: s.n > 1 ? num(scale * s.sd) : null,
    n: s.n,
    interval: ci ? `${(scale * ci.lo).toFixed(1)} to ${(scale * ci.hi).toFixed(1)}` : `none (${s.n} seed)`,
  };
}

/** Shared look: readable fonts, nice ticks that never overlap, left-aligned titles. */
const CONFIG: Json = {
  // Headless vega estimates text at 0.8 em per character, so the limits are generous enough not to truncate.
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  axisQuantitative: { labelOverlap: "greedy", tickCount: 6 },
  // Flush ends keep x labels inside the plot; on y they would push the end label onto its neighbour.
  axisX: { labelFlush: true },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400, titleLimit: 400, orient: "right" },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 15, subtitleFontSize: 12, anchor: "start", subtitleColor: "#555" },
  view: { stroke: "#ddd" },
};

const PERCENT_AXIS = { scale: { domain: [0, 100], nice: true }, axis: { tickCount: 5 } };

/** The row facet of every result figure: one row per model, in the summary's order. */
const modelRow = (labels: readonly string[]): Json => ({
  field: "model",
  type: "nominal",
  title: "model",
  sort: [...labels],
  header: { labelAngle: 0, labelAlign: "left" },
});

function top(title: string, subtitle: string, values: readonly object[], body: Json): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle },
    data: { values },
    config: CONFIG,
    ...body,
  } as unknown as TopLevelSpec;
}

/** Tooltip fields of an estimate (mean, interval, seeds). */
const STAT_TOOLTIP = [
  { field: "mean", type: "quantitative", format: ".1f", title: "mean %" },
  { field: "interval", type: "nominal", title: "95% CI" },
  { field: "n", type: "quantitative", title: "seeds" },
];

/** Whether any estimate has an interval (an error-bar layer with no data leaves vega an empty extent). */
const hasCi = (rows: readonly StatFields[]) => rows.some((r) => r.lo !== null && r.hi !== null);

/** Error-bar layer: the 95% CI, only where there is one. */
function ciLayer(x: Json, colour: Json, extra: Json = {}): Json {
  return {
    transform: [{ filter: "isValid(datum.lo) && isValid(datum.hi)" }],
    mark: { type: "rule", strokeWidth: 1.5 },
    encoding: {
      x,
      y: { field: "lo", type: "quantitative" },
      y2: { field: "hi" },
      color: colour,
      ...extra,
    },
  };
}

/**
 * Horizontal bars (one colour per method or per category), one column per measure, one row per
 * model. Categories sit on the y axis, so their names stay horizontal and never collide.
 */
function barFacets(
  o: {
    models: readonly string[];
    category: Json;
    colour: Json;
    valueTitle: string;
    width: number;
    rows: readonly (StatFields & { measure: string })[];
  },
): Json {
  const x = { field: "mean", type: "quantitative", title: o.valueTitle, ...PERCENT_AXIS };
  return {
    facet: {
      row: modelRow(o.models),
      column: { field: "measure", type: "nominal", title: null, sort: [...new Set(o.rows.map((r) => r.measure))] },
    },
    spec: {
      width: o.width,
      height: { step: 26 },
      layer: [
        {
          mark: { type: "bar" },
          encoding: { y: o.category, x, color: o.colour, tooltip: [o.category, ...STAT_TOOLTIP] },
        },
        ...(hasCi(o.rows)
          ? [{
            transform: [{ filter: "isValid(datum.lo) && isValid(datum.hi)" }],
            mark: { type: "rule", color: NEUTRAL.interval, strokeWidth: 1.5 },
            encoding: { y: o.category, x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } },
          }]
          : []),
      ],
    },
  };
}

/** Lines with points and CI bars over a quantitative x, coloured by method, one row per model (and optionally one
 * column per value of `column`'s field). */
function lineFacets(
  o: {
    models: readonly string[];
    x: Json;
    colour: Json;
    yTitle: string;
    rows: readonly StatFields[];
    dash?: Json;
    extraTip?: Json[];
    column?: Json;
  },
): Json {
  const y = { field: "mean", type: "quantitative", title: o.yTitle, ...PERCENT_AXIS };
  const dash = o.dash ? { strokeDash: o.dash } : {};
  const detail = o.dash ? { detail: { field: o.dash.field as string } } : {};
  return {
    facet: { row: modelRow(o.models), ...(o.column ? { column: o.column } : {}) },
    spec: {
      width: o.column ? 380 : 640,
      height: 300,
      layer: [
        ...(hasCi(o.rows) ? [ciLayer(o.x, o.colour, detail)] : []),
        {
          mark: { type: "line", point: { filled: true, size: 45 }, strokeWidth: 2 },
          encoding: {
            x: o.x,
            y,
            color: o.colour,
            ...dash,
            tooltip: [{ field: "method", title: "method" }, ...(o.extraTip ?? []), o.x, ...STAT_TOOLTIP],
          },
        },
      ],
    },
  };
}

// The methods a report colours: the study's, then the sweeps' methods, which run whatever the list says,
// so each keeps one colour in every figure of the report.
const reportMethods = (c: StudyConfig) => [
  ...new Set([...Object.keys(c.methods), c.heldoutSweep.method, c.gammaSweep.method]),
];

const methodColour = (c: StudyConfig, shown: readonly string[]) => ({
  field: "method",
  type: "nominal",
  title: "method",
  scale: methodScale(reportMethods(c), shown),
  sort: [...shown],
});

function dataFigures(v: StudyViews): FigureSpec[] {
  const feature = `${v.kind} feature, amplitude ${v.amplitude}, rho ${v.rho}`;
  const exampleName = (e: StudyViews["examples"][number]) => `#${e.index}: label ${e.label}, attribute ${e.attribute}`;
  const seqRows = v.examples.flatMap((e) =>
    e.values.map((value, t) => ({
      example: exampleName(e),
      variant: e.variant,
      t,
      value,
    }))
  );
  const window = v.window
    ? [{
      transform: [{ filter: "datum.t === 0 && datum.variant === 'spurious'" }],
      mark: { type: "rect", color: NEUTRAL.window },
      encoding: { x: { datum: v.window[0], type: "quantitative" }, x2: { datum: v.window[1] - 1 } },
    }]
    : [];
  const examples: FigureSpec = {
    name: "a1_examples",
    caption: `MNIST-1D training examples without and with the ${v.kind} feature (amplitude ${v.amplitude})` +
      (v.window ? `; the shaded band is the patch's window (steps ${v.window[0]} to ${v.window[1] - 1}).` : "."),
    spec: top(`Examples: clean and with the ${v.kind} feature`, feature, seqRows, {
      facet: { column: { field: "example", type: "nominal", title: null, sort: null } },
      spec: {
        width: 175,
        height: 120,
        layer: [
          ...window,
          {
            mark: { type: "line", strokeWidth: 1.6 },
            encoding: {
              x: { field: "t", type: "quantitative", title: "time step", scale: { nice: false } },
              y: { field: "value", type: "quantitative", title: "value" },
              color: {
                field: "variant",
                type: "nominal",
                title: "sequence",
                scale: { domain: ["clean", "spurious"], range: [NEUTRAL.clean, NEUTRAL.spurious] },
              },
              strokeDash: {
                field: "variant",
                type: "nominal",
                title: "sequence",
                scale: { domain: ["clean", "spurious"], range: [[4, 3], [1, 0]] },
              },
              tooltip: [
                { field: "variant" },
                { field: "t", title: "step" },
                { field: "value", format: ".3f" },
              ],
            },
          },
        ],
      },
    }),
  };
  const n = v.tsne.points.length;
  // Conflicting points last, so the few of them are drawn on top of the many aligned ones.
  const ordered = [...v.tsne.points].sort((a, b) =>
    Number(a.aligned) === Number(b.aligned) ? a.index - b.index : a.aligned ? -1 : 1
  );
  const tsneRows = ["clean", "spurious"].flatMap((embedding) =>
    ordered.map((p) => ({
      embedding: embedding === "clean" ? "clean training set" : `with the ${v.kind} feature`,
      index: p.index,
      label: p.label,
      agreement: p.aligned ? "aligned" : "conflicting",
      x: embedding === "clean" ? p.clean[0] : p.spurious[0],
      y: embedding === "clean" ? p.clean[1] : p.spurious[1],
    }))
  );
  const scatter = (colour: Json): Json => ({
    facet: { column: { field: "embedding", type: "nominal", title: null, sort: null } },
    spec: {
      width: 340,
      height: 340,
      params: [{ name: "zoom", select: "interval", bind: "scales" }],
      mark: { type: "circle", size: 10, opacity: 0.75 },
      encoding: {
        x: { field: "x", type: "quantitative", title: "t-SNE 1", scale: { zero: false } },
        y: { field: "y", type: "quantitative", title: "t-SNE 2", scale: { zero: false } },
        color: colour,
        tooltip: [
          { field: "index", title: "example" },
          { field: "label", title: "digit" },
          { field: "agreement", title: "attribute" },
        ],
      },
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  });
  const kl = `final KL divergence ${v.tsne.klClean.toFixed(3)} (clean) and ${v.tsne.klSpurious.toFixed(3)} (spurious)`;
  const tsneLabels: FigureSpec = {
    name: "a2_tsne_labels",
    caption: `t-SNE (Barnes-Hut, perplexity ${v.tsne.perplexity}) of ${n} training examples, clean and with the ` +
      `${v.kind} feature at rho ${v.rho}, coloured by digit; ${kl}. With scripts on, drag to pan and scroll to zoom.`,
    spec: top(
      "t-SNE of the training set, by digit",
      feature,
      tsneRows,
      scatter({
        field: "label",
        type: "nominal",
        title: "digit",
        scale: { scheme: DIGIT_SCHEME },
      }),
    ),
  };
  const conflicting = v.tsne.points.filter((p) => !p.aligned).length;
  const share = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "– (no conflicting example)");
  const tsneAgreement: FigureSpec = {
    name: "a3_tsne_agreement",
    caption: `The same embeddings coloured by whether the example's attribute agrees with its label ` +
      `(${conflicting} of ${n} conflict, ${share(conflicting / n)}). Of the conflicting examples, ` +
      `${share(v.tsne.conflictingNeighbours.clean)} (clean) and ${share(v.tsne.conflictingNeighbours.spurious)} ` +
      `(with the feature) have a conflicting nearest neighbour in the embedding; with the points placed ` +
      `regardless of the attribute, about ${share(conflicting / n)} would.`,
    spec: top(
      "t-SNE of the training set, aligned vs conflicting",
      feature,
      tsneRows,
      scatter({ field: "agreement", type: "nominal", title: "attribute vs label", scale: agreementScale() }),
    ),
  };
  return [examples, tsneLabels, tsneAgreement];
}

/** Tick values for the group-label axis (symmetric log with constant `constant`): 0, then powers of ten from the
 * constant up to the first that reaches max. */
export function labelTicks(constant: number, max: number): number[] {
  const ticks = [0];
  for (let t = constant; ticks.at(-1)! < max; t *= 10) ticks.push(t);
  return ticks;
}

/** Every figure's vega-lite spec. */
export function figureSpecs(s: StudySummary, views: StudyViews): FigureSpec[] {
  const c = s.config;
  const models = s.models.map((m) => m.label);
  const who = `${models.join(", ")}; ${c.kind} feature`;
  const setting = `${c.kind} feature, rho ${c.rho}, amplitude ${c.amplitude}`;
  const seeds = `${c.seeds.length} seed(s)`;
  const ciNote = c.seeds.length > 1
    ? `Error bars: 95% confidence intervals of the mean over ${seeds} (Student's t).`
    : "One seed: no confidence interval to draw.";
  const order = ["erm", ...Object.keys(c.methods)];
  const METRICS = ["average accuracy", "worst-group accuracy"] as const;
  // Rows of every model, each tagged with its label (the row facet's field).
  const perModel = <T extends object>(f: (m: ModelSummary) => T[]) =>
    s.models.flatMap((m) => f(m).map((r) => ({ model: m.label, ...r })));
  const measureOf = (r: { accuracy: Stat; worstGroupAccuracy: Stat }, measure: (typeof METRICS)[number]) =>
    measure === "average accuracy" ? r.accuracy : r.worstGroupAccuracy;
  const methodY = (sort: readonly string[]) => ({ field: "method", type: "nominal", title: null, sort: [...sort] });

  // b. ERM on spurious data.
  const ermSets = (m: ModelSummary) =>
    [
      ["in-distribution", m.base.erm.inDistribution, "erm"],
      ["feature absent", m.base.erm.absent, "erm"],
      ["feature conflicting", m.base.erm.conflicting, "erm"],
      ["clean model, feature absent", m.base.clean, CLEAN_MODEL],
    ] as const;
  const ermRows = perModel((m) =>
    METRICS.flatMap((measure) =>
      ermSets(m).map(([testSet, r, method]) => ({ measure, testSet, method, ...pct(measureOf(r, measure)) }))
    )
  );

  // c. Every method, three measures.
  const MEASURES3 = ["average accuracy", "worst-group accuracy", "worst-class accuracy"] as const;
  const methodRows = perModel((m) =>
    MEASURES3.flatMap((measure) =>
      order.map((method) => {
        const r = method === "erm" ? m.base.erm.absent : m.base.methods[method];
        const st = measure === "worst-class accuracy" ? r.worstClassAccuracy : measureOf(r, measure);
        return { measure, method, ...pct(st) };
      })
    )
  );

  // c2. Feature kinds at the base strength: worst-group accuracy of ERM and every method, per kind.
  const kindRows = perModel((m) =>
    m.kinds.rows.flatMap((r) =>
      order.map((method) => ({
        measure: `${r.kind} feature`,
        method,
        ...pct(method === "erm" ? r.erm : r.methods[method]),
      }))
    )
  );

  // d. Strength sweeps: ERM and the strength methods.
  const shownStrength = ["erm", ...c.strengthMethods];
  const strengthRows = (key: "rho" | "amplitude") =>
    perModel((m) =>
      (key === "rho" ? m.strength.byRho : m.strength.byAmplitude).flatMap((r) => [
        { method: "erm", x: r[key], ...pct(r.erm) },
        ...c.strengthMethods.map((method) => ({ method, x: r[key], ...pct(r.methods[method]) })),
      ])
    );
  const strength = (title: string, rows: readonly StatFields[]) =>
    lineFacets({
      models,
      rows,
      x: { field: "x", type: "quantitative", title, scale: { zero: false, nice: true } },
      colour: methodColour(c, shownStrength),
      yTitle: "worst-group accuracy (%)",
    });

  // e. Held-out size, one line per composition.
  const sweep = c.heldoutSweep.method;
  const compositions = [...new Set(s.models.flatMap((m) => m.heldout.rows.map((r) => r.composition)))];
  const heldRows = perModel((m) =>
    m.heldout.rows.map((r) => ({
      method: m.heldout.method,
      composition: r.composition,
      size: r.size,
      ...pct(r.worstGroupAccuracy),
    }))
  );
  // The line's filled points would make vega-lite draw the dash legend's symbols without a stroke.
  const dashLegend = {
    symbolType: "stroke",
    symbolSize: 500,
    encode: { symbols: { update: { stroke: { value: "#333" }, strokeWidth: { value: 2 } } } },
  };
  const DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [1, 4]];
  const dashScale = (domain: readonly string[]) => ({
    domain: [...domain],
    range: domain.map((_, i) => DASHES[i % DASHES.length]),
  });

  // e2. Worst-group accuracy against the number of group labels read.
  const labelRows = perModel((m) =>
    m.labels.rows.map((r) => ({ method: r.method, labels: r.groupLabels, ...pct(r.worstGroupAccuracy) }))
  );
  const labelled = labelRows.filter((r) => r.labels > 0).map((r) => r.labels);
  // The constant is the smallest labelled size's power of ten: 0 and the smallest size sit a tick apart.
  const labelConstant = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...labelled))));
  const labelAxis = labelTicks(labelConstant, Math.max(1, ...labelled));
  const labelMethods = order.filter((m) => labelRows.some((r) => r.method === m));

  // f. The gamma sweep on each reweighting set (arm); like-training is the published one.
  const armName = (arm: string) => (isPublishedArm(arm) ? `${arm} (published)` : arm);
  const arms = (s.models[0]?.reweighting.arms ?? []).map((a) => armName(a.arm));
  const armColumn = { field: "arm", type: "nominal", title: null, sort: arms };
  const QUANTITIES = ["worst-group accuracy", "weight on conflicting examples", "effective sample size / set size"];
  const gammaRows = perModel((m) =>
    m.reweighting.arms.flatMap((a) =>
      a.gammaRows.flatMap((r) => [
        {
          method: m.reweighting.method,
          arm: armName(a.arm),
          quantity: QUANTITIES[0],
          gamma: r.gamma,
          ...pct(r.worstGroupAccuracy),
        },
        {
          method: m.reweighting.method,
          arm: armName(a.arm),
          quantity: QUANTITIES[1],
          gamma: r.gamma,
          ...pct(r.conflictingWeight),
        },
        {
          method: m.reweighting.method,
          arm: armName(a.arm),
          quantity: QUANTITIES[2],
          gamma: r.gamma,
          ...pct(r.effectiveSampleSize, 100 / a.reweightingSetSize),
        },
      ])
    )
  );
  const gammaTicks = symlogTicks(Math.max(0, ...c.gammaSweep.gammas));
  const confRows = perModel((m) =>
    m.reweighting.arms.flatMap((a) => [
      { measure: armName(a.arm), agreement: "aligned", ...pct(a.confidenceAligned) },
      { measure: armName(a.arm), agreement: "conflicting", ...pct(a.confidenceConflicting) },
    ])
  );

  // g. Worst-group attention.
  const q4 = c.worstGroupMethods;
  const q4Rows = perModel((m) =>
    METRICS.flatMap((measure) =>
      m.worstGroup.rows.map((r) => ({ measure, method: r.method, ...pct(measureOf(r, measure)) }))
    )
  );
  const reweighting = c.gammaSweep.method;

  return [
    ...dataFigures(views),
    {
      name: "b_erm",
      caption: "ERM's test accuracy and worst-group accuracy when the test data is drawn like the training data, " +
        `lacks the feature, or contradicts it; and a model trained without the feature, tested without it. ${ciNote}`,
      spec: top(
        `ERM on spurious data (${who})`,
        setting,
        ermRows,
        barFacets({
          models,
          rows: ermRows,
          category: {
            field: "testSet",
            type: "nominal",
            title: "test set",
            sort: ermSets(s.models[0]).map((e) => e[0]),
          },
          colour: methodColour(c, ["erm", CLEAN_MODEL]),
          valueTitle: "accuracy (%)",
          width: 260,
        }),
      ),
    },
    {
      name: "c_methods",
      caption: `Every method on the test set without the feature: average, worst-group and worst-class accuracy ` +
        `(${seeds}; each method's default selection). ${ciNote}`,
      spec: top(
        `Methods vs ERM, feature absent (${who})`,
        setting,
        methodRows,
        barFacets({
          models,
          rows: methodRows,
          category: methodY(order),
          colour: methodColour(c, order),
          valueTitle: "accuracy (%)",
          width: 200,
        }),
      ),
    },
    {
      name: "c2_kinds",
      caption: `Worst-group accuracy (feature absent) of ERM and every method with each feature kind at the base ` +
        `strength (rho ${c.rho}, amplitude ${c.amplitude}). ${ciNote}`,
      spec: top(
        `Feature kinds at the base strength (${models.join(", ")}; ${c.kinds.join(", ")} features)`,
        `rho ${c.rho}, amplitude ${c.amplitude}`,
        kindRows,
        barFacets({
          models,
          rows: kindRows,
          category: methodY(order),
          colour: methodColour(c, order),
          valueTitle: "worst-group accuracy (%)",
          width: 200,
        }),
      ),
    },
    {
      name: "d1_strength_rho",
      caption: `Q1: worst-group accuracy (feature absent) as rho grows, amplitude ${c.amplitude}. ${ciNote}`,
      spec: top(
        `Worst-group accuracy vs rho (${who})`,
        `amplitude ${c.amplitude}`,
        strengthRows("rho"),
        strength("rho = P(attribute = label) in training", strengthRows("rho")),
      ),
    },
    {
      name: "d2_strength_amplitude",
      caption: `Q1: worst-group accuracy (feature absent) as the amplitude grows, rho ${c.rho}. ${ciNote}`,
      spec: top(
        `Worst-group accuracy vs amplitude (${who})`,
        `rho ${c.rho}`,
        strengthRows("amplitude"),
        strength("amplitude (in units of the data's std)", strengthRows("amplitude")),
      ),
    },
    {
      name: "e_heldout_size",
      caption: `Q2: ${sweep}'s worst-group accuracy against the size of its group-labelled held-out set (log scale), ` +
        `one line per composition of that set. ${ciNote}`,
      spec: top(
        `${sweep} vs held-out size and composition (${who})`,
        setting,
        heldRows,
        lineFacets({
          models,
          rows: heldRows,
          x: {
            field: "size",
            type: "quantitative",
            title: "held-out examples (log scale)",
            scale: { type: "log", nice: false },
          },
          colour: methodColour(c, [sweep]),
          dash: {
            field: "composition",
            type: "nominal",
            title: "held-out composition",
            scale: dashScale(compositions),
            sort: compositions,
            legend: dashLegend,
          },
          yTitle: "worst-group accuracy (%)",
          extraTip: [{ field: "composition" }],
        }),
      ),
    },
    {
      name: "e2_group_labels",
      caption: `Q2: worst-group accuracy against the number of group labels a method reads: methods that read none ` +
        `(by their default selection) at 0, ${sweep} at each size of a ${
          compositionName(c.heldout)
        } held-out set (symmetric log scale, so 0 has a place). ${ciNote}`,
      spec: top(
        `Worst-group accuracy vs group labels (${who})`,
        setting,
        labelRows,
        lineFacets({
          models,
          rows: labelRows,
          x: {
            field: "labels",
            type: "quantitative",
            title: "group-labelled examples (symmetric log scale)",
            // Padding keeps the label-free methods' points at 0 clear of the axis.
            scale: { type: "symlog", constant: labelConstant, domain: [0, labelAxis.at(-1)], padding: 12 },
            axis: { values: labelAxis, format: "d" },
          },
          colour: methodColour(c, labelMethods),
          yTitle: "worst-group accuracy (%)",
        }),
      ),
    },
    {
      name: "f1_afr_gamma",
      caption: `Q3: ${reweighting}'s worst-group accuracy, the share of the weight on conflicting examples and the ` +
        `effective sample size as gamma grows, on each reweighting set (like-training, marked published, is the ` +
        `setting ${reweighting} was published with; symmetric log scale, so gamma 0 has a place). ${ciNote}`,
      spec: top(
        `${reweighting}: gamma sweep per reweighting set (${who})`,
        setting,
        gammaRows,
        lineFacets({
          models,
          rows: gammaRows,
          column: armColumn,
          x: {
            field: "gamma",
            type: "quantitative",
            title: "gamma (symmetric log scale)",
            scale: { type: "symlog", constant: 1, domain: [0, gammaTicks.at(-1)] },
            axis: { values: gammaTicks, format: "d" },
          },
          colour: methodColour(c, [reweighting]),
          dash: {
            field: "quantity",
            type: "nominal",
            title: "quantity",
            scale: dashScale(QUANTITIES),
            sort: QUANTITIES,
            legend: dashLegend,
          },
          yTitle: "%",
          extraTip: [{ field: "arm" }, { field: "quantity" }],
        }),
      ),
    },
    {
      name: "f2_afr_confidence",
      caption: "Q3: ERM's mean probability of the true label on each reweighting set's examples whose attribute " +
        `agrees with the label or conflicts with it (the first set is the published one). ${ciNote}`,
      spec: top(
        `ERM's confidence on ${reweighting}'s reweighting sets (${who})`,
        setting,
        confRows,
        barFacets({
          models,
          rows: confRows,
          category: {
            field: "agreement",
            type: "nominal",
            title: "attribute vs label",
            sort: ["aligned", "conflicting"],
          },
          colour: { field: "agreement", type: "nominal", title: "attribute vs label", scale: agreementScale() },
          valueTitle: "mean p(true label) (%)",
          width: 220,
        }),
      ),
    },
    {
      name: "g_worst_group",
      caption: `Q4: methods that give more weight to the currently worst group, against ${q4[0] ?? "–"}. ${ciNote}`,
      spec: top(
        `More attention to the worst group? (${who})`,
        setting,
        q4Rows,
        barFacets({
          models,
          rows: q4Rows,
          category: methodY(q4),
          colour: methodColour(c, q4),
          valueTitle: "accuracy (%)",
          width: 260,
        }),
      ),
    },
  ];
}

/** Tick values for a symmetric-log axis covering 0 to max: 0, 1, 3, 10, 30, ..., ending at the first >= max. */
export function symlogTicks(max: number): number[] {
  const ticks = [0, 1];
  for (let p = 1; ticks.at(-1)! < max; p *= 10) ticks.push(3 * p, 10 * p);
  return ticks.length > 2 && ticks.at(-2)! >= max ? ticks.slice(0, -1) : ticks;
}
