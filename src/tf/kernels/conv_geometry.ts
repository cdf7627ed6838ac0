// The convolution geometry shared by the backprop kernels (NHWC, as tfjs's conv ops pass it).
import { backend_util } from "@tensorflow/tfjs-core";

/** The attributes tfjs passes to Conv2DBackpropFilter and Conv2DBackpropInput. */
export interface ConvBackpropAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** tfjs's Conv2DInfo for an input and filter shape; `kernel` names the caller in errors. */
export function convInfo(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  a: ConvBackpropAttrs,
): backend_util.Conv2DInfo {
  if (a.dataFormat === "NCHW") throw new Error(`${kernel} (wasm): only NHWC is supported`);
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    "channelsLast",
  );
}
