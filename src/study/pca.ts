// The first two principal components of rows x (n x d), by power iteration with deflation on the
// covariance matrix (fixed start vector and iteration count: deterministic).

/** Coordinates of each row on the top two principal components, as [x0, y0, x1, y1, ...]. */
export function pca2(x: ArrayLike<number>, d: number): Float64Array {
  const n = x.length / d;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const va = x[i * d + a] - mean[a];
      for (let b = 0; b < d; b++) cov[a * d + b] += (va * (x[i * d + b] - mean[b])) / n;
    }
  }
  const components: Float64Array[] = [];
  for (let k = 0; k < 2; k++) {
    let v = Float64Array.from({ length: d }, (_, j) => 1 + j / d);
    for (let it = 0; it < 200; it++) {
      const next = new Float64Array(d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) next[a] += cov[a * d + b] * v[b];
      for (const u of components) {
        const dot = next.reduce((s, val, j) => s + val * u[j], 0);
        for (let j = 0; j < d; j++) next[j] -= dot * u[j];
      }
      const norm = Math.sqrt(next.reduce((s, val) => s + val * val, 0)) || 1;
      v = next.map((val) => val / norm);
    }
    components.push(v);
  }
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j] - mean[j]) * components[k][j];
      out[2 * i + k] = s;
    }
  }
  return out;
}
