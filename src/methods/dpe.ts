// Diverse Prototypical Ensembles, DPE (To et al., ICML 2025): replace ERM's linear head with an
// ensemble of prototype classifiers, one prototype per class each, trained one after another on
// different class-balanced bootstrap samples of the held-out set, each pushed away from the earlier
// members' prototypes by an inter-prototype similarity penalty. No group labels.
// As published: features standardised per example, distance-based logits with entropic scale 30,
// 15 members, the penalty's weight decaying as 1 / (1 + 0.1 m). Ours: squared distance between unit
// vectors (so each member is a cosine head, linear on normalised features; the nearest prototype is
// the same as with the distance), the penalty on the mean cosine similarity with weight 1, full-batch
// Adam (60 steps, learning rate 0.02) from the class means, and members' probabilities averaged.
import { type Head, LogregProblem } from "../lastlayer/problem.ts";
import { deriveSeed, uniforms } from "../random/draws.ts";
import { exp, log } from "../wasm/math.ts";
import { headLogits } from "../lastlayer/problem.ts";
import type { Method, MethodContext } from "./types.ts";

/** Each row standardised across its d features, then scaled to unit length (zero rows stay zero). */
export function normaliseRows(x: Float32Array | Float64Array, d: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i += d) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[i + j];
    mean /= d;
    let sq = 0;
    for (let j = 0; j < d; j++) {
      const v = x[i + j] - mean;
      out[i + j] = v;
      sq += v * v;
    }
    const norm = Math.sqrt(sq);
    if (norm > 0) { for (let j = 0; j < d; j++) out[i + j] /= norm; }
  }
  return out;
}

/** A class-balanced bootstrap: per class, as many draws with replacement as the smallest class has members. */
export function balancedBootstrap(y: Int32Array, numClasses: number, seed: number): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  y.forEach((c, i) => byClass[c].push(i));
  const present = byClass.filter((l) => l.length > 0);
  const per = Math.min(...present.map((l) => l.length));
  const u = uniforms(per * present.length, 0, 1, seed);
  const out: number[] = [];
  present.forEach((list, c) => {
    for (let j = 0; j < per; j++) out.push(list[Math.min(list.length - 1, Math.floor(u[c * per + j] * list.length))]);
  });
  return Int32Array.from(out).sort();
}

/** Unit-length columns of P (d x k): the prototypes' directions. */
function directions(P: Float64Array, d: number, k: number): { dir: Float64Array; norm: Float64Array } {
  const dir = new Float64Array(P.length);
  const norm = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += P[j * k + c] ** 2;
    norm[c] = Math.sqrt(s) || 1;
    for (let j = 0; j < d; j++) dir[j * k + c] = P[j * k + c] / norm[c];
  }
  return { dir, norm };
}

/** Settings of one member's training. */
interface MemberOptions {
  scale: number;
  steps: number;
  learningRate: number;
  /** Weight of the similarity penalty for this member. */
  diversity: number;
  /** Earlier members' prototype directions (each d x k). */
  earlier: readonly Float64Array[];
}

/** Train one member's prototypes on rows (unit features u, labels y); returns its directions (d x k). */
export function trainMember(u: Float64Array, y: Int32Array, d: number, k: number, o: MemberOptions): Float64Array {
  const n = y.length;
  // Start from the class means.
  const P = new Float64Array(d * k);
  const count = new Float64Array(k);
  y.forEach((c, i) => {
    count[c]++;
    for (let j = 0; j < d; j++) P[j * k + c] += u[i * d + j];
  });
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) P[j * k + c] /= Math.max(1, count[c]);
  for (let i = 0; i < P.length; i++) if (P[i] === 0) P[i] = 1e-6; // no zero prototype
  const problem = new LogregProblem(u, y, d, k, new Float64Array(n).fill(1 / n));
  const gW = new Float64Array(d * k);
  const gb = new Float64Array(k);
  const m = new Float64Array(d * k);
  const v = new Float64Array(d * k);
  let b1t = 1;
  let b2t = 1;
  const zero = new Float64Array(k);
  for (let step = 1; step <= o.steps; step++) {
    const { dir, norm } = directions(P, d, k);
    problem.lossGrad({ W: dir.map((x) => o.scale * x), b: zero }, gW, gb);
    // Gradient with respect to the directions: the loss's, plus the penalty's on the mean similarity.
    const gDir = gW.map((g) => o.scale * g);
    if (o.earlier.length && o.diversity > 0) {
      let sim = 0;
      for (const e of o.earlier) for (let i = 0; i < dir.length; i++) sim += dir[i] * e[i];
      const scale = (o.diversity * Math.sign(sim)) / (k * o.earlier.length);
      for (const e of o.earlier) for (let i = 0; i < dir.length; i++) gDir[i] += scale * e[i];
    }
    // Through the normalisation: (I - p p^T) g / |P_c| per column.
    b1t *= 0.9;
    b2t *= 0.999;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += dir[j * k + c] * gDir[j * k + c];
      for (let j = 0; j < d; j++) {
        const i = j * k + c;
        const g = (gDir[i] - dot * dir[i]) / norm[c];
        m[i] = 0.9 * m[i] + 0.1 * g;
        v[i] = 0.999 * v[i] + 0.001 * g * g;
        P[i] -= (o.learningRate * (m[i] / (1 - b1t))) / (Math.sqrt(v[i] / (1 - b2t)) + 1e-8);
      }
    }
  }
  return directions(P, d, k).dir;
}

