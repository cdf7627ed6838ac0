// From cell results to the report's numbers, one summary per question, with conclusions written
// from the data (every sentence is computed; nothing is pre-written about the outcome).
import type { CellResult, Scores } from "./run_cell.ts";
import type { StudyConfig } from "./config.ts";

/** Mean and standard deviation over seeds. */
export interface Stat {
  readonly mean: number;
  readonly sd: number;
  readonly n: number;
}

/** Mean and (sample) standard deviation of finite values. */
export function stat(values: readonly number[]): Stat {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const pm = (s: Stat) => `${pct(s.mean)}${s.n > 1 ? ` ± ${(100 * s.sd).toFixed(1)}` : ""}`;

export interface StudySummary {
  readonly config: StudyConfig;
  readonly cells: number;
  readonly base: {
    readonly erm: Record<"inDistribution" | "absent" | "conflicting", ScorePair>;
    readonly trainAccuracy: Stat;
    readonly clean: ScorePair;
    readonly methods: Record<
      string,
      { accuracy: Stat; worstGroupAccuracy: Stat; worstClassAccuracy: Stat; conflictingAccuracy: Stat }
    >;
    readonly probe: ScorePair;
    readonly numGroups: number;
    readonly testSize: number;
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
  readonly heldout: {
    readonly rows: { size: number; worstGroupAccuracy: Stat; accuracy: Stat }[];
    readonly size90: number | null;
    readonly size95: number | null;
    readonly conclusion: string;
  };
  readonly reweighting: {
    readonly gammaRows: {
      gamma: number;
      worstGroupAccuracy: Stat;
      accuracy: Stat;
      effectiveSampleSize: Stat;
      conflictingWeight: Stat;
    }[];
    readonly confidenceAligned: Stat;
    readonly confidenceConflicting: Stat;
    readonly conflictingCount: Stat;
    readonly reweightingSetSize: number;
    readonly conclusion: string;
  };
  readonly worstGroup: {
    readonly rows: { method: string; worstGroupAccuracy: Stat; accuracy: Stat }[];
    readonly conclusion: string;
  };
}

/** Average, worst-group and worst-class accuracy over seeds. */
export interface ScorePair {
  readonly accuracy: Stat;
  readonly worstGroupAccuracy: Stat;
  readonly worstClassAccuracy: Stat;
}

export interface StrengthRow {
  readonly rho: number;
  readonly amplitude: number;
  readonly erm: Stat;
  readonly methods: Record<string, Stat>;
  readonly probe: Stat;
  readonly best: Stat;
}

const scorePair = (cells: readonly CellResult[], f: (c: CellResult) => Scores): ScorePair => ({
  accuracy: stat(cells.map((c) => f(c).accuracy)),
  worstGroupAccuracy: stat(cells.map((c) => f(c).worstGroupAccuracy)),
  worstClassAccuracy: stat(cells.map((c) => f(c).worstClassAccuracy ?? NaN)),
});

function strengthRows(cells: readonly CellResult[], config: StudyConfig, key: "rho" | "amplitude"): StrengthRow[] {
  const values = key === "rho" ? config.rhos : config.amplitudes;
  const fixed = key === "rho"
    ? (c: CellResult) => c.amplitude === config.amplitude
    : (c: CellResult) => c.rho === config.rho;
  return [...new Set(values)].sort((a, b) => a - b).flatMap((v) => {
    const group = cells.filter((c) => c[key] === v && fixed(c));
    if (!group.length) return [];
    const methods = Object.fromEntries(
      config.methods.map((m) => [m, stat(group.map((c) => c.methods[m]?.worstGroupAccuracy ?? NaN))]),
    );
    const best = stat(
      group.map((c) => Math.max(...config.methods.map((m) => c.methods[m]?.worstGroupAccuracy ?? -1))),
    );
    return [{
      rho: key === "rho" ? v : config.rho,
      amplitude: key === "amplitude" ? v : config.amplitude,
      erm: stat(group.map((c) => c.erm.absent.worstGroupAccuracy)),
      methods,
      probe: stat(group.map((c) => c.probe.worstGroupAccuracy)),
      best,
    }];
  });
}

/** Summarise a study's results. */
export function summarise(config: StudyConfig, cells: readonly CellResult[]): StudySummary {
  const base = cells.filter((c) => c.base);
  if (!base.length) throw new Error("summarise: no base-strength cell has finished yet");
  const methods = Object.fromEntries(config.methods.map((m) => [m, {
    accuracy: stat(base.map((c) => c.methods[m]?.accuracy ?? NaN)),
    worstGroupAccuracy: stat(base.map((c) => c.methods[m]?.worstGroupAccuracy ?? NaN)),
    worstClassAccuracy: stat(base.map((c) => c.methods[m]?.worstClassAccuracy ?? NaN)),
    conflictingAccuracy: stat(base.map((c) => c.methods[m]?.conflictingAccuracy ?? NaN)),
  }]));
  const erm = {
    inDistribution: scorePair(base, (c) => c.erm.inDistribution),
    absent: scorePair(base, (c) => c.erm.absent),
    conflicting: scorePair(base, (c) => c.erm.conflicting),
  };
  const clean = scorePair(base.filter((c) => c.clean), (c) => c.clean!);
  const probe = scorePair(base, (c) => c.probe);
  const bestMethod = config.methods.reduce((
    a,
    b,
  ) => (methods[a].worstGroupAccuracy.mean >= methods[b].worstGroupAccuracy.mean ? a : b));
  const cmp = (a: number, b: number) => (a > b ? "above" : a < b ? "below" : "equal to");
  const baseConclusion = `At rho ${config.rho} and amplitude ${config.amplitude} (${config.kind}), ERM reaches ` +
    `${pm(erm.inDistribution.accuracy)} on test data drawn like its training data but ${
      pm(erm.absent.accuracy)
    } when the ` +
    `feature is absent and ${
      pm(erm.conflicting.accuracy)
    } when it conflicts; the same model trained without the feature ` +
    `reaches ${pm(clean.accuracy)}. Worst-group accuracy without the feature is ${
      pm(erm.absent.worstGroupAccuracy)
    } for ERM ` +
    `against ${
      pm(clean.worstGroupAccuracy)
    } for the clean model. Of the methods, ${bestMethod} has the highest worst-group ` +
    `accuracy (${pm(methods[bestMethod].worstGroupAccuracy)}), ${
      cmp(methods[bestMethod].worstGroupAccuracy.mean, probe.worstGroupAccuracy.mean)
    } ` +
    `a linear probe fitted by maximum likelihood to ERM's features of the whole decorrelated held-out set ` +
    `(${pm(probe.worstGroupAccuracy)}) and ${
      cmp(methods[bestMethod].worstGroupAccuracy.mean, clean.worstGroupAccuracy.mean)
    } the clean model.`;

  // Q1
  const byRho = strengthRows(cells, config, "rho");
  const byAmplitude = strengthRows(cells, config, "amplitude");
  const zero = byAmplitude.find((r) => r.amplitude === 0);
  const reference = zero ? zero.erm.mean : clean.worstGroupAccuracy.mean;
  const threshold = (rows: StrengthRow[], key: "rho" | "amplitude") =>
    rows.find((r) => r[key] > 0 && r.best.mean < 0.5 * reference)?.[key] ?? null;
  const thresholdRho = threshold(byRho, "rho");
  const thresholdAmplitude = threshold(byAmplitude, "amplitude");
  const definition =
    `A strength is intractable when the best method's worst-group accuracy without the feature falls ` +
    `below half of what ERM reaches with no spurious signal at all (amplitude 0: ${pct(reference)}).`;
  const axis = (t: number | null, key: string, fixed: string, max: number) =>
    t === null
      ? `no ${key} up to ${max} (${fixed}) is intractable by this definition`
      : `with ${fixed}, it becomes intractable at ${key} ${t}`;
  const capital = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  const strengthConclusion =
    `${capital(axis(thresholdRho, "rho", `amplitude ${config.amplitude}`, Math.max(...config.rhos)))}; ` +
    `${axis(thresholdAmplitude, "amplitude", `rho ${config.rho}`, Math.max(...config.amplitudes))}. ` +
    `Along rho, ERM's worst-group accuracy goes from ${pct(byRho[0]?.erm.mean ?? NaN)} (rho ${byRho[0]?.rho}) to ` +
    `${pct(byRho.at(-1)?.erm.mean ?? NaN)} (rho ${byRho.at(-1)?.rho}), the best method's from ${
      pct(byRho[0]?.best.mean ?? NaN)
    } to ` +
    `${pct(byRho.at(-1)?.best.mean ?? NaN)}, and the linear probe on ERM's features from ${
      pct(byRho[0]?.probe.mean ?? NaN)
    } to ` +
    `${pct(byRho.at(-1)?.probe.mean ?? NaN)}: ${
      (byRho.at(-1)?.probe.mean ?? 0) < 0.5 * (byRho[0]?.probe.mean ?? 0)
        ? "the features themselves lose the digit, which no last-layer method can restore"
        : "the features keep most of what a linear head needs, so the loss is in the last layer"
    }.`;

  // Q2
  const sizes = [...new Set(base.flatMap((c) => c.heldoutSweep?.map((r) => r.size) ?? []))].sort((a, b) => a - b);
  const heldoutRows = sizes.map((size) => ({
    size,
    worstGroupAccuracy: stat(
      base.map((c) => c.heldoutSweep?.find((r) => r.size === size)?.dfr.worstGroupAccuracy ?? NaN),
    ),
    accuracy: stat(base.map((c) => c.heldoutSweep?.find((r) => r.size === size)?.dfr.accuracy ?? NaN)),
  }));
  const full = heldoutRows.at(-1)?.worstGroupAccuracy.mean ?? NaN;
  const reach = (f: number) => heldoutRows.find((r) => r.worstGroupAccuracy.mean >= f * full)?.size ?? null;
  const size90 = reach(0.9);
  const size95 = reach(0.95);
  const groupsPer = (size: number) => (size / base[0].numGroups).toFixed(0);
  const heldoutConclusion = !(full > 0)
    ? `DFR's worst-group accuracy is ${pct(full)} even with the largest held-out set (${
      sizes.at(-1)
    } examples, about ` +
      `${groupsPer(sizes.at(-1) ?? 0)} per group): no held-out size helps at this strength.`
    : `With the largest held-out set (${sizes.at(-1)} ${
      config.heldoutMode === "random" ? "decorrelated" : "training-distributed"
    } examples, about ` +
      `${groupsPer(sizes.at(-1) ?? 0)} per group), DFR reaches ${pct(full)} worst-group accuracy. ` +
      `${
        size90 === null || size90 === sizes.at(-1)
          ? "No smaller size reaches 90% of that"
          : `${size90} examples (about ${groupsPer(size90)} per group) reach 90% of it`
      }` +
      `${size95 === null || size95 === sizes.at(-1) || size90 === sizes.at(-1) ? "" : `, ${size95} reach 95%`}; with ${
        sizes[0]
      } examples DFR reaches ${pct(heldoutRows[0]?.worstGroupAccuracy.mean ?? NaN)}.`;

  // Q3
  const gammas = [...new Set(base.flatMap((c) => c.gammaSweep?.map((r) => r.gamma) ?? []))].sort((a, b) => a - b);
  const diag = (c: CellResult, g: number) => c.gammaSweep?.find((r) => r.gamma === g);
  const gammaRows = gammas.map((gamma) => ({
    gamma,
    worstGroupAccuracy: stat(base.map((c) => diag(c, gamma)?.scores.worstGroupAccuracy ?? NaN)),
    accuracy: stat(base.map((c) => diag(c, gamma)?.scores.accuracy ?? NaN)),
    effectiveSampleSize: stat(base.map((c) => Number(diag(c, gamma)?.diagnostics.effectiveSampleSize ?? NaN))),
    conflictingWeight: stat(base.map((c) => Number(diag(c, gamma)?.diagnostics.totalWeightConflicting ?? NaN))),
  }));
  const afrDiag = (key: string) =>
    stat(base.map((c) => Number(c.methods.afr?.diagnostics?.[key] ?? c.gammaSweep?.[0]?.diagnostics[key] ?? NaN)));
  const confidenceAligned = afrDiag("meanErmConfidenceAligned");
  const confidenceConflicting = afrDiag("meanErmConfidenceConflicting");
  const conflictingCount = afrDiag("conflictingCount");
  const reweightingSetSize = Number(
    base[0].methods.afr?.diagnostics?.reweightingSetSize ?? base[0].gammaSweep?.[0]?.diagnostics.reweightingSetSize ??
      NaN,
  );
  const topGamma = gammaRows.at(-1);
  const bestGamma = gammaRows.reduce(
    (a, b) => (b.worstGroupAccuracy.mean > a.worstGroupAccuracy.mean ? b : a),
    gammaRows[0],
  );
  const share = conflictingCount.mean / reweightingSetSize;
  const gain = bestGamma ? bestGamma.worstGroupAccuracy.mean - gammaRows[0].worstGroupAccuracy.mean : NaN;
  const reweightingConclusion = gammaRows.length === 0
    ? "No gamma sweep has finished."
    : `ERM gives the true label ${
      pct(confidenceAligned.mean)
    } probability on held-out examples whose attribute agrees and ` +
      `${pct(confidenceConflicting.mean)} on those where it conflicts, so exp(-gamma p) ${
        confidenceConflicting.mean < confidenceAligned.mean ? "does" : "does not"
      } ` +
      `single out the conflicting examples: at gamma ${topGamma!.gamma} they carry ${
        pct(topGamma!.conflictingWeight.mean)
      } of the weight ` +
      `(they are ${pct(share)} of the ${reweightingSetSize} examples), and the effective sample size is ` +
      `${topGamma!.effectiveSampleSize.mean.toFixed(0)}. Worst-group accuracy goes from ${
        pct(gammaRows[0].worstGroupAccuracy.mean)
      } at gamma ` +
      `${gammaRows[0].gamma} to at best ${
        pct(bestGamma.worstGroupAccuracy.mean)
      } (gamma ${bestGamma.gamma}), a change of ${(100 * gain).toFixed(1)} points, ` +
      `${cmp(bestGamma.worstGroupAccuracy.mean, probe.worstGroupAccuracy.mean)} the linear probe's ${
        pct(probe.worstGroupAccuracy.mean)
      }. ` +
      (share > 0.5
        ? "On a decorrelated held-out set most examples already conflict, so reweighting has little to redistribute: what limits AFR is what ERM's features encode."
        : `Only ${
          conflictingCount.mean.toFixed(0)
        } conflicting examples exist to upweight, so a larger weight on them cannot add information; ` +
          "what limits AFR is their number and what ERM's features encode.");

  // Q4
  const q4 = ["afr", "afr-wg", "gdro-ll", "dfr"].filter((m) => config.methods.includes(m));
  const rows = q4.map((m) => ({
    method: m,
    worstGroupAccuracy: methods[m].worstGroupAccuracy,
    accuracy: methods[m].accuracy,
  }));
  const afrRow = methods.afr?.worstGroupAccuracy;
  const wgVariants = ["afr-wg", "gdro-ll"].filter((m) => config.methods.includes(m));
  const worstGroupConclusion = !afrRow ? "AFR is not in this study's methods." : wgVariants.map((m) => {
    const d = methods[m].worstGroupAccuracy.mean - afrRow.mean;
    const noise = Math.max(methods[m].worstGroupAccuracy.sd, afrRow.sd);
    const verdict = Math.abs(d) <= noise
      ? "no more than the spread between seeds"
      : d > 0
      ? "a gain larger than the spread between seeds"
      : "a loss larger than the spread between seeds";
    return `${m} changes worst-group accuracy by ${(100 * d).toFixed(1)} points against AFR (${verdict})`;
  }).join("; ") +
    (methods.dfr
      ? `; DFR, which uses the same held-out group labels to balance, reaches ${pm(methods.dfr.worstGroupAccuracy)}.`
      : ".") +
    dfrGridEdgeSentence(cells);

  return {
    config,
    cells: cells.length,
    base: {
      erm,
      trainAccuracy: stat(base.map((c) => c.erm.trainAccuracy)),
      clean,
      methods,
      probe,
      numGroups: base[0].numGroups,
      testSize: base[0].testSize,
      conclusion: baseConclusion,
    },
    strength: {
      byRho,
      byAmplitude,
      reference,
      thresholdRho,
      thresholdAmplitude,
      definition,
      conclusion: strengthConclusion,
    },
    heldout: { rows: heldoutRows, size90, size95, conclusion: heldoutConclusion },
    reweighting: {
      gammaRows,
      confidenceAligned,
      confidenceConflicting,
      conflictingCount,
      reweightingSetSize,
      conclusion: reweightingConclusion,
    },
    worstGroup: { rows, conclusion: worstGroupConclusion },
  };
}

/** Where DFR's selected C sat at an edge of its grid (and so the grid was extended), in words; "" if nowhere. */
export function dfrGridEdgeSentence(cells: readonly CellResult[]): string {
  const dfr = cells.map((c) => c.methods.dfr).filter((m) => m !== undefined);
  const top = dfr.filter((m) => m.selected.gridEdge === 1);
  const bottom = dfr.filter((m) => m.selected.gridEdge === -1);
  if (top.length + bottom.length === 0) return "";
  const finals = (ms: typeof dfr) => [...new Set(ms.map((m) => m.selected.C))].sort((a, b) => a - b).join(", ");
  const parts = [
    top.length ? `at its largest C in ${top.length} (extended upwards by factors of 3; selected C ${finals(top)})` : "",
    bottom.length ? `at its smallest C in ${bottom.length} (extended downwards; selected C ${finals(bottom)})` : "",
  ].filter((p) => p);
  return ` DFR's best C sat at an edge of its grid ${parts.join(" and ")} of ${dfr.length} cells: without the ` +
    `extension the grid's edge, not the tuning score, would have set the penalty there.`;
}

/** A flat CSV of every cell's main numbers. */
export function summaryCsv(config: StudyConfig, cells: readonly CellResult[]): string {
  const head = [
    "id",
    "rho",
    "amplitude",
    "seed",
    "model",
    "erm_in_dist_acc",
    "erm_absent_acc",
    "erm_absent_wga",
    "erm_conflicting_acc",
    "probe_wga",
    ...config.methods.flatMap((m) => [`${m}_acc`, `${m}_wga`]),
  ];
  const rows = cells.map((
    c,
  ) => [
    c.id,
    c.rho,
    c.amplitude,
    c.seed,
    config.model,
    c.erm.inDistribution.accuracy,
    c.erm.absent.accuracy,
    c.erm.absent.worstGroupAccuracy,
    c.erm.conflicting.accuracy,
    c.probe.worstGroupAccuracy,
    ...config.methods.flatMap((m) => [c.methods[m]?.accuracy ?? "", c.methods[m]?.worstGroupAccuracy ?? ""]),
  ]);
  return [head, ...rows].map((r) =>
    r.map((v) => (typeof v === "string" && v.includes(",") ? `"${v}"` : String(v))).join(",")
  ).join("\n") + "\n";
}
