// From cell results to the report's numbers: one summary per model (and grouping) for each question,
// and a comparison of the models. Every sentence is computed from the results; nothing about the
// outcome is pre-written. Differences are judged by their paired 95% interval over seeds.
import type { CellResult, MethodScores, Scores } from "./run_cell.ts";
import { compositionName, isPublishedArm, methodParams, type StudyConfig } from "./config.ts";
import { ci95, pairedDifference, type Stat, stat, verdict } from "./stats.ts";
import { getMethod } from "../methods/registry.ts";
import { selectionUsesGroupLabels } from "../methods/selection.ts";

export { type Stat, stat } from "./stats.ts";

/** A percentage with one decimal. */
export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** An accuracy's mean with its 95% interval in brackets ("12.3% [10.1, 14.5]"), or "(one seed)" when there is none. */
export function withCi(s: Stat): string {
  const c = ci95(s);
  if (!c) return `${pct(s.mean)}${s.n === 1 ? " (one seed)" : ""}`;
  // Student's t over few seeds can reach past 0 or 100%: shown as computed, as the tables do.
  return `${pct(s.mean)} [${(100 * c.lo).toFixed(1)}, ${(100 * c.hi).toFixed(1)}]`;
}

/** A paired difference in points with its interval ("+3.1 points [0.4, 5.8]"). */
export function pointsCi(d: Stat): string {
  const sign = d.mean > 0 ? "+" : "";
  const c = ci95(d);
  return `${sign}${(100 * d.mean).toFixed(1)} points${
    c ? ` [${(100 * c.lo).toFixed(1)}, ${(100 * c.hi).toFixed(1)}]` : d.n === 1 ? " (one seed)" : ""
  }`;
}

/** Average, worst-group and worst-class accuracy over seeds. */
export interface ScorePair {
  readonly accuracy: Stat;
  readonly worstGroupAccuracy: Stat;
  readonly worstClassAccuracy: Stat;
}

/** A method's scores over seeds, and each selection protocol's. */
export interface MethodStat extends ScorePair {
  readonly conflictingAccuracy: Stat;
  readonly byProtocol: Record<string, { accuracy: Stat; worstGroupAccuracy: Stat }>;
}

export interface StrengthRow {
  readonly rho: number;
  readonly amplitude: number;
  readonly erm: Stat;
  readonly methods: Record<string, Stat>;
  readonly best: Stat;
}

/** Q3: one reweighting set. */
export interface ArmSummary {
  readonly arm: string;
  readonly gammaRows: {
    gamma: number;
    worstGroupAccuracy: Stat;
    accuracy: Stat;
    effectiveSampleSize: Stat;
    conflictingWeight: Stat;
    /** Mean weight of an example of a conflicting group over that of an aligned group's. */
    minorityWeightRatio: Stat;
  }[];
  readonly confidenceAligned: Stat;
  readonly confidenceConflicting: Stat;
  readonly conflictingCount: Stat;
  /** Examples per conflicting group: mean over groups, and the smallest group. */
  readonly minorityPerGroup: Stat;
  readonly smallestMinorityGroup: Stat;
  readonly reweightingSetSize: number;
}

/** Everything the report says about one model (with one grouping). */
export interface ModelSummary {
  readonly model: string;
  readonly grouping: string;
  /** How figures and tables name it: the model, and the grouping when the study has several. */
  readonly label: string;
  readonly base: {
    readonly erm: Record<"inDistribution" | "absent" | "conflicting", ScorePair>;
    readonly trainAccuracy: Stat;
    readonly clean: ScorePair;
    readonly methods: Record<string, MethodStat>;
    readonly numGroups: number;
    readonly testSize: number;
    readonly heldoutSize: number;
    readonly conclusion: string;
    /** Which groups are worst: for ERM and each method, the most frequent worst group over seeds. */
    readonly worstGroups: { who: string; label: number; aligned: boolean; cells: number; of: number }[];
    readonly worstGroupsConclusion: string;
  };
  readonly kinds: {
    readonly rows: { kind: string; erm: Stat; ermAccuracy: Stat; methods: Record<string, Stat>; best: string }[];
    readonly conclusion: string;
  };
  readonly strength: {
    readonly byRho: StrengthRow[];
    readonly byAmplitude: StrengthRow[];
    readonly reference: number;
    readonly thresholdRho: number | null;
    readonly thresholdAmplitude: number | null;
    readonly definition: string;
    readonly conclusion: string;
  };
  /** Why the retraining method falls below ERM where it does, and where the reference beats it. */
  readonly retraining: {
    readonly method: string;
    readonly rows: {
      rho: number;
      amplitude: number;
      method: Stat;
      erm: Stat;
      reference: Stat | null;
      difference: Stat;
      selected: Record<string, number>;
      gridEdgeCells: number;
      subsample: number;
      cells: number;
    }[];
    readonly conclusion: string;
    readonly referenceConclusion: string;
  };
  readonly heldout: {
    readonly method: string;
    readonly rows: { composition: string; size: number; worstGroupAccuracy: Stat; accuracy: Stat }[];
    readonly compositions: { composition: string; full: number; size90: number | null; size95: number | null }[];
    readonly conclusion: string;
  };
  /** Q2: worst-group accuracy against the number of group labels a method reads. */
  readonly labels: {
    readonly rows: { method: string; groupLabels: number; worstGroupAccuracy: Stat }[];
    readonly conclusion: string;
  };
  readonly reweighting: { readonly method: string; readonly arms: ArmSummary[]; readonly conclusion: string };
  readonly worstGroup: {
    readonly rows: { method: string; worstGroupAccuracy: Stat; accuracy: Stat; difference: Stat | null }[];
    readonly conclusion: string;
  };
}

