// Conv2DBackpropInput for the wasm backend as a matmul and a col2im: tfjs-wasm's own kernel is a
// direct C++ loop that took 45% of a CNN training step here. The gradient of the column matrix is
// dy [b*oh*ow, co] times W^T [co, fh*fw*ci] (tfjs-wasm's XNNPACK matmul; W^T is small, so packing it
// is cheap), and each column row is then added back to the input positions it was read from, in a
// fixed order (float32 sums computed in float64 and rounded once are float32's exact sums).
import { getKernel, type TensorInfo } from "@tensorflow/tfjs-core";
import { type ConvBackpropAttrs, convInfo } from "./conv_geometry.ts";
import { f32View, makeF32Output, wasmKernel, type WasmKernelFunc } from "./wasm_access.ts";

/** The kernel config to register (replacing tfjs-wasm's). */
export const conv2dBackpropInputConfig = wasmKernel("Conv2DBackpropInput", ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as ConvBackpropAttrs & { inputShape: [number, number, number, number] };
  const info = convInfo("Conv2DBackpropInput", a.inputShape, filter.shape, a);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const matMul = getKernel("BatchMatMul", "wasm")?.kernelFunc as unknown as WasmKernelFunc;
  const transpose = getKernel("Transpose", "wasm")?.kernelFunc as unknown as WasmKernelFunc;
  const k = filterHeight * filterWidth * inChannels;
  const rows = batchSize * outHeight * outWidth;
  const wT = transpose({
    inputs: { x: { dataId: filter.dataId, shape: [k, outChannels], dtype: "float32" } },
    backend,
    attrs: { perm: [1, 0] },
  }) as TensorInfo;
  const cols = matMul({
    inputs: { a: { dataId: dy.dataId, shape: [rows, outChannels], dtype: "float32" }, b: wT },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
  backend.disposeData(wT.dataId);
  const [dx, dxv] = makeF32Output(backend, a.inputShape);
  const cv = f32View(backend, cols); // after the allocation above, which may move the heap
  dxv.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const rBase = ((b * outHeight + oh) * outWidth + ow) * k;
        for (let fh = 0; fh < filterHeight; fh++) {
          const ih = oh * strideHeight - top + fh;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fw = 0; fw < filterWidth; fw++) {
            const iw = ow * strideWidth - left + fw;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const cBase = rBase + (fh * filterWidth + fw) * inChannels;
            for (let ci = 0; ci < inChannels; ci++) dxv[xBase + ci] += cv[cBase + ci];
          }
        }
      }
    }
  }
  backend.disposeData(cols.dataId);
  return dx;
});
