// Barnes-Hut t-SNE (van der Maaten 2014) with scikit-learn 1.2's defaults and schedule: exact
// k-nearest neighbours (k = 3 * perplexity + 1), per-point binary search on beta to the target
// perplexity, symmetrised P, early exaggeration 12 for 250 iterations at momentum 0.5, then momentum
// 0.8, gains (+0.2 / x0.8, at least 0.01), and a quadtree with angle theta for the repulsive forces.
// All in float64 and in this module, so the embedding has the same bits in every runtime.

// ---- affinities ----

/**
 * For each of n rows of x (n x d), its k nearest neighbours (squared euclidean distances) into
 * nbr (n x k i32) and dist (n x k f64), ascending. `row` holds n doubles of scratch.
 */
export function knn(x: usize, n: i32, d: i32, k: i32, nbr: usize, dist: usize, row: usize): void {
  for (let i = 0; i < n; i++) {
    const xi = x + (<usize>(i * d) << 3);
    for (let j = 0; j < n; j++) {
      const xj = x + (<usize>(j * d) << 3);
      let acc = f64x2.splat(0);
      let t = 0;
      for (; t + 2 <= d; t += 2) {
        const diff = f64x2.sub(v128.load(xi + (<usize>t << 3)), v128.load(xj + (<usize>t << 3)));
        acc = f64x2.add(acc, f64x2.mul(diff, diff));
      }
      let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      for (; t < d; t++) {
        const v = load<f64>(xi + (<usize>t << 3)) - load<f64>(xj + (<usize>t << 3));
        s += v * v;
      }
      store<f64>(row + (<usize>j << 3), j == i ? Infinity : s);
    }
    // Insertion into a sorted list of the k smallest (ties: the lower index first).
    const ni = nbr + (<usize>(i * k) << 2);
    const di = dist + (<usize>(i * k) << 3);
    let filled = 0;
    for (let j = 0; j < n; j++) {
      const v = load<f64>(row + (<usize>j << 3));
      if (filled == k && v >= load<f64>(di + (<usize>(k - 1) << 3))) continue;
      let p = filled < k ? filled : k - 1;
      while (p > 0 && load<f64>(di + (<usize>(p - 1) << 3)) > v) {
        store<f64>(di + (<usize>p << 3), load<f64>(di + (<usize>(p - 1) << 3)));
        store<i32>(ni + (<usize>p << 2), load<i32>(ni + (<usize>(p - 1) << 2)));
        p--;
      }
      store<f64>(di + (<usize>p << 3), v);
      store<i32>(ni + (<usize>p << 2), j);
      if (filled < k) filled++;
    }
  }
}

/**
 * Conditional probabilities p_{j|i} over each row's k neighbours with the perplexity reached by a
 * binary search on beta (100 steps, entropy tolerance 1e-5, as sklearn's _binary_search_perplexity).
 */
export function conditionalP(dist: usize, n: i32, k: i32, perplexity: f64, P: usize): void {
  const desired = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const di = dist + (<usize>(i * k) << 3);
    const pi = P + (<usize>(i * k) << 3);
    let beta = 1.0;
    let lo = -Infinity;
    let hi = Infinity;
    for (let step = 0; step < 100; step++) {
      let sum = 0.0;
      for (let j = 0; j < k; j++) {
        const v = Math.exp(-load<f64>(di + (<usize>j << 3)) * beta);
        store<f64>(pi + (<usize>j << 3), v);
        sum += v;
      }
      if (sum == 0) sum = 1e-8;
      let dsum = 0.0;
      for (let j = 0; j < k; j++) {
        const v = load<f64>(pi + (<usize>j << 3)) / sum;
        store<f64>(pi + (<usize>j << 3), v);
        dsum += load<f64>(di + (<usize>j << 3)) * v;
      }
      const entropy = Math.log(sum) + beta * dsum;
      const diff = entropy - desired;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi == Infinity ? beta * 2.0 : (beta + hi) / 2.0;
      } else {
        hi = beta;
        beta = lo == -Infinity ? beta / 2.0 : (beta + lo) / 2.0;
      }
    }
  }
}

// ---- quadtree ----

// Node layout (f64 x 8): cx, cy (centre of mass), count, minX, minY, width, firstChild (as f64), pointIndex.
const NODE: i32 = 8;
let nodes: usize = 0;
let nodeCount: i32 = 0;
let maxNodes: i32 = 0;

// @ts-ignore: decorator
@inline function nd(i: i32, f: i32): usize {
  return nodes + (<usize>(i * NODE + f) << 3);
}