/** What the models agree and differ on, one topic each. */
export interface Comparison {
  readonly topic: string;
  readonly agree: boolean;
  readonly text: string;
}

/** The whole study's summary: one ModelSummary per model and grouping, and their comparison. */
export interface StudySummary {
  readonly config: StudyConfig;
  readonly cells: number;
  readonly models: ModelSummary[];
  readonly comparison: Comparison[];
}

const scorePair = (cells: readonly CellResult[], f: (c: CellResult) => Scores | undefined): ScorePair => ({
  accuracy: stat(cells.map((c) => f(c)?.accuracy ?? NaN)),
  worstGroupAccuracy: stat(cells.map((c) => f(c)?.worstGroupAccuracy ?? NaN)),
  worstClassAccuracy: stat(cells.map((c) => f(c)?.worstClassAccuracy ?? NaN)),
});

const wga = (cells: readonly CellResult[], m: string) => cells.map((c) => c.methods[m]?.worstGroupAccuracy ?? NaN);
const ermWga = (cells: readonly CellResult[]) => cells.map((c) => c.erm.absent.worstGroupAccuracy);
const median = (v: number[]) => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const capital = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
const list = (items: string[]) =>
  items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
const num = (v: unknown) => (typeof v === "number" ? v : NaN);

function methodStat(cells: readonly CellResult[], m: string): MethodStat {
  const protocols = [...new Set(cells.flatMap((c) => Object.keys(c.methods[m]?.byProtocol ?? {})))];
  const proto = (c: CellResult, p: string) => c.methods[m]?.byProtocol?.[p];
  return {
    ...scorePair(cells, (c) => c.methods[m]),
    conflictingAccuracy: stat(cells.map((c) => c.methods[m]?.conflictingAccuracy ?? NaN)),
    byProtocol: Object.fromEntries(protocols.map((p) => [p, {
      accuracy: stat(cells.map((c) => proto(c, p)?.accuracy ?? NaN)),
      worstGroupAccuracy: stat(cells.map((c) => proto(c, p)?.worstGroupAccuracy ?? NaN)),
    }])),
  };
}

function strengthRows(
  cells: readonly CellResult[],
  config: StudyConfig,
  key: "rho" | "amplitude",
): StrengthRow[] {
  const values = key === "rho" ? config.rhos : config.amplitudes;
  const fixed = key === "rho"
    ? (c: CellResult) => c.amplitude === config.amplitude
    : (c: CellResult) => c.rho === config.rho;
  return [...new Set(values)].sort((a, b) => a - b).flatMap((v) => {
    const group = cells.filter((c) => c.kind === config.kind && c[key] === v && fixed(c));
    if (!group.length) return [];
    const shown = config.strengthMethods;
    return [{
      rho: key === "rho" ? v : config.rho,
      amplitude: key === "amplitude" ? v : config.amplitude,
      erm: stat(ermWga(group)),
      methods: Object.fromEntries(shown.map((m) => [m, stat(wga(group, m))])),
      best: stat(group.map((c) => Math.max(-1, ...shown.map((m) => c.methods[m]?.worstGroupAccuracy ?? -1)))),
    }];
  });
}

