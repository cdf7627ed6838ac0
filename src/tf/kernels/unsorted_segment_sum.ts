// UnsortedSegmentSum for the wasm backend (missing in tfjs-wasm 4.22; gather's gradient needs it):
// out[s, ...] = sum of x[i, ...] over i with segmentIds[i] = s, in index order, float64 accumulation.
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { f32View, i32View, makeF32Output, wasmKernel } from "./wasm_access.ts";

/** The kernel config to register. */
export const unsortedSegmentSumConfig = wasmKernel("UnsortedSegmentSum", ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  if (x.dtype !== "float32") throw new Error(`UnsortedSegmentSum (wasm): float32 only, got ${x.dtype}`);
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error("UnsortedSegmentSum (wasm): segmentIds must be 1-D and match x's first dimension");
  }
  const inner = x.shape.slice(1).reduce((p, d) => p * d, 1);
  const xv = f32View(backend, x);
  const ids = i32View(backend, segmentIds);
  const acc = new Float64Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue; // as tfjs-cpu: out-of-range ids are dropped
    for (let j = 0; j < inner; j++) acc[s * inner + j] += xv[i * inner + j];
  }
  const [out, view] = makeF32Output(backend, [numSegments, ...x.shape.slice(1)]);
  view.set(acc);
  return out;
});