function newNode(minX: f64, minY: f64, width: f64): i32 {
  const i = nodeCount++;
  store<f64>(nd(i, 0), 0);
  store<f64>(nd(i, 1), 0);
  store<f64>(nd(i, 2), 0);
  store<f64>(nd(i, 3), minX);
  store<f64>(nd(i, 4), minY);
  store<f64>(nd(i, 5), width);
  store<f64>(nd(i, 6), -1);
  store<f64>(nd(i, 7), -1);
  return i;
}

function insert(node: i32, px: f64, py: f64, index: i32, Y: usize, depth: i32): void {
  // Update the centre of mass on the way down.
  const c = load<f64>(nd(node, 2));
  store<f64>(nd(node, 0), (load<f64>(nd(node, 0)) * c + px) / (c + 1));
  store<f64>(nd(node, 1), (load<f64>(nd(node, 1)) * c + py) / (c + 1));
  store<f64>(nd(node, 2), c + 1);
  const child = <i32>load<f64>(nd(node, 6));
  if (child < 0) {
    const existing = <i32>load<f64>(nd(node, 7));
    if (existing < 0 || depth > 50 || nodeCount + 4 > maxNodes) {
      if (existing < 0) store<f64>(nd(node, 7), <f64>index);
      return; // an empty leaf takes the point; duplicates deep down share a leaf
    }
    // Split: four children, move the existing point down.
    const half = load<f64>(nd(node, 5)) / 2;
    const x0 = load<f64>(nd(node, 3));
    const y0 = load<f64>(nd(node, 4));
    const first = newNode(x0, y0, half);
    newNode(x0 + half, y0, half);
    newNode(x0, y0 + half, half);
    newNode(x0 + half, y0 + half, half);
    store<f64>(nd(node, 6), <f64>first);
    store<f64>(nd(node, 7), -1);
    const ex = load<f64>(Y + (<usize>(2 * existing) << 3));
    const ey = load<f64>(Y + (<usize>(2 * existing + 1) << 3));
    insert(first + quadrant(node, ex, ey), ex, ey, existing, Y, depth + 1);
  }
  const first = <i32>load<f64>(nd(node, 6));
  insert(first + quadrant(node, px, py), px, py, index, Y, depth + 1);
}

function quadrant(node: i32, px: f64, py: f64): i32 {
  const half = load<f64>(nd(node, 5)) / 2;
  const right = px >= load<f64>(nd(node, 3)) + half ? 1 : 0;
  const up = py >= load<f64>(nd(node, 4)) + half ? 2 : 0;
  return right + up;
}

let sumQ: f64 = 0;
const STACK: usize = memory.data(4096 * 4, 16);

// Repulsive force on (px, py) from the whole tree, accumulated into negF[0..1] and sumQ. Iterative
// with an explicit stack (children pushed in reverse, so cells are visited in the recursive order).
function repulse(px: f64, py: f64, self: i32, theta2: f64, negF: usize): void {
  let fx = 0.0;
  let fy = 0.0;
  let sq = 0.0;
  let top = 0;
  store<i32>(STACK, 0);
  top = 1;
  while (top > 0) {
    top--;
    const node = load<i32>(STACK + (<usize>top << 2));
    const base = nodes + (<usize>(node * NODE) << 3);
    const count = load<f64>(base, 16);
    if (count == 0) continue;
    const dx = px - load<f64>(base);
    const dy = py - load<f64>(base, 8);
    const d2 = dx * dx + dy * dy;
    const child = <i32>load<f64>(base, 48);
    const leaf = child < 0;
    const point = <i32>load<f64>(base, 56);
    if (leaf && point == self && count == 1) continue;
    const w = load<f64>(base, 40);
    if (leaf || w * w < theta2 * d2) {
      // The whole cell acts as one body (a leaf holding `self` among duplicates counts the others).
      const n = leaf && point == self ? count - 1 : count;
      if (n <= 0) continue;
      const q = 1.0 / (1.0 + d2);
      sq += n * q;
      const m = n * q * q;
      fx += m * dx;
      fy += m * dy;
      continue;
    }
    for (let c = 3; c >= 0; c--) {
      if (load<f64>(nodes + (<usize>((child + c) * NODE) << 3), 16) == 0) continue; // empty cell
      store<i32>(STACK + (<usize>top << 2), child + c);
      top++;
    }
  }
  sumQ += sq;
  store<f64>(negF, fx);
  store<f64>(negF, fy, 8);
}

// ---- optimisation ----