/** The most frequent worst group of `f` over the cells (ties: the smaller id). */
function commonWorstGroup(cells: readonly CellResult[], f: (c: CellResult) => Scores | undefined) {
  const counts = new Map<number, number>();
  let of = 0;
  for (const c of cells) {
    const g = f(c)?.worstGroup;
    if (g === undefined || g < 0) continue;
    of++;
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  const [id, n] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [-1, 0];
  const info = cells[0]?.groups[id];
  return info ? { label: info.label, aligned: info.aligned, cells: n, of } : null;
}

/** Base-strength summary and its conclusion. */
function baseSection(config: StudyConfig, cells: readonly CellResult[]): ModelSummary["base"] {
  const names = Object.keys(config.methods);
  const methods = Object.fromEntries(names.map((m) => [m, methodStat(cells, m)]));
  const erm = {
    inDistribution: scorePair(cells, (c) => c.erm.inDistribution),
    absent: scorePair(cells, (c) => c.erm.absent),
    conflicting: scorePair(cells, (c) => c.erm.conflicting),
  };
  const clean = scorePair(cells.filter((c) => c.clean), (c) => c.clean);
  const ranked = names.filter((m) =>
    m !== config.referenceMethod && Number.isFinite(methods[m].worstGroupAccuracy.mean)
  )
    .sort((a, b) => methods[b].worstGroupAccuracy.mean - methods[a].worstGroupAccuracy.mean);
  const best = ranked[0];
  const ref = config.referenceMethod;
  const vsErm = best ? pairedDifference(wga(cells, best), ermWga(cells)) : null;
  const conclusion = `At rho ${config.rho} and amplitude ${config.amplitude} (${config.kind}), ERM reaches ` +
    `${withCi(erm.inDistribution.accuracy)} on test data drawn like its training data, ${
      withCi(erm.absent.accuracy)
    } when the feature is absent and ${withCi(erm.conflicting.accuracy)} when it conflicts; ` +
    `the same model trained without the feature reaches ${withCi(clean.accuracy)}. Worst-group accuracy ` +
    `without the feature is ${withCi(erm.absent.worstGroupAccuracy)} for ERM against ${
      withCi(clean.worstGroupAccuracy)
    } for the clean model.` +
    (best && vsErm
      ? ` Of the methods, ${best} has the highest worst-group accuracy (${withCi(methods[best].worstGroupAccuracy)}), ${
        pointsCi(vsErm)
      } against ERM (${verdictWords(verdict(vsErm), vsErm.n)})` +
        (ref
          ? `; the reference ${ref}, fitted by maximum likelihood to ERM's features of the whole held-out set, ` +
            `reaches ${withCi(methods[ref].worstGroupAccuracy)}.`
          : ".")
      : "");
  const whoList = ["erm", ...names];
  const worstGroups = whoList.flatMap((who) => {
    const w = commonWorstGroup(cells, (c) => (who === "erm" ? c.erm.absent : c.methods[who]));
    return w ? [{ who, ...w }] : [];
  });
  const conflictingWorst = worstGroups.filter((w) => !w.aligned);
  const classCount = new Map<number, number>();
  for (const w of worstGroups) classCount.set(w.label, (classCount.get(w.label) ?? 0) + 1);
  const topClasses = [...classCount].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 2);
  const ermWorst = worstGroups.find((w) => w.who === "erm");
  const worstGroupsConclusion = worstGroups.length === 0
    ? "No worst group was recorded."
    : (ermWorst
      ? `ERM's most frequent worst group is class ${ermWorst.label}, ${
        ermWorst.aligned ? "aligned" : "conflicting"
      } (in ${ermWorst.cells} of ${ermWorst.of} seeds). `
      : "") +
      `Over ERM and the ${names.length} methods, the most frequent worst group is a conflicting one for ` +
      `${conflictingWorst.length} of ${worstGroups.length}` +
      `; the classes that are worst most often: ${
        list(topClasses.map(([label, n]) => `${label} (${n} of ${worstGroups.length})`))
      }.`;
  return {
    erm,
    trainAccuracy: stat(cells.map((c) => c.erm.trainAccuracy)),
    clean,
    methods,
    numGroups: cells[0].numGroups,
    testSize: cells[0].testSize,
    heldoutSize: cells[0].heldout.size,
    conclusion,
    worstGroups,
    worstGroupsConclusion,
  };
}

function verdictWords(v: ReturnType<typeof verdict>, n = 2): string {
  if (n < 2) return "one seed: no interval";
  switch (v) {
    case "higher":
      return "its 95% interval lies above zero";
    case "lower":
      return "its 95% interval lies below zero";
    case "unclear":
      return "its 95% interval includes zero";
    default:
      return "one seed: no interval";
  }
}

/** Feature kinds at the base strength. */
function kindsSection(config: StudyConfig, cells: readonly CellResult[]): ModelSummary["kinds"] {
  const names = Object.keys(config.methods).filter((m) => m !== config.referenceMethod);
  const rows = config.kinds.flatMap((kind) => {
    const group = cells.filter((c) => c.base && c.kind === kind);
    if (!group.length) return [];
    const methods = Object.fromEntries(Object.keys(config.methods).map((m) => [m, stat(wga(group, m))]));
    const best = names.reduce((a, b) => (methods[b].mean > methods[a].mean ? b : a), names[0]);
    return [{
      kind,
      erm: stat(ermWga(group)),
      ermAccuracy: stat(group.map((c) => c.erm.absent.accuracy)),
      methods,
      best,
    }];
  });
  if (!rows.length) return { rows, conclusion: "No base-strength cell has finished." };
  const hardest = rows.reduce((a, b) => (b.erm.mean < a.erm.mean ? b : a));
  const conclusion = `At the base strength, ERM's worst-group accuracy without the feature is ${
    list(rows.map((r) => `${withCi(r.erm)} with the ${r.kind} feature`))
  }; ${hardest.kind} is the strongest shortcut for this model. The best method per kind: ${
    list(rows.map((r) => `${r.best} for ${r.kind} (${withCi(r.methods[r.best])})`))
  }.`;
  return { rows, conclusion };
}

