// A synthetic study for the report's tests: cell results for every cell of a config, with seeded numbers and no
// training, summarised by the real summarise(), so the fixture has exactly the shape (and the edge cases) of a
// study's summary. Three seeds by default, so intervals exist.
import { compositionName, resolveStudyConfig, type StudyConfig } from "../../src/study/config.ts";
import { type StudySummary, summarise } from "../../src/study/analysis.ts";
import type { CellResult, MethodScores, Scores } from "../../src/study/run_cell.ts";
import { type Cell, studyCells } from "../../src/study/cells.ts";
import type { StudyViews } from "../../src/study/views.ts";
import { getMethod } from "../../src/methods/registry.ts";
import { uniforms } from "../../src/random/draws.ts";

/** Groups of the coarse grouping: per class, aligned (even id) and conflicting (odd id). */
const GROUPS = Array.from({ length: 20 }, (_, g) => ({ label: g >> 1, aligned: g % 2 === 0 }));

/** A source of seeded numbers in [0, 1). */
function draws(seed: number): () => number {
  const u = uniforms(1 << 16, 0, 1, seed);
  let k = 0;
  return () => u[k++ % u.length];
}

/** Scores around `level` (worst group below average accuracy), clamped to [0.02, 0.98]. */
function scores(r: () => number, level: number): Scores {
  const clamp = (x: number) => Math.min(0.98, Math.max(0.02, x));
  const wga = clamp(level + 0.1 * (r() - 0.5));
  return {
    accuracy: clamp(wga + 0.05 + 0.2 * r()),
    worstGroupAccuracy: wga,
    meanGroupAccuracy: clamp(wga + 0.1),
    worstClassAccuracy: clamp(wga + 0.05 * r()),
    conflictingAccuracy: clamp(wga + 0.02),
    ece: 0.1 * r(),
    emptyGroups: 0,
    worstGroup: 1 + 2 * Math.floor(10 * r()),
  };
}

/** One method's result in a cell (DFR-like selections and diagnostics for every method; protocols where it has them). */
function method(r: () => number, name: string, level: number): MethodScores {
  const protocols = getMethod(name)?.selections ?? [];
  const edge = r() < 0.2 ? 1 : 0;
  return {
    ...scores(r, level),
    selected: { C: [1, 0.3, 0.1][Math.floor(3 * r())], refits: 5, gridEdge: edge },
    diagnostics: { balancedSubsampleSize: 200 + Math.round(100 * r()) },
    seconds: r(),
    ...(protocols.length
      ? {
        byProtocol: Object.fromEntries(protocols.map((p) => [p, {
          selected: { C: 0.1 },
          accuracy: 0.6 + 0.3 * r(),
          worstGroupAccuracy: Math.min(0.95, level + 0.1 * r()),
        }])),
      }
      : {}),
  };
}

/** The gamma sweep's diagnostics on one arm at one gamma (weights that grow on the conflicting groups with gamma). */
function gammaDiagnostics(r: () => number, gamma: number, size: number): Record<string, unknown> {
  const counts = GROUPS.map((g) => (g.aligned ? Math.round(size / 12) : 5 + Math.round(10 * r())));
  return {
    effectiveSampleSize: size / (1 + gamma * (0.5 + r())),
    totalWeightConflicting: Math.min(0.9, 0.05 + gamma * 0.02 * (1 + r())),
    meanWeightByGroup: GROUPS.map((g) => (g.aligned ? 1 : 1 + gamma * (1 + r()))),
    countByGroup: counts,
    meanErmConfidenceAligned: 0.85 + 0.1 * r(),
    meanErmConfidenceConflicting: 0.1 + 0.2 * r(),
    conflictingCount: counts.filter((_, i) => !GROUPS[i].aligned).reduce((a, b) => a + b, 0),
    reweightingSetSize: size,
  };
}

