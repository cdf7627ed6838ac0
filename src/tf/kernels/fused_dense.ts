// A whole dense layer as one kernel on tfjs-wasm, forward and backward. Small models are bound by
// per-op dispatch (each engine op costs microseconds of bookkeeping), so the forward pass (matmul +
// bias + ReLU + optional residual) and the backward pass (ReLU mask, bias gradient, weight gradient,
// input gradient) each run as a single engine op that calls tfjs-wasm's own C++ kernels (XNNPACK
// matmuls with no transposed operand, SIMD element-wise ops) directly, without the engine.
import { getKernel, type TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { makeF32Output, wasmKernel, type WasmKernelFunc } from "./wasm_access.ts";

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

/** Which gradients the backward kernel computes: weights and bias, the input, or all three. */
export type FusedDenseGradWant = "params" | "input" | "all";

function kernelOf(name: string): WasmKernelFunc {
  const k = getKernel(name, "wasm")?.kernelFunc as unknown as WasmKernelFunc | undefined;
  if (!k) throw new Error(`spurious1d: the wasm kernel ${name} must be registered first`);
  return k;
}

// tfjs-wasm's _FusedMatMul reads rank-3 shapes; a TensorInfo with the same data and a leading 1 is free.
const as3d = (t: TensorInfo): TensorInfo => ({ ...t, shape: [1, ...t.shape] });

function matMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  const out = kernelOf("BatchMatMul")({
    inputs: { a, b },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
  return out;
}

function run(backend: BackendWasm, name: string, inputs: Record<string, TensorInfo>, attrs = {}): TensorInfo {
  return kernelOf(name)({ inputs, backend, attrs }) as TensorInfo;
}

function transpose(backend: BackendWasm, t: TensorInfo): TensorInfo {
  return kernelOf("Transpose")({ inputs: { x: t }, backend, attrs: { perm: [1, 0] } }) as TensorInfo;
}

/** Forward: inputs x [n, k], W [k, m], b [m]. */
const fusedDense: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const { x, W, b } = inputs;
  const { activation, residual } = attrs as unknown as FusedDenseAttrs;
  // XNNPACK's fused ReLU clamps NaN to 0, which would hide a diverging run; tfjs-wasm's Relu kernel
  // keeps NaN, as the cpu backend and PyTorch do.
  const z3 = kernelOf("_FusedMatMul")({
    inputs: { a: as3d(x), b: as3d(W), bias: b },
    backend,
    attrs: { transposeA: false, transposeB: false, activation: "linear", leakyreluAlpha: 0 },
  }) as TensorInfo;
  const z: TensorInfo = { ...z3, shape: [x.shape[0], W.shape[1]] };
  backend.dataIdMap.get(z.dataId)!.shape = z.shape;
  let act = z;
  if (activation === "relu") {
    act = run(backend, "Relu", { x: z });
    backend.disposeData(z.dataId);
  }
  if (!residual) return act;
  return [run(backend, "Add", { a: act, b: x }), act];
};

/** The forward kernels of the three variants (linear, relu, relu with residual). */
export const fusedDenseConfigs = ["Spurious1dDense", "Spurious1dDenseRelu", "Spurious1dDenseReluResidual"].map((name) =>
  wasmKernel(name, fusedDense)
);

/**
 * Backward: inputs dy [n, m], x [n, k], W [k, m] and act (the layer's activation output, whose sign
 * is ReLU's mask); outputs, as `want` asks, [dW, db], [dx] or [dW, db, dx]. Every step is one of
 * tfjs-wasm's C++ kernels (SIMD), called directly: g = dy * step(act), dW = x^T g, db = 1^T g,
 * dx = g W^T (+ dy through a residual).
 */
export const fusedDenseGradConfig = wasmKernel(FUSED_DENSE_GRAD, ({ inputs, backend, attrs }) => {
  const { dy, x, W, act } = inputs;
  const { activation, residual, want } = attrs as unknown as FusedDenseAttrs & { want: FusedDenseGradWant };
  const n = dy.shape[0];
  const temps: TensorInfo[] = [];
  const temp = (t: TensorInfo) => (temps.push(t), t);
  let g = dy;
  if (activation === "relu") {
    const mask = temp(run(backend, "Step", { x: act }, { alpha: 0 }));
    g = temp(run(backend, "Multiply", { a: dy, b: mask }));
  }
  const outs: TensorInfo[] = [];
  if (want !== "input") {
    outs.push(matMul(backend, temp(transpose(backend, x)), g)); // dW = x^T g
    // XNNPACK repacks its right operand on every call with a new tensor (about 5 ns per element
    // here), so the bias gradient is g^T 1 (a column of ones on the right), not 1^T g.
    const gT = temp(transpose(backend, g));
    const m = g.shape[1];
    const [ones, onesView] = makeF32Output(backend, [n, 1]);
    onesView.fill(1);
    const db = matMul(backend, gT, temp(ones)); // [m, 1]
    backend.dataIdMap.get(db.dataId)!.shape = [m];
    outs.push({ ...db, shape: [m] });
  }
  if (want !== "params") {
    const gWT = matMul(backend, g, temp(transpose(backend, W)));
    outs.push(residual ? (temp(gWT), run(backend, "Add", { a: gWT, b: dy })) : gWT);
  }
  for (const t of temps) backend.disposeData(t.dataId);
  return outs;
});