/** Q1: strength sweeps and the threshold of intractability. */
function strengthSection(
  config: StudyConfig,
  cells: readonly CellResult[],
  clean: ScorePair,
): ModelSummary["strength"] {
  const byRho = strengthRows(cells, config, "rho");
  const byAmplitude = strengthRows(cells, config, "amplitude");
  const zero = byAmplitude.find((r) => r.amplitude === 0);
  const reference = zero ? zero.erm.mean : clean.worstGroupAccuracy.mean;
  const threshold = (rows: StrengthRow[], key: "rho" | "amplitude") =>
    rows.find((r) => r[key] > 0 && r.best.mean < 0.5 * reference)?.[key] ?? null;
  const thresholdRho = threshold(byRho, "rho");
  const thresholdAmplitude = threshold(byAmplitude, "amplitude");
  const definition =
    `A strength is intractable when the best of ${
      list(config.strengthMethods)
    } has a worst-group accuracy without the feature below half of what ERM reaches with no spurious signal ` +
    `(${zero ? "amplitude 0" : "the clean model"}: ${pct(reference)}).`;
  const axis = (t: number | null, key: string, fixed: string, max: number) =>
    t === null
      ? `no ${key} up to ${max} (${fixed}) is intractable by this definition`
      : `with ${fixed}, it becomes intractable at ${key} ${t}`;
  const ref = config.referenceMethod && config.strengthMethods.includes(config.referenceMethod)
    ? config.referenceMethod
    : null;
  const first = byRho[0];
  const last = byRho.at(-1);
  const refSentence = ref && first && last
    ? `, and the reference ${ref} on ERM's features from ${pct(first.methods[ref].mean)} to ${
      pct(last.methods[ref].mean)
    }: ${
      last.methods[ref].mean < 0.5 * first.methods[ref].mean
        ? "the features themselves lose the digit, which no last-layer method can restore"
        : "the features keep most of what a linear head needs, so the loss is in the last layer"
    }`
    : "";
  const conclusion = byRho.length === 0
    ? "No cell of the rho sweep has finished."
    : `${capital(axis(thresholdRho, "rho", `amplitude ${config.amplitude}`, Math.max(...config.rhos)))}; ${
      axis(thresholdAmplitude, "amplitude", `rho ${config.rho}`, Math.max(...config.amplitudes))
    }. ` +
      `Along rho, ERM's worst-group accuracy goes from ${pct(first.erm.mean)} (rho ${first.rho}) to ${
        pct(last!.erm.mean)
      } (rho ${last!.rho}), the best method's from ${pct(first.best.mean)} to ${pct(last!.best.mean)}${refSentence}.`;
  return { byRho, byAmplitude, reference, thresholdRho, thresholdAmplitude, definition, conclusion };
}

/** Why the retraining method (DFR) falls below ERM where it does: its selected hyperparameters, the balanced
 * subsample it refits on, and whether its grid's edge was reached; and where the reference beats it. */
function retrainingSection(config: StudyConfig, cells: readonly CellResult[]): ModelSummary["retraining"] {
  const m = config.heldoutSweep.method;
  const ref = config.referenceMethod;
  const settings = new Map<string, [number, number]>();
  for (const c of cells) {
    if (c.kind === config.kind && c.methods[m]) settings.set(`${c.rho}|${c.amplitude}`, [c.rho, c.amplitude]);
  }
  const rows = [...settings.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([rho, amplitude]) => {
    const group = cells.filter((c) =>
      c.kind === config.kind && c.rho === rho && c.amplitude === amplitude && c.methods[m]
    );
    const keys = [...new Set(group.flatMap((c) => Object.keys(c.methods[m].selected)))];
    return {
      rho,
      amplitude,
      method: stat(wga(group, m)),
      erm: stat(ermWga(group)),
      reference: ref && group.every((c) => c.methods[ref]) ? stat(wga(group, ref)) : null,
      difference: pairedDifference(wga(group, m), ermWga(group)),
      selected: Object.fromEntries(keys.map((k) => [k, median(group.map((c) => c.methods[m].selected[k]))])),
      gridEdgeCells: group.filter((c) => (c.methods[m].selected.gridEdge ?? 0) !== 0).length,
      subsample: median(group.map((c) => num(c.methods[m].diagnostics.balancedSubsampleSize))),
      cells: group.length,
    };
  });
  const at = (r: (typeof rows)[number]) => `rho ${r.rho}, amplitude ${r.amplitude}`;
  const below = rows.filter((r) => r.difference.mean < 0);
  const heldout = cells[0]?.heldout.size ?? NaN;
  const describe = (r: (typeof rows)[number]) => {
    // The hyperparameters it searched (a grid in the config), not the fixed ones.
    const searched = (k: string) => Array.isArray(methodParams(config, m)[k]);
    const sel = Object.entries(r.selected).filter(([k]) => searched(k)).map(([k, v]) => `${k} ${v}`).join(", ");
    return `at ${at(r)}: ${withCi(r.method)} against ERM's ${withCi(r.erm)} (${
      pointsCi(r.difference)
    }); it refits on ` +
      `a group-balanced subsample of ${Number.isFinite(r.subsample) ? r.subsample : "?"} of the ${heldout} held-out ` +
      `examples with ${sel || "its defaults"}, at its grid's edge in ${r.gridEdgeCells} of ${r.cells} cells` +
      (r.reference ? `, while the reference fitted on all ${heldout} reaches ${withCi(r.reference)}` : "");
  };
  const conclusion = below.length === 0
    ? `${m} is at or above ERM at every strength studied.`
    : `${m} falls below ERM ${list(below.map(describe))}. Where the feature carries little signal, ERM's head was ` +
      `fitted on all of its training set; ${m} refits on the balanced subsample only, the size of the smallest group ` +
      `times the number of groups.`;
  const edges = gridEdgeSentence(cells, m);
  const refRows = rows.filter((r) => r.reference);
  const refBeats = refRows.filter((r) => r.reference!.mean > r.method.mean);
  const referenceConclusion = !ref || refRows.length === 0
    ? "No reference method in this study."
    : refBeats.length === 0
    ? `${m} is at or above the reference ${ref} at every strength studied.`
    : `The reference ${ref} (no balancing, the whole held-out set) beats ${m} at ${
      list(refBeats.map((r) => `${at(r)} (${pct(r.reference!.mean)} vs ${pct(r.method.mean)})`))
    }, and ${m} beats it at ${refRows.length - refBeats.length} of ${refRows.length} strengths.`;
  return { method: m, rows, conclusion: edges ? `${conclusion} ${edges}` : conclusion, referenceConclusion };
}

