// DFR's cost on the shape: C grid (7 values) plus 20 refits on 2,000 x 100 embeddings with
// 10 classes and 100 groups. Run: npm run bench:dfr. The baseline (sklearn's liblinear pipeline,
// 7.7 s on this machine per the issue) cannot run here: PyPI is unreachable and sklearn is absent.
import { tfReady } from "../src/tf/backend.ts";
import { dfr } from "../src/methods/dfr.ts";
import type { MethodContext } from "../src/methods/types.ts";
import type { Split, SplitName } from "../src/data/splits.ts";
import { uniforms } from "../src/random/draws.ts";
import { createModel } from "../src/tf/models.ts";
import { resolveTrainConfig } from "../src/tf/train_config.ts";

const tf = await tfReady();
const n = 2000;
const d = 100;
// Synthetic embeddings with a class signal and a group signal (features 0..9 and 10..19).
const make = (seed: number, count: number): { emb: Float32Array; split: Split } => {
  const emb = uniforms(count * d, -1, 1, seed);
  const y = Int32Array.from({ length: count }, (_, i) => i % 10);
  const a = Int32Array.from({ length: count }, (_, i) => (i * 7 + Math.floor(i / 10)) % 10);
  for (let i = 0; i < count; i++) {
    emb[i * d + y[i]] += 1.0;
    emb[i * d + 10 + a[i]] += 1.5;
  }
  const split: Split = {
    x: new Float64Array(count * 40),
    y,
    a,
    g: Int32Array.from(y, (v, i) => v * 10 + a[i]),
    seqLength: 40,
    numAttributes: 10,
    draw: { mode: "random", rho: 0.1, exact: false, seed: 0 },
  };
  return { emb, split };
};
const parts: Record<SplitName, { emb: Float32Array; split: Split }> = {
  train: make(1, 100),
  heldout: make(2, n),
  val: make(3, 1000),
  test: make(4, 1000),
};
const ctx: MethodContext = {
  tf,
  splits: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v.split])) as Record<SplitName, Split>,
  numClasses: 10,
  grouping: "fine",
  numGroups: 100,
  groups: (s) => parts[s].split.g,
  training: resolveTrainConfig({}),
  erm: { ...createModel(tf, "linear", 0, 40, 10, resolveTrainConfig({})), embeddingSize: d },
  embeddings: (s) => parts[s].emb,
  inputs: () => new Float32Array(0),
  seed: 0,
};
const start = performance.now();
const r = dfr.run(ctx, dfr.defaults);
const seconds = (performance.now() - start) / 1000;
console.log(
  `DFR (7 C values + 20 refits) on ${n} x ${d}, 10 classes: ${seconds.toFixed(2)} s; selected C ${r.selected.C}; ` +
    `solver iterations ${r.diagnostics.solverIterations}; all converged ${r.diagnostics.allConverged}`,
);
console.log(JSON.stringify({ seconds, selected: r.selected, diagnostics: r.diagnostics }));