/** A synthetic result for one cell of `config`: worst-group accuracy falls with rho and amplitude; cnn does better. */
export function fakeCell(config: StudyConfig, cell: Cell): CellResult {
  const kind = config.kinds.indexOf(cell.kind as StudyConfig["kind"]);
  const r = draws(
    1 + cell.seed + 13 * kind + Math.round(9700 * cell.rho + 310 * cell.amplitude) + (cell.model === "cnn" ? 7 : 0),
  );
  const level = 0.75 - 0.5 * cell.rho * Math.min(1, cell.amplitude) + (cell.model === "cnn" ? 0.05 : 0) - 0.05 * kind;
  // Weak features: the methods fall below ERM (as DFR does on its balanced subsample), so the report explains it.
  const offset = cell.rho < 0.6 ? -0.15 : 0;
  const names = cell.base ? Object.keys(config.methods) : config.strengthMethods;
  const comps = config.heldoutSweep.compositions.map(compositionName);
  return {
    id: cell.id,
    model: cell.model,
    kind: cell.kind,
    grouping: cell.grouping,
    rho: cell.rho,
    amplitude: cell.amplitude,
    seed: cell.seed,
    base: cell.base,
    sweeps: cell.sweeps,
    numGroups: GROUPS.length,
    groups: GROUPS,
    testSize: config.testSize,
    heldout: { size: config.heldoutSize, composition: compositionName(config.heldout) },
    erm: {
      inDistribution: scores(r, 0.9),
      absent: scores(r, level),
      conflicting: scores(r, level - 0.2),
      trainAccuracy: 0.95 + 0.04 * r(),
    },
    methods: Object.fromEntries(names.map((m) => [m, method(r, m, level + offset + 0.2 * r())])),
    ...(cell.sweeps
      ? {
        heldoutSweep: comps.flatMap((composition, i) =>
          config.heldoutSweep.sizes.map((size) => ({
            composition,
            size,
            scores: scores(r, level + 0.08 * Math.log10(size) - 0.1 * i),
            selected: { C: 0.1 },
          }))
        ),
        gammaSweep: config.gammaSweep.arms.map(compositionName).flatMap((arm) =>
          config.gammaSweep.gammas.map((gamma) => ({
            arm,
            gamma,
            scores: scores(r, level + 0.02 * Math.log1p(gamma)),
            diagnostics: gammaDiagnostics(r, gamma, config.heldoutSize),
          }))
        ),
        clean: scores(r, 0.8),
      }
      : {}),
    seconds: 1,
    profile: {},
  };
}

/** The config of a synthetic study: the defaults with three seeds, under `overrides` (a study config's JSON). */
export function fakeConfig(overrides: Record<string, unknown> = {}): StudyConfig {
  return resolveStudyConfig({ seeds: [0, 1, 2], ...overrides });
}

/** The summary summarise() gives for synthetic results of every cell of the config. */
export function fakeSummary(overrides: Record<string, unknown> = {}): StudySummary {
  const config = fakeConfig(overrides);
  return summarise(config, studyCells(config).map((c) => fakeCell(config, c)));
}

/** Data views of `points` t-SNE points spread over ten clusters, and four example sequences. */
export function fakeViews(config: StudyConfig, points = config.tsnePoints): StudyViews {
  const u = uniforms(points * 2 + 320, -1, 1, 5);
  return {
    kind: config.kind,
    rho: config.rho,
    amplitude: config.amplitude,
    examples: [0, 1, 2, 3].flatMap((i) =>
      (["clean", "spurious"] as const).map((variant) => ({
        index: i,
        label: i,
        attribute: i,
        variant,
        values: Array.from({ length: 40 }, (_, t) => u[i * 40 + t] + (variant === "spurious" && t < 5 ? 2 : 0)),
      }))
    ),
    window: [0, 5],
    tsne: {
      points: Array.from({ length: points }, (_, i) => ({
        index: i,
        label: i % 10,
        aligned: i % 20 !== 0,
        clean: [6 * (i % 5) + u[320 + 2 * i], 10 * ((i % 10) > 4 ? 1 : 0) + u[321 + 2 * i]] as const,
        spurious: [5 * (i % 5) + u[321 + 2 * i], 8 * ((i % 10) > 4 ? 1 : 0) + u[320 + 2 * i]] as const,
      })),
      perplexity: 30,
      klClean: 1.2,
      klSpurious: 1.1,
      conflictingNeighbours: { clean: 0.05, spurious: 0.3 },
    },
  };
}
