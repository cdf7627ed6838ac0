// tfjs-wasm's matmul takes XNNPACK's fast path only when no operand is transposed; backprop asks
// for transposed operands, which runs about 10x slower. These wrappers transpose the operand
// explicitly (one cheap Transpose kernel) and call the original kernel without transposes.
import { getKernel, type KernelConfig, type TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { wasmKernel, type WasmKernelFunc } from "./wasm_access.ts";

function swapLastTwo(backend: BackendWasm, t: TensorInfo, transpose: WasmKernelFunc): TensorInfo {
  const rank = t.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return transpose({ inputs: { x: t }, backend, attrs: { perm } }) as TensorInfo;
}

/** Wrap the current wasm kernel `name` (BatchMatMul or _FusedMatMul) so it never sees a transpose. */
export function untransposedMatMulConfig(name: "BatchMatMul" | "_FusedMatMul"): KernelConfig {
  const original = getKernel(name, "wasm")?.kernelFunc as unknown as WasmKernelFunc | undefined;
  const transpose = getKernel("Transpose", "wasm")?.kernelFunc as unknown as WasmKernelFunc | undefined;
  if (!original || !transpose) {
    throw new Error(`spurious1d: wasm kernels ${name} and Transpose must be registered first`);
  }
  return wasmKernel(name, ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const temps: TensorInfo[] = [];
    const a = transposeA ? swapLastTwo(backend, inputs.a, transpose) : inputs.a;
    const b = transposeB ? swapLastTwo(backend, inputs.b, transpose) : inputs.b;
    if (transposeA) temps.push(a);
    if (transposeB) temps.push(b);
    const out = original({
      inputs: { ...inputs, a, b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    for (const t of temps) backend.disposeData(t.dataId);
    return out;
  });
}
