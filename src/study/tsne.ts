// Barnes-Hut t-SNE with scikit-learn 1.2's defaults (perplexity 30, early exaggeration 12 for 250
// iterations, PCA initialisation scaled to std 1e-4, learning rate max(n / 12 / 4, 50), 1000
// iterations, angle 0.5). The heavy parts run in WebAssembly; the same input gives the same bits in
// every runtime.
import { instantiateKernelsSync } from "../wasm/module.ts";
import { pca2 } from "./pca.ts";

/** t-SNE settings (sklearn's names and defaults). */
export interface TsneOptions {
  perplexity?: number;
  earlyExaggeration?: number;
  iterations?: number;
  angle?: number;
}

/** A 2-D embedding and its final KL divergence (Barnes-Hut estimate, as sklearn's kl_divergence_). */
export interface TsneResult {
  readonly embedding: Float64Array;
  readonly klDivergence: number;
}

/** Embed the rows of x (n x d) in 2-D. */
export function tsne(x: ArrayLike<number>, d: number, options: TsneOptions = {}): TsneResult {
  const n = x.length / d;
  const perplexity = options.perplexity ?? 30;
  const exaggeration = options.earlyExaggeration ?? 12;
  const iterations = options.iterations ?? 1000;
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const kern = instantiateKernelsSync();
  kern.reset();
  const xPtr = kern.put(Float64Array.from(x));
  const nbr = kern.alloc(n * k * 4);
  const dist = kern.alloc(n * k * 8);
  const row = kern.alloc(n * 8);
  const cond = kern.alloc(n * k * 8);
  kern.raw.knn(xPtr, n, d, k, nbr, dist, row);
  kern.raw.conditionalP(dist, n, k, perplexity, cond);
  // Symmetrise: P = (P + P^T) / sum, as a CSR matrix (duplicates of i->j and j->i merged).
  const neighbours = kern.i32(nbr, n * k).slice();
  const condP = kern.f64(cond, n * k).slice();
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = neighbours[i * k + t];
      const v = condP[i * k + t];
      rows[i].set(j, (rows[i].get(j) ?? 0) + v);
      rows[j].set(i, (rows[j].get(i) ?? 0) + v);
    }
  }
  let total = 0;
  for (const r of rows) for (const v of r.values()) total += v;
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + rows[i].size;
  const cols = new Int32Array(rowStart[n]);
  const vals = new Float64Array(rowStart[n]);
  rows.forEach((r, i) => {
    const entries = [...r.entries()].sort((a, b) => a[0] - b[0]);
    entries.forEach(([j, v], t) => {
      cols[rowStart[i] + t] = j;
      vals[rowStart[i] + t] = v / Math.max(total, 1e-12);
    });
  });
  // PCA initialisation, scaled so the first coordinate has std 1e-4 (sklearn's init="pca").
  const init = pca2(x, d);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += init[2 * i] / n;
  let sd = 0;
  for (let i = 0; i < n; i++) sd += (init[2 * i] - mean) ** 2 / n;
  sd = Math.sqrt(sd) || 1;
  const Y0 = init.map((v) => (v / sd) * 1e-4);
  kern.reset();
  const Y = kern.put(Y0);
  const rs = kern.put(rowStart);
  const cs = kern.put(cols);
  const vs = kern.put(vals);
  const scratch = () => kern.alloc(2 * n * 8);
  const [update, gains, grad, negF] = [scratch(), scratch(), scratch(), scratch()];
  const tree = kern.alloc(8 * (8 * n + 64) * 8);
  const learningRate = Math.max(n / exaggeration / 4, 50);
  const kl = kern.raw.optimise(
    n,
    rs,
    cs,
    vs,
    Y,
    iterations,
    Math.min(250, iterations),
    exaggeration,
    learningRate,
    options.angle ?? 0.5,
    update,
    gains,
    grad,
    negF,
    tree,
  );
  return { embedding: kern.f64(Y, 2 * n).slice(), klDivergence: kl };
}
