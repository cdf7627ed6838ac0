// tfjs-wasm's Slice copies the whole input out of the heap (readSync) before taking a slice, so a
// batch sliced from a 4,000-row epoch tensor costs a 640 KB copy. This wrapper copies only the
// slice, inside the heap, when it is contiguous, and leaves every other case to the original.
import { getKernel, type KernelConfig, slice_util, type TensorInfo, util } from "@tensorflow/tfjs-core";
import { wasmKernel, type WasmKernelFunc } from "./wasm_access.ts";

/** Wrap the current wasm Slice kernel with an in-heap copy for contiguous slices. */
export function contiguousSliceConfig(): KernelConfig {
  const original = getKernel("Slice", "wasm")?.kernelFunc as unknown as WasmKernelFunc | undefined;
  if (!original) throw new Error("spurious1d: the wasm Slice kernel must be registered first");
  return wasmKernel("Slice", ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const { begin, size } = attrs as { begin: number | number[]; size: number | number[] };
    const [begin_, size_] = slice_util.parseSliceParams(x as never, begin, size);
    if (x.dtype === "string" || !slice_util.isSliceContinous(x.shape, begin_, size_)) {
      return original({ inputs, backend, attrs });
    }
    const out = backend.makeOutput(size_, x.dtype);
    // Views are taken after makeOutput: allocating may grow (and so detach) the heap.
    const from = backend.typedArrayFromHeap(x as never);
    const offset = slice_util.computeFlatOffset(begin_, util.computeStrides(x.shape));
    backend.typedArrayFromHeap(out as never).set(from.subarray(offset, offset + util.sizeFromShape(size_)));
    return out as TensorInfo;
  });
}