/** Q2: the sweep method at each held-out size and composition. */
function heldoutSection(config: StudyConfig, sweep: readonly CellResult[]): ModelSummary["heldout"] {
  const m = config.heldoutSweep.method;
  const entry = (c: CellResult, comp: string, size: number) =>
    c.heldoutSweep?.find((r) => r.composition === comp && r.size === size);
  const comps = config.heldoutSweep.compositions.map(compositionName);
  const sizes = [...config.heldoutSweep.sizes].sort((a, b) => a - b);
  const rows = comps.flatMap((composition) =>
    sizes.map((size) => ({
      composition,
      size,
      worstGroupAccuracy: stat(sweep.map((c) => entry(c, composition, size)?.scores.worstGroupAccuracy ?? NaN)),
      accuracy: stat(sweep.map((c) => entry(c, composition, size)?.scores.accuracy ?? NaN)),
    }))
  );
  const compositions = comps.map((composition) => {
    const own = rows.filter((r) => r.composition === composition);
    const full = own.at(-1)?.worstGroupAccuracy.mean ?? NaN;
    const reach = (f: number) => own.find((r) => r.worstGroupAccuracy.mean >= f * full)?.size ?? null;
    return { composition, full, size90: full > 0 ? reach(0.9) : null, size95: full > 0 ? reach(0.95) : null };
  });
  const largest = sizes.at(-1)!;
  const numGroups = sweep[0]?.numGroups ?? NaN;
  const perComp = compositions.map((c) =>
    !(c.full > 0)
      ? `on a ${c.composition} set, ${pct(c.full)} even with ${largest} examples`
      : `on a ${c.composition} set, ${pct(c.full)} with ${largest} examples, ${
        c.size90 === null || c.size90 === largest
          ? "and no smaller size reaches 90% of that"
          : `and ${c.size90} (about ${Math.round(c.size90 / numGroups)} per group if balanced) reach 90% of it`
      }`
  );
  const best = compositions.reduce((a, b) => (b.full > a.full ? b : a), compositions[0]);
  const conclusion = sweep.length === 0
    ? "No sweep cell has finished."
    : `${m}'s worst-group accuracy: ${
      list(perComp)
    }. The ${best.composition} set serves ${m} best at the largest size: what it needs is examples of the ` +
      `conflicting groups, which a ${best.composition} set ${
        best.composition === "decorrelated" ? "holds most of" : "holds"
      }.`;
  return { method: m, rows, compositions, conclusion };
}

/** Q2, in group labels: methods that read none (by their default selection) against the sweep method at each
 * size of the main composition, which reads one group label per example. */