/**
 * Run t-SNE on the symmetric sparse P (CSR: rowStart n+1, cols, vals) from initial Y (n x 2), in place.
 * scratch: update, gains, grad (each 2n f64), negF (2n f64), tree (needs 8 * (8n + 64) f64).
 * Returns the final KL divergence (the Barnes-Hut estimate, as sklearn reports it).
 */
export function optimise(
  n: i32, rowStart: usize, cols: usize, vals: usize, Y: usize, iterations: i32, exaggerationIters: i32,
  exaggeration: f64, learningRate: f64, theta: f64, update: usize, gains: usize, grad: usize, negF: usize, tree: usize,
): f64 {
  nodes = tree;
  maxNodes = 8 * n + 64;
  for (let i = 0; i < 2 * n; i++) {
    store<f64>(update + (<usize>i << 3), 0);
    store<f64>(gains + (<usize>i << 3), 1);
  }
  let kl = 0.0;
  for (let it = 0; it < iterations; it++) {
    const early = it < exaggerationIters;
    const ex = early ? exaggeration : 1.0;
    const momentum = early ? 0.5 : 0.8;
    // Quadtree over the current embedding (a square cell around all points).
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = load<f64>(Y + (<usize>(2 * i) << 3));
      const y = load<f64>(Y + (<usize>(2 * i + 1) << 3));
      minX = min(minX, x);
      maxX = max(maxX, x);
      minY = min(minY, y);
      maxY = max(maxY, y);
    }
    const width = max(maxX - minX, maxY - minY) * (1 + 1e-5) + 1e-12;
    nodeCount = 0;
    newNode(minX, minY, width);
    for (let i = 0; i < n; i++) {
      insert(0, load<f64>(Y + (<usize>(2 * i) << 3)), load<f64>(Y + (<usize>(2 * i + 1) << 3)), i, Y, 0);
    }
    // Negative (repulsive) forces and the normaliser Z = sum_Q.
    sumQ = 0;
    for (let i = 0; i < n; i++) {
      const f = negF + (<usize>(2 * i) << 3);
      repulse(load<f64>(Y + (<usize>(2 * i) << 3)), load<f64>(Y + (<usize>(2 * i + 1) << 3)), i, theta * theta, f);
    }
    const Z = max(sumQ, 1e-12);
    // Positive (attractive) forces from sparse P; the KL divergence only on the last iteration (one
    // log per entry of P is a large share of an iteration; sklearn too evaluates it only every 50).
    const last = it == iterations - 1;
    kl = 0.0;
    for (let i = 0; i < n; i++) {
      const xi = load<f64>(Y + (<usize>(2 * i) << 3));
      const yi = load<f64>(Y + (<usize>(2 * i + 1) << 3));
      let fx = 0.0, fy = 0.0;
      const s = load<i32>(rowStart + (<usize>i << 2));
      const e = load<i32>(rowStart + (<usize>(i + 1) << 2));
      for (let p = s; p < e; p++) {
        const j = load<i32>(cols + (<usize>p << 2));
        const pij = load<f64>(vals + (<usize>p << 3)) * ex;
        const dx = xi - load<f64>(Y + (<usize>(2 * j) << 3));
        const dy = yi - load<f64>(Y + (<usize>(2 * j + 1) << 3));
        const q = 1.0 / (1.0 + dx * dx + dy * dy);
        fx += pij * q * dx;
        fy += pij * q * dy;
        if (last) kl += pij * Math.log(max(pij, 1e-12) / max(q / Z, 1e-12));
      }
      // grad = 4 (attractive - repulsive / Z)
      store<f64>(grad + (<usize>(2 * i) << 3), 4.0 * (fx - load<f64>(negF + (<usize>(2 * i) << 3)) / Z));
      store<f64>(grad + (<usize>(2 * i + 1) << 3), 4.0 * (fy - load<f64>(negF + (<usize>(2 * i + 1) << 3)) / Z));
    }
    // Gains, momentum and the step.
    for (let i = 0; i < 2 * n; i++) {
      const g = load<f64>(grad + (<usize>i << 3));
      const u = load<f64>(update + (<usize>i << 3));
      let gain = load<f64>(gains + (<usize>i << 3));
      gain = u * g < 0.0 ? gain + 0.2 : gain * 0.8;
      if (gain < 0.01) gain = 0.01;
      store<f64>(gains + (<usize>i << 3), gain);
      const nu = momentum * u - learningRate * (g * gain);
      store<f64>(update + (<usize>i << 3), nu);
      store<f64>(Y + (<usize>i << 3), load<f64>(Y + (<usize>i << 3)) + nu);
    }
  }
  return kl;
}
