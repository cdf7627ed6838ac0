// Feature standardisation as sklearn's StandardScaler: mean and population std per column (a zero
// std leaves the column centred, unscaled).

/** Column means and stds of x (n x d). */
export interface Scaler {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/** Fit a scaler to x (n x d). */
export function fitScaler(x: ArrayLike<number>, d: number): Scaler {
  const n = x.length / d;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j] / n) || 1;
  return { mean, std };
}

/** (x - mean) / std, as float64. */
export function applyScaler(x: ArrayLike<number>, d: number, s: Scaler): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) {
    const j = i % d;
    out[i] = (x[i] - s.mean[j]) / s.std[j];
  }
  return out;
}