function labelsSection(
  config: StudyConfig,
  base: ModelSummary["base"],
  heldout: ModelSummary["heldout"],
): ModelSummary["labels"] {
  const free = Object.keys(config.methods).filter((m) => {
    const method = getMethod(m);
    const by = method?.selections?.[0];
    return method?.groupLabels === "none" && (by === undefined || !selectionUsesGroupLabels(by));
  });
  const main = compositionName(config.heldout);
  const rows = [
    ...free.map((method) => ({ method, groupLabels: 0, worstGroupAccuracy: base.methods[method].worstGroupAccuracy })),
    ...heldout.rows.filter((r) => r.composition === main).map((r) => ({
      method: heldout.method,
      groupLabels: r.size,
      worstGroupAccuracy: r.worstGroupAccuracy,
    })),
  ];
  const bestFree = rows.filter((r) => r.groupLabels === 0)
    .reduce<(typeof rows)[number] | null>(
      (a, b) => (!a || b.worstGroupAccuracy.mean > a.worstGroupAccuracy.mean ? b : a),
      null,
    );
  const matching = rows.find((r) =>
    r.groupLabels > 0 && bestFree && r.worstGroupAccuracy.mean >= bestFree.worstGroupAccuracy.mean
  );
  const conclusion = !bestFree
    ? "No method without group labels is in this study."
    : `Without any group label, ${bestFree.method} reaches ${withCi(bestFree.worstGroupAccuracy)}. ` +
      (matching
        ? `${heldout.method} matches it with ${matching.groupLabels} group-labelled examples (${
          pct(matching.worstGroupAccuracy.mean)
        }).`
        : `${heldout.method} does not reach it with up to ${
          Math.max(0, ...rows.map((r) => r.groupLabels))
        } group-labelled ${main} examples.`);
  return { rows, conclusion };
}

/** Q3: the reweighting method on each arm. */
function reweightingSection(config: StudyConfig, sweep: readonly CellResult[]): ModelSummary["reweighting"] {
  const m = config.gammaSweep.method;
  const arms = config.gammaSweep.arms.map(compositionName).map((arm): ArmSummary => {
    const entry = (c: CellResult, g: number) => c.gammaSweep?.find((r) => r.arm === arm && r.gamma === g);
    const d = (c: CellResult, g: number, key: string) => num(entry(c, g)?.diagnostics[key]);
    const gammas = [...config.gammaSweep.gammas].sort((a, b) => a - b);
    const perGroup = (c: CellResult, g: number, key: string) => {
      const v = entry(c, g)?.diagnostics[key];
      return Array.isArray(v) ? (v as number[]) : null;
    };
    const minorityRatio = (c: CellResult, g: number) => {
      const w = perGroup(c, g, "meanWeightByGroup");
      const n = perGroup(c, g, "countByGroup");
      if (!w || !n) return NaN;
      const mean = (aligned: boolean) => {
        let s = 0;
        let k = 0;
        c.groups.forEach((info, id) => {
          if (info.aligned === aligned && n[id] > 0) (s += w[id] * n[id]), (k += n[id]);
        });
        return k ? s / k : NaN;
      };
      return mean(false) / mean(true);
    };
    const counts = (c: CellResult) => {
      const n = perGroup(c, gammas[0], "countByGroup") ?? [];
      return c.groups.flatMap((info, id) => (info.aligned ? [] : [n[id] ?? NaN]));
    };
    return {
      arm,
      gammaRows: gammas.map((gamma) => ({
        gamma,
        worstGroupAccuracy: stat(sweep.map((c) => entry(c, gamma)?.scores.worstGroupAccuracy ?? NaN)),
        accuracy: stat(sweep.map((c) => entry(c, gamma)?.scores.accuracy ?? NaN)),
        effectiveSampleSize: stat(sweep.map((c) => d(c, gamma, "effectiveSampleSize"))),
        conflictingWeight: stat(sweep.map((c) => d(c, gamma, "totalWeightConflicting"))),
        minorityWeightRatio: stat(sweep.map((c) => minorityRatio(c, gamma))),
      })),
      confidenceAligned: stat(sweep.map((c) => d(c, gammas[0], "meanErmConfidenceAligned"))),
      confidenceConflicting: stat(sweep.map((c) => d(c, gammas[0], "meanErmConfidenceConflicting"))),
      conflictingCount: stat(sweep.map((c) => d(c, gammas[0], "conflictingCount"))),
      minorityPerGroup: stat(sweep.map((c) => stat(counts(c)).mean)),
      smallestMinorityGroup: stat(sweep.map((c) => Math.min(...counts(c)))),
      reweightingSetSize: d(sweep[0], gammas[0], "reweightingSetSize"),
    };
  });
  const describe = (a: ArmSummary, published: boolean) => {
    const rows = a.gammaRows;
    const top = rows.at(-1)!;
    const best = rows.reduce((x, y) => (y.worstGroupAccuracy.mean > x.worstGroupAccuracy.mean ? y : x));
    const gain = pairedDifference(
      sweep.map((c) =>
        c.gammaSweep?.find((r) => r.arm === a.arm && r.gamma === best.gamma)?.scores.worstGroupAccuracy ?? NaN
      ),
      sweep.map((c) =>
        c.gammaSweep?.find((r) => r.arm === a.arm && r.gamma === rows[0].gamma)?.scores.worstGroupAccuracy ?? NaN
      ),
    );
    return `${
      published ? "In its published setting, a" : "On a"
    } ${a.arm} reweighting set of ${a.reweightingSetSize} ` +
      `examples without group labels, each conflicting group holds ${a.minorityPerGroup.mean.toFixed(1)} examples on ` +
      `average (the smallest ${a.smallestMinorityGroup.mean.toFixed(0)}; ${
        a.conflictingCount.mean.toFixed(0)
      } in all). ` +
      `ERM gives the true label ${pct(a.confidenceAligned.mean)} probability where the attribute agrees and ${
        pct(a.confidenceConflicting.mean)
      } where it conflicts; at gamma ${top.gamma} a conflicting example weighs ${
        top.minorityWeightRatio.mean.toFixed(1)
      } times an aligned one, the conflicting examples carry ${pct(top.conflictingWeight.mean)} of the weight, and ` +
      `the effective sample size is ${top.effectiveSampleSize.mean.toFixed(0)}. Worst-group accuracy goes from ${
        withCi(rows[0].worstGroupAccuracy)
      } at gamma ${rows[0].gamma} to at best ${withCi(best.worstGroupAccuracy)} at gamma ${best.gamma} (${
        pointsCi(gain)
      }).`;
  };
  const published = arms.find((a) => isPublishedArm(a.arm)) ?? arms[0];
  const why = !published || !published.gammaRows.length ? "" : (() => {
    const top = published.gammaRows.at(-1)!;
    const ess = top.effectiveSampleSize.mean;
    return ` Why it does poorly: the weights can only amplify the ${
      published.conflictingCount.mean.toFixed(0)
    } conflicting examples the set holds, so the fit rests on an effective ${ess.toFixed(0)} examples, ${
      ess < published.conflictingCount.mean
        ? "fewer than the conflicting examples themselves: the weight concentrates on a few of them"
        : "and what they add is limited by what ERM's features encode"
    }.`;
  })();
  const conclusion = sweep.length === 0
    ? "No sweep cell has finished."
    : arms.map((a) => describe(a, isPublishedArm(a.arm))).join(" ") + why;
  return { method: m, arms, conclusion };
}

