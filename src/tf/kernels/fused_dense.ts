// A whole dense layer as one kernel on tfjs-wasm, forward and backward. Small models are bound by
// per-op dispatch and by XNNPACK's repacking of every new weight tensor (about 5 ns per element
// here, and the weights are new after every step), so each pass is a single engine op that runs the
// layer in spurious1d's WebAssembly (register-tiled float32 SIMD products without packing; see
// assembly/dense.ts) on the tensors in place, in tfjs-wasm's own memory (heap_kernels.ts).
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { allocate, gradOutputs, type GradWant, heapKernels, offsetOf } from "./heap_kernels.ts";
import { wasmKernel, type WasmKernelFunc } from "./wasm_access.ts";

/** The backward kernel's name (prefixed: these are not tfjs kernels). */
export const FUSED_DENSE_GRAD = "Spurious1dDenseGrad";

/** y = act(x W + b) (+ x when residual); with residual a second output holds act(x W + b). */
export interface FusedDenseAttrs {
  activation: "linear" | "relu";
  residual: boolean;
  /** x needs no gradient (it is data); a hint for the backward pass. */
  inputIsData: boolean;
}

/** The forward kernel's name for a variant: each variant saves different tensors for backward. */
export function fusedDenseKernelName(a: Pick<FusedDenseAttrs, "activation" | "residual">): string {
  if (a.activation === "linear") {
    if (a.residual) throw new RangeError("dense: a residual layer needs the relu activation");
    return "Spurious1dDense";
  }
  return a.residual ? "Spurious1dDenseReluResidual" : "Spurious1dDenseRelu";
}

/** Forward: inputs x [n, k], W [k, m], b [m]. */
const fusedDense: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const { x, W, b } = inputs;
  const { activation, residual } = attrs as unknown as FusedDenseAttrs;
  const [n, kIn] = x.shape;
  const m = W.shape[1];
  const [act, actPtr] = allocate(backend, [n, m]);
  const [y, yPtr] = residual ? allocate(backend, [n, m]) : [act, 0];
  const at = (t: TensorInfo) => offsetOf(backend, t);
  heapKernels(backend).denseForward(
    at(x),
    at(W),
    at(b),
    actPtr,
    yPtr,
    n,
    kIn,
    m,
    activation === "relu" ? 1 : 0,
    residual ? 1 : 0,
  );
  return residual ? [y, act] : act;
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
  const { activation, residual, want } = attrs as unknown as FusedDenseAttrs & { want: GradWant };
  const [n, kIn] = x.shape;
  const m = W.shape[1];
  const relu = activation === "relu";
  const at = (t: TensorInfo) => offsetOf(backend, t);
  const { outs, dW, db, dx } = gradOutputs(backend, want, { W: W.shape, b: [m], x: x.shape });
  const [scratch, scratchPtr] = allocate(backend, [n * m + Math.max(n, m) * kIn]);
  heapKernels(backend).denseBackward(
    at(dy),
    at(x),
    at(W),
    relu ? at(act) : 0,
    n,
    kIn,
    m,
    relu ? 1 : 0,
    residual ? 1 : 0,
    dW,
    db,
    dx,
    scratchPtr,
  );
  backend.disposeData(scratch.dataId);
  return outs;
});
