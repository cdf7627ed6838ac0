// Seeded subsets of examples: group-balanced subsamples (every non-empty group cut to the
// smallest one's size) and random halves.
import { permutation } from "../random/draws.ts";

/** Indices of a group-balanced subsample of `indices` (all if omitted); empty groups are skipped. */
export function balancedSubsample(groups: Int32Array, seed: number, indices?: Int32Array): Int32Array {
  const pool = indices ?? Int32Array.from({ length: groups.length }, (_, i) => i);
  const byGroup = new Map<number, number[]>();
  for (const i of pool) {
    const list = byGroup.get(groups[i]);
    if (list) list.push(i);
    else byGroup.set(groups[i], [i]);
  }
  const lists = [...byGroup.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
  const smallest = Math.min(...lists.map((l) => l.length));
  const out: number[] = [];
  lists.forEach((list, k) => {
    const order = permutation(list.length, (seed + Math.imul(k + 1, 0x9e3779b1)) >>> 0);
    for (let j = 0; j < smallest; j++) out.push(list[order[j]]);
  });
  return Int32Array.from(out).sort();
}

/** A seeded split of 0..n-1 into two halves (the first has floor(n / 2)). */
export function randomHalves(n: number, seed: number): [Int32Array, Int32Array] {
  const order = permutation(n, seed);
  const half = Math.floor(n / 2);
  return [order.slice(0, half).sort(), order.slice(half).sort()];
}

/** Rows `indices` of x (n x d) and the matching labels. */
export function take<T extends Float64Array | Float32Array | Int32Array>(x: T, d: number, indices: Int32Array): T {
  const out = new (x.constructor as new (n: number) => T)(indices.length * d);
  indices.forEach((i, r) => out.set(x.subarray(i * d, i * d + d), r * d));
  return out;
}