/** Q4: methods that give the worst group more attention, against the first (the baseline). */
function worstGroupSection(config: StudyConfig, sweep: readonly CellResult[]): ModelSummary["worstGroup"] {
  const [baseline, ...others] = config.worstGroupMethods;
  const rows = config.worstGroupMethods.map((method) => ({
    method,
    worstGroupAccuracy: stat(wga(sweep, method)),
    accuracy: stat(sweep.map((c) => c.methods[method]?.accuracy ?? NaN)),
    difference: method === baseline ? null : pairedDifference(wga(sweep, method), wga(sweep, baseline)),
  }));
  const conclusion = !baseline
    ? "No method is listed for this question."
    : `Against ${baseline} (${withCi(rows[0].worstGroupAccuracy)}): ${
      list(others.map((m, i) => {
        const d = rows[i + 1].difference!;
        return `${m} ${pointsCi(d)} (${verdictWords(verdict(d), d.n)})`;
      }))
    }.`;
  return { rows, conclusion };
}

/** The model and grouping pairs a study summarises. */
function settingsOf(config: StudyConfig): { model: string; grouping: string; label: string }[] {
  return config.models.flatMap((model) =>
    config.groupings.map((grouping) => ({
      model,
      grouping,
      label: config.groupings.length > 1 ? `${model}, ${grouping} groups` : model,
    }))
  );
}

/** Summarise one model (with one grouping); null when none of its sweep cells has finished. */
export function summariseModel(
  config: StudyConfig,
  cells: readonly CellResult[],
  setting: { model: string; grouping: string; label: string },
): ModelSummary | null {
  const own = cells.filter((c) => c.model === setting.model && c.grouping === setting.grouping);
  const sweep = own.filter((c) => c.sweeps);
  if (!sweep.length) return null;
  const base = baseSection(config, sweep);
  const heldout = heldoutSection(config, sweep);
  return {
    ...setting,
    base,
    kinds: kindsSection(config, own),
    strength: strengthSection(config, own, base.clean),
    retraining: retrainingSection(config, own),
    heldout,
    labels: labelsSection(config, base, heldout),
    reweighting: reweightingSection(config, sweep),
    worstGroup: worstGroupSection(config, sweep),
  };
}

