// A synthetic study summary and data views for the report's tests: every number comes from a seeded
// draw, three seeds (so intervals exist), the default study's sweeps and t-SNE size, and no training.
import { resolveStudyConfig, type StudyConfig } from "../../src/study/config.ts";
import type { Stat, StudySummary } from "../../src/study/analysis.ts";
import type { StudyViews } from "../../src/study/views.ts";
import { uniforms } from "../../src/random/draws.ts";

/** A summary shaped like summarise()'s for `config`, with seeded values in [0.05, 0.95]. */
export function fakeSummary(overrides: Partial<StudyConfig> = {}): StudySummary {
  const config = resolveStudyConfig({ seeds: [0, 1, 2], ...overrides });
  const u = uniforms(4096, 0.05, 0.95, 11);
  let k = 0;
  const st = (): Stat => ({ mean: u[k++ % u.length], sd: 0.02 + 0.05 * u[k++ % u.length], n: config.seeds.length });
  const pair = () => ({ accuracy: st(), worstGroupAccuracy: st(), worstClassAccuracy: st() });
  const methodStats = () => ({ ...pair(), conflictingAccuracy: st() });
  const strengthRow = (rho: number, amplitude: number) => ({
    rho,
    amplitude,
    erm: st(),
    methods: Object.fromEntries(config.methods.map((m) => [m, st()])),
    probe: st(),
    best: st(),
  });
  return {
    config,
    cells: 20,
    base: {
      erm: { inDistribution: pair(), absent: pair(), conflicting: pair() },
      trainAccuracy: st(),
      clean: pair(),
      methods: Object.fromEntries(config.methods.map((m) => [m, methodStats()])),
      probe: pair(),
      numGroups: 20,
      testSize: config.testSize,
      conclusion: "A conclusion.",
    },
    strength: {
      byRho: config.rhos.map((r) => strengthRow(r, config.amplitude)),
      byAmplitude: config.amplitudes.map((a) => strengthRow(config.rho, a)),
      reference: 0.8,
      thresholdRho: null,
      thresholdAmplitude: null,
      definition: "A definition.",
      conclusion: "A conclusion.",
    },
    heldout: {
      rows: config.heldoutSizes.map((size) => ({ size, worstGroupAccuracy: st(), accuracy: st() })),
      size90: null,
      size95: null,
      conclusion: "A conclusion.",
    },
    reweighting: {
      gammaRows: config.afrGammas.map((gamma) => ({
        gamma,
        worstGroupAccuracy: st(),
        accuracy: st(),
        effectiveSampleSize: { mean: 1000 * u[k++], sd: 30, n: config.seeds.length },
        conflictingWeight: st(),
      })),
      confidenceAligned: st(),
      confidenceConflicting: st(),
      conflictingCount: { mean: 100, sd: 5, n: config.seeds.length },
      reweightingSetSize: 2000,
      conclusion: "A conclusion.",
    },
    worstGroup: {
      rows: ["afr", "afr-wg", "gdro-ll", "dfr"].filter((m) => config.methods.includes(m)).map((method) => ({
        method,
        worstGroupAccuracy: st(),
        accuracy: st(),
      })),
      conclusion: "A conclusion.",
    },
  };
}

/** Data views of `points` t-SNE points spread over ten clusters, and four example sequences. */
export function fakeViews(config: StudyConfig, points = config.tsnePoints): StudyViews {
  const u = uniforms(points * 2 + 320, -1, 1, 5);
  return {
    model: config.model,
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
