// A 1-D convolution layer (conv + bias + optional ReLU) as one kernel on tfjs-wasm forward and one
// backward, computed in place on tfjs-wasm's memory by spurious1d's WebAssembly as column-matrix
// products (assembly/conv1d.ts):
// the stock path dispatches some twenty engine ops per layer and step, repacks the filter for
// XNNPACK on every step, and its Conv2DBackpropInput is a direct loop.
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { allocate, gradOutputs, type GradWant, heapKernels, offsetOf } from "./heap_kernels.ts";
import { wasmKernel } from "./wasm_access.ts";

/** The backward kernel's name. */
export const CONV1D_GRAD = "Spurious1dConv1dGrad";

/** Layer settings: stride, zero padding at both ends of the length, activation. */
export interface Conv1dAttrs {
  stride: number;
  pad: number;
  activation: "linear" | "relu";
  /** x needs no gradient (it is data); a hint for the backward pass. */
  inputIsData: boolean;
}

/** The forward kernel's name for an activation (each saves different tensors for backward). */
export function conv1dKernelName(activation: "linear" | "relu"): string {
  return activation === "relu" ? "Spurious1dConv1dRelu" : "Spurious1dConv1d";
}

/** Output length of a 1-D convolution (as PyTorch computes it). */
export function convLength(length: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((length + 2 * pad - kernel) / stride) + 1;
}

function geometry(x: TensorInfo, W: TensorInfo, a: Conv1dAttrs) {
  const [n, len, cin] = x.shape;
  const [kw, , cout] = W.shape;
  const lout = convLength(len, kw, a.stride, a.pad);
  // The kernels' shape arguments, in their order.
  const args = [n, len, cin, cout, kw, a.stride, a.pad, lout] as const;
  return { n, len, cin, cout, kw, lout, args };
}

/** Forward: x [n, len, cin], W [kw, cin, cout], b [cout] -> [n, lout, cout]. */
export const conv1dConfigs = ["Spurious1dConv1d", "Spurious1dConv1dRelu"].map((name) =>
  wasmKernel(name, ({ inputs, backend, attrs }) => {
    const { x, W, b } = inputs;
    const a = attrs as unknown as Conv1dAttrs;
    const g = geometry(x, W, a);
    const [act, actPtr] = allocate(backend, [g.n, g.lout, g.cout]);
    const [cols, colsPtr] = allocate(backend, [g.n * g.lout * g.kw * g.cin]);
    const at = (t: TensorInfo) => offsetOf(backend, t);
    heapKernels(backend).conv1dForward(
      at(x),
      at(W),
      at(b),
      actPtr,
      colsPtr,
      ...g.args,
      a.activation === "relu" ? 1 : 0,
    );
    backend.disposeData(cols.dataId);
    return act;
  })
);

/** Backward: inputs dy, x, W and act (the forward output); outputs [dW, db], [dx] or [dW, db, dx]. */
export const conv1dGradConfig = wasmKernel(CONV1D_GRAD, ({ inputs, backend, attrs }) => {
  const { dy, x, W, act } = inputs;
  const a = attrs as unknown as Conv1dAttrs & { want: GradWant };
  const { n, cin, cout, kw, lout, args } = geometry(x, W, a);
  const relu = a.activation === "relu";
  const rows = n * lout;
  const at = (t: TensorInfo) => offsetOf(backend, t);
  const { outs, dW, db, dx } = gradOutputs(backend, a.want, { W: W.shape, b: [cout], x: x.shape });
  const [scratch, scratchPtr] = allocate(backend, [rows * cout + (rows + Math.max(rows, cout)) * kw * cin]);
  const k = heapKernels(backend);
  k.conv1dBackward(at(dy), at(x), at(W), relu ? at(act) : 0, ...args, relu ? 1 : 0, dW, db, dx, scratchPtr, 0);
  backend.disposeData(scratch.dataId);
  return outs;
});
