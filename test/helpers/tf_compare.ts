// Comparing a computation on tfjs-wasm (with spurious1d's kernels) against tfjs's own cpu backend.
import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import { uniforms } from "../../src/random/draws.ts";

type TF = typeof tfc;

/** Run `expected` on the cpu backend and `got` (default: the same function) on wasm; both values. */
export async function onBoth(
  tf: TF,
  expected: () => tfc.Tensor,
  got: () => tfc.Tensor = expected,
): Promise<[Float32Array, Float32Array, number[]]> {
  await tf.setBackend("cpu");
  const cpu = tf.tidy(expected);
  const want = (await cpu.data()) as Float32Array;
  const shape = cpu.shape;
  cpu.dispose();
  await tf.setBackend("wasm");
  const wasm = tf.tidy(got);
  const have = (await wasm.data()) as Float32Array;
  assert.deepEqual(wasm.shape, shape, "shape");
  wasm.dispose();
  return [want, have, shape];
}

/** Largest absolute difference at most 1e-4 times the largest magnitude of `expected`. */
export function assertClose(expected: Float32Array, got: Float32Array, label: string, tolerance = 1e-4): void {
  assert.equal(got.length, expected.length, `${label}: length`);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
  assert.ok(worst <= tolerance * Math.max(scale, 1e-30), `${label}: max error ${worst} vs scale ${scale}`);
}

/** Seeded uniforms in [-1, 1) for a shape. */
export const rand = (shape: number[], seed: number): Float32Array =>
  uniforms(shape.reduce((a, b) => a * b, 1), -1, 1, seed);
