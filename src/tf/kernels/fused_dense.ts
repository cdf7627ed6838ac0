// A whole dense layer as one kernel on tfjs-wasm, forward and backward. Small models are bound by
// per-op dispatch and by XNNPACK's repacking of every new weight tensor (about 5 ns per element
// here, and the weights are new after every step), so each pass is a single engine op that copies
// its operands into spurious1d's WebAssembly, runs the layer there (register-tiled float32 SIMD
// products without packing; see assembly/dense.ts) and copies the results back.
import type { TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type Kernels, sharedKernels } from "../../wasm/module.ts";
import { f32View, makeF32Output, wasmKernel, type WasmKernelFunc } from "./wasm_access.ts";

/** The backward kernel's name (prefixed: these are not tfjs kernels). */
export const FUSED_DENSE_GRAD = "Spurious1dDenseGrad";

/** y = act(x W + b) (+ x when residual); with residual a second output holds act(x W + b). */
export interface FusedDenseAttrs {
  activation: "linear" | "relu";
  residual: boolean;
  /** x needs no gradient (it is data); a hint for the backward pass. */
  inputIsData: boolean;
}

/** Which gradients the backward kernel computes: weights and bias, the input, or all three. */
export type FusedDenseGradWant = "params" | "input" | "all";

/** The forward kernel's name for a variant: each variant saves different tensors for backward. */
export function fusedDenseKernelName(a: Pick<FusedDenseAttrs, "activation" | "residual">): string {
  if (a.activation === "linear") {
    if (a.residual) throw new RangeError("dense: a residual layer needs the relu activation");
    return "Spurious1dDense";
  }
  return a.residual ? "Spurious1dDenseReluResidual" : "Spurious1dDenseRelu";
}

/** Copy tensors from tfjs-wasm's heap into a fresh arena of the shared kernels. */
export function stage(backend: BackendWasm, tensors: TensorInfo[]): [Kernels, number[]] {
  const k = sharedKernels();
  k.reset();
  return [k, tensors.map((t) => k.put(f32View(backend, t)))];
}

/** A new tfjs tensor of `shape` holding the arena's floats at ptr. */
export function unstage(backend: BackendWasm, k: Kernels, ptr: number, shape: number[]): TensorInfo {
  const [out, view] = makeF32Output(backend, shape);
  view.set(k.f32(ptr, view.length));
  return out;
}

/** Forward: inputs x [n, k], W [k, m], b [m]. */
const fusedDense: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const { x, W, b } = inputs;
  const { activation, residual } = attrs as unknown as FusedDenseAttrs;
  const [n, kIn] = x.shape;
  const m = W.shape[1];
  const [k, [xp, wp, bp]] = stage(backend, [x, W, b]);
  const act = k.alloc(n * m * 4);
  const y = residual ? k.alloc(n * m * 4) : 0;
  k.raw.denseForward(xp, wp, bp, act, y, n, kIn, m, activation === "relu" ? 1 : 0, residual ? 1 : 0);
  const actOut = unstage(backend, k, act, [n, m]);
  return residual ? [unstage(backend, k, y, [n, m]), actOut] : actOut;
};

/** The forward kernels of the three variants (linear, relu, relu with residual). */
export const fusedDenseConfigs = ["Spurious1dDense", "Spurious1dDenseRelu", "Spurious1dDenseReluResidual"].map((name) =>
  wasmKernel(name, fusedDense)
);

/**
 * Backward: inputs dy [n, m], x [n, k], W [k, m] and act (the layer's activation output, whose sign
 * is ReLU's mask); outputs, as `want` asks, [dW, db], [dx] or [dW, db, dx].
 */
export const fusedDenseGradConfig = wasmKernel(FUSED_DENSE_GRAD, ({ inputs, backend, attrs }) => {
  const { dy, x, W, act } = inputs;
  const { activation, residual, want } = attrs as unknown as FusedDenseAttrs & { want: FusedDenseGradWant };
  const [n, kIn] = x.shape;
  const m = W.shape[1];
  const relu = activation === "relu";
  const [k, [dyp, xp, wp, ap]] = stage(backend, relu ? [dy, x, W, act] : [dy, x, W]);
  const dW = want !== "input" ? k.alloc(kIn * m * 4) : 0;
  const db = want !== "input" ? k.alloc(m * 4) : 0;
  const dx = want !== "params" ? k.alloc(n * kIn * 4) : 0;
  const scratch = k.alloc((n * m + Math.max(n, m) * kIn) * 4);
  k.raw.denseBackward(dyp, xp, wp, ap ?? 0, n, kIn, m, relu ? 1 : 0, residual ? 1 : 0, dW, db, dx, scratch);
  const outs: TensorInfo[] = [];
  if (dW) outs.push(unstage(backend, k, dW, [kIn, m]), unstage(backend, k, db, [m]));
  if (dx) outs.push(unstage(backend, k, dx, [n, kIn]));
  return outs;
});
