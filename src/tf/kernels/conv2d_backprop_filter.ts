// Conv2DBackpropFilter for the wasm backend (tfjs-wasm 4.22 has none, so conv nets cannot train):
// dW[fh, fw, ci, co] = sum over (b, oh, ow) of x[b, oh*sh - top + fh*dh, ow*sw - left + fw*dw, ci]
// * dy[b, oh, ow, co], accumulated in float64 in a fixed order, so every runtime gets the same bits.
import { backend_util, type TensorInfo } from "@tensorflow/tfjs-core";
import { f32View, makeF32Output, wasmKernel } from "./wasm_access.ts";

/** The kernel config to register. */
export const conv2dBackpropFilterConfig = wasmKernel("Conv2DBackpropFilter", ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as {
    strides: [number, number] | number;
    pad: "valid" | "same" | number | backend_util.ExplicitPadding;
    dataFormat: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
    filterShape: [number, number, number, number];
  };
  if (a.dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter (wasm): only NHWC is supported");
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    "channelsLast",
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xv = f32View(backend, x);
  const dyv = f32View(backend, dy);
  const acc = new Float64Array(filterHeight * filterWidth * inChannels * outChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let fh = 0; fh < filterHeight; fh++) {
          const ih = oh * strideHeight - top + fh * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fw = 0; fw < filterWidth; fw++) {
            const iw = ow * strideWidth - left + fw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wBase = (fh * filterWidth + fw) * inChannels * outChannels;
            for (let ci = 0; ci < inChannels; ci++) {
              const xval = xv[xBase + ci];
              const row = wBase + ci * outChannels;
              for (let co = 0; co < outChannels; co++) acc[row + co] += xval * dyv[dyBase + co];
            }
          }
        }
      }
    }
  }
  const [out, view] = makeF32Output(backend, a.filterShape);
  view.set(acc);
  return out;
});
