// Seeded draws for training (initialisation, batch orders), from the WASM MT19937: the same bits in
// every runtime, and nothing uses Math.random.
import { sharedKernels } from "../wasm/module.ts";

/** n float32 uniforms in [low, high) from `seed`. */
export function uniforms(n: number, low: number, high: number, seed: number): Float32Array {
  const k = sharedKernels();
  k.reset();
  const p = k.alloc(n * 4);
  k.raw.uniformF32(p, n, low, high, seed >>> 0);
  return k.f32(p, n).slice();
}

/** A permutation of 0..n-1 from `seed` (numpy's legacy algorithm). */
export function permutation(n: number, seed: number): Int32Array {
  const k = sharedKernels();
  k.reset();
  const p = k.alloc(n * 4);
  k.raw.seededPermutation(p, n, seed >>> 0);
  return k.i32(p, n).slice();
}

/** A 32-bit seed for the i-th use of a base seed (splitmix-style mixing of integers: exact everywhere). */
export function deriveSeed(base: number, i: number): number {
  let z = (base + Math.imul(i + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