/** Where the models agree and where they differ, per question. */
export function compareModels(config: StudyConfig, models: readonly ModelSummary[]): Comparison[] {
  if (models.length < 2) return [];
  const topic = (name: string, values: { label: string; key: string; text: string }[]): Comparison => {
    const agree = new Set(values.map((v) => v.key)).size === 1;
    return {
      topic: name,
      agree,
      text: `${agree ? "The models agree" : "The models differ"}: ${list(values.map((v) => `${v.label} ${v.text}`))}.`,
    };
  };
  const out: Comparison[] = [];
  out.push(topic(
    "best method",
    models.map((s) => {
      const names = Object.keys(s.base.methods).filter((m) => m !== config.referenceMethod);
      const best = names.reduce((a, b) =>
        s.base.methods[b].worstGroupAccuracy.mean > s.base.methods[a].worstGroupAccuracy.mean ? b : a
      );
      return {
        label: s.label,
        key: best,
        text: `has ${best} best (${withCi(s.base.methods[best].worstGroupAccuracy)})`,
      };
    }),
  ));
  out.push(topic(
    "hardest kind",
    models.map((s) => {
      const r = s.kinds.rows.reduce((a, b) => (b.erm.mean < a.erm.mean ? b : a), s.kinds.rows[0]);
      return { label: s.label, key: r?.kind ?? "-", text: `is hurt most by the ${r?.kind ?? "?"} feature` };
    }),
  ));
  out.push(topic(
    "threshold",
    models.map((s) => ({
      label: s.label,
      key: String(s.strength.thresholdRho),
      text: s.strength.thresholdRho === null
        ? "has no intractable rho"
        : `becomes intractable at rho ${s.strength.thresholdRho}`,
    })),
  ));
  const main = compositionName(config.heldout);
  out.push(topic(
    "held-out size",
    models.map((s) => {
      const c = s.heldout.compositions.find((x) => x.composition === main);
      return {
        label: s.label,
        key: String(c?.size90 ?? null),
        text: c?.size90 == null ? "reaches no 90% size" : `reaches 90% of its best with ${c.size90} ${main} examples`,
      };
    }),
  ));
  out.push(topic(
    "reweighting",
    models.map((s) => {
      const a = s.reweighting.arms[0];
      const rows = a?.gammaRows ?? [];
      const best = rows.reduce((x, y) => (y.worstGroupAccuracy.mean > x.worstGroupAccuracy.mean ? y : x), rows[0]);
      const gain = best ? best.worstGroupAccuracy.mean - rows[0].worstGroupAccuracy.mean : NaN;
      const helps = gain > 0.02;
      return {
        label: s.label,
        key: String(helps),
        text: `${helps ? "gains" : "gains no more than 2 points"} from raising gamma on the ${a?.arm ?? "?"} set (${
          (100 * gain).toFixed(1)
        } points)`,
      };
    }),
  ));
  for (const m of config.worstGroupMethods.slice(1)) {
    out.push(topic(
      `${m} vs ${config.worstGroupMethods[0]}`,
      models.map((s) => {
        const row = s.worstGroup.rows.find((r) => r.method === m);
        const v = row?.difference ? verdict(row.difference) : "unclear";
        return { label: s.label, key: v, text: `${row?.difference ? pointsCi(row.difference) : "–"} for ${m}` };
      }),
    ));
  }
  return out;
}

/** Summarise a study's results. */
export function summarise(config: StudyConfig, cells: readonly CellResult[]): StudySummary {
  const models = settingsOf(config).flatMap((s) => summariseModel(config, cells, s) ?? []);
  if (!models.length) throw new Error("summarise: no sweep cell (base strength of the swept kind) has finished yet");
  return { config, cells: cells.length, models, comparison: compareModels(config, models) };
}

/** Where a method's selected C sat at an edge of its grid (and so the grid was extended), in words; "" if nowhere. */
export function gridEdgeSentence(cells: readonly CellResult[], method: string): string {
  const runs = cells.map((c) => c.methods[method]).filter((m): m is MethodScores => m !== undefined);
  const top = runs.filter((m) => m.selected.gridEdge === 1);
  const bottom = runs.filter((m) => m.selected.gridEdge === -1);
  if (top.length + bottom.length === 0) return "";
  const finals = (ms: MethodScores[]) => [...new Set(ms.map((m) => m.selected.C))].sort((a, b) => a - b).join(", ");
  const parts = [
    top.length ? `at its largest C in ${top.length} (extended upwards by factors of 3; selected C ${finals(top)})` : "",
    bottom.length ? `at its smallest C in ${bottom.length} (extended downwards; selected C ${finals(bottom)})` : "",
  ].filter((p) => p);
  return `${method}'s best C sat at an edge of its grid ${parts.join(" and ")} of ${runs.length} cells: without the ` +
    `extension the grid's edge, not the tuning score, would have set the penalty there.`;
}

/** A flat CSV of every cell's main numbers (a method a cell did not run is an empty field). */
export function summaryCsv(config: StudyConfig, cells: readonly CellResult[]): string {
  const names = Object.keys(config.methods);
  const head = [
    "id",
    "model",
    "kind",
    "grouping",
    "rho",
    "amplitude",
    "seed",
    "erm_in_dist_acc",
    "erm_absent_acc",
    "erm_absent_wga",
    "erm_conflicting_acc",
    ...names.flatMap((m) => [`${m}_acc`, `${m}_wga`]),
  ];
  const rows = cells.map((c) => [
    c.id,
    c.model,
    c.kind,
    c.grouping,
    c.rho,
    c.amplitude,
    c.seed,
    c.erm.inDistribution.accuracy,
    c.erm.absent.accuracy,
    c.erm.absent.worstGroupAccuracy,
    c.erm.conflicting.accuracy,
    ...names.flatMap((m) => [c.methods[m]?.accuracy ?? "", c.methods[m]?.worstGroupAccuracy ?? ""]),
  ]);
  return [head, ...rows].map((r) =>
    r.map((v) => (typeof v === "string" && /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : String(v))).join(",")
  ).join("\n") + "\n";
}
