// Conv2DBackpropFilter for the wasm backend (tfjs-wasm 4.22 has none, so conv nets cannot train):
// dW[fh, fw, ci, co] = sum over (b, oh, ow) of x[b, oh*sh - top + fh*dh, ow*sw - left + fw*dw, ci]
// * dy[b, oh, ow, co]. Computed as im2col followed by tfjs-wasm's own (XNNPACK) matmul: the column
// matrix [fh*fw*ci, b*oh*ow] is filled on the wasm heap, dy is read as a [b*oh*ow, co] matrix without a
// copy, and their product is dW. The same binary computes it in every runtime, so the bits agree.
import { getKernel, type TensorInfo } from "@tensorflow/tfjs-core";
import { type ConvBackpropAttrs, convInfo } from "./conv_geometry.ts";
import { f32View, makeF32Output, wasmKernel, type WasmKernelFunc } from "./wasm_access.ts";

/** The kernel config to register. */
export const conv2dBackpropFilterConfig = wasmKernel("Conv2DBackpropFilter", ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as ConvBackpropAttrs & { filterShape: [number, number, number, number] };
  const info = convInfo("Conv2DBackpropFilter", x.shape, a.filterShape, a);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const matMul = getKernel("BatchMatMul", "wasm")?.kernelFunc as unknown as WasmKernelFunc;
  const rows = filterHeight * filterWidth * inChannels;
  const cols = batchSize * outHeight * outWidth;
  const xv = f32View(backend, x);
  const [colsT, c] = makeF32Output(backend, [1, rows, cols]);
  c.fill(0); // padded positions stay zero
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const col = (b * outHeight + oh) * outWidth + ow;
        for (let fh = 0; fh < filterHeight; fh++) {
          const ih = oh * strideHeight - top + fh * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fw = 0; fw < filterWidth; fw++) {
            const iw = ow * strideWidth - left + fw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const rBase = (fh * filterWidth + fw) * inChannels;
            for (let ci = 0; ci < inChannels; ci++) c[(rBase + ci) * cols + col] = xv[xBase + ci];
          }
        }
      }
    }
  }
  const dy2: TensorInfo = { dataId: dy.dataId, shape: [1, cols, outChannels], dtype: "float32" };
  const product = matMul({
    inputs: { a: colsT, b: dy2 },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
  backend.disposeData(colsT.dataId);
  return { dataId: product.dataId, shape: a.filterShape, dtype: "float32" };
});
