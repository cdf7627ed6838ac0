// Typed access to tfjs-wasm's heap from kernels written in TypeScript: views on an input's data and
// a fresh output, without copies.
import type { DataType, KernelConfig, TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** A kernel function with the wasm backend's type. */
export type WasmKernelFunc = (args: {
  inputs: Record<string, TensorInfo>;
  backend: BackendWasm;
  attrs?: Record<string, unknown>;
}) => TensorInfo | TensorInfo[];

/** A kernel config for the wasm backend. */
export function wasmKernel(kernelName: string, kernelFunc: WasmKernelFunc): KernelConfig {
  return { kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelConfig["kernelFunc"] };
}

/** A float32 view on a tensor's data in the wasm heap. */
export function f32View(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** An int32 view on a tensor's data in the wasm heap. */
export function i32View(backend: BackendWasm, t: TensorInfo): Int32Array {
  return backend.typedArrayFromHeap(t) as Int32Array;
}

/** Allocate an output tensor on the wasm heap and return it with a writable view. */
export function makeF32Output(
  backend: BackendWasm,
  shape: number[],
  dtype: DataType = "float32",
): [TensorInfo, Float32Array] {
  const out = backend.makeOutput(shape, dtype);
  return [out, backend.typedArrayFromHeap(out) as Float32Array];
}