/** The ensemble's logits: log of the members' mean softmax probabilities. */
export function ensembleLogits(u: Float64Array, d: number, k: number, members: readonly Head[]): Float32Array {
  const n = u.length / d;
  const mean = new Float64Array(n * k);
  for (const head of members) {
    const z = headLogits(u, d, head);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, z[i * k + c]);
      let sum = 0;
      const p = new Float64Array(k);
      for (let c = 0; c < k; c++) sum += p[c] = exp(z[i * k + c] - max);
      for (let c = 0; c < k; c++) mean[i * k + c] += p[c] / sum / members.length;
    }
  }
  return Float32Array.from(mean, (p) => log(Math.max(p, 1e-300)));
}

/** DPE on the held-out set's ERM embeddings. */
function runDpe(ctx: MethodContext, params: Record<string, number>) {
  const d = ctx.erm.embeddingSize;
  const k = ctx.numClasses;
  const { members, scale, steps, learningRate, diversity } = params;
  const u = normaliseRows(ctx.embeddings("heldout"), d);
  const y = ctx.splits.heldout.y;
  const dirs: Float64Array[] = [];
  let sampleSize = 0;
  for (let mIdx = 0; mIdx < members; mIdx++) {
    const rows = balancedBootstrap(y, k, deriveSeed(ctx.seed, 12_000 + mIdx));
    sampleSize = rows.length;
    const um = new Float64Array(rows.length * d);
    rows.forEach((r, j) => um.set(u.subarray(r * d, r * d + d), j * d));
    const ym = Int32Array.from(rows, (r) => y[r]);
    dirs.push(
      trainMember(um, ym, d, k, {
        scale,
        steps,
        learningRate,
        diversity: diversity / (1 + 0.1 * mIdx),
        earlier: dirs.slice(),
      }),
    );
  }
  const heads = dirs.map((dir) => ({ W: dir.map((x) => scale * x), b: new Float64Array(k) }));
  // Mean cosine similarity between members' prototypes of the same class: how diverse they ended up.
  let sim = 0;
  let pairs = 0;
  for (let a = 0; a < dirs.length; a++) {
    for (let b = a + 1; b < dirs.length; b++) {
      for (let i = 0; i < dirs[a].length; i++) sim += dirs[a][i] * dirs[b][i];
      pairs += k;
    }
  }
  return {
    method: "dpe",
    selected: { members, scale, steps, learningRate, diversity },
    diagnostics: { bootstrapSize: sampleSize, meanPrototypeSimilarity: pairs ? sim / pairs : NaN },
    logits: {
      val: ensembleLogits(normaliseRows(ctx.embeddings("val"), d), d, k, heads),
      test: ensembleLogits(normaliseRows(ctx.embeddings("test"), d), d, k, heads),
    },
  };
}

export const dpe: Method = {
  name: "dpe",
  summary: "DPE: an ensemble of cosine-prototype heads on class-balanced bootstraps, kept diverse (no group labels)",
  groupLabels: "none",
  defaults: { members: 15, scale: 30, steps: 60, learningRate: 0.02, diversity: 1 },
  schema: {
    members: { min: 1, max: 200, integer: true },
    scale: { min: 0, max: 1e3, minExclusive: true },
    steps: { min: 1, max: 1e5, integer: true },
    learningRate: { min: 0, max: 10, minExclusive: true },
    diversity: { min: 0, max: 1e3 },
  },
  run: (ctx, params) =>
    runDpe(ctx, {
      members: Number(params.members ?? 15),
      scale: Number(params.scale ?? 30),
      steps: Number(params.steps ?? 60),
      learningRate: Number(params.learningRate ?? 0.02),
      diversity: Number(params.diversity ?? 1),
    }),
};
