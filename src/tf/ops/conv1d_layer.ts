// The 1-D convolution layer op: act(conv1d(x, W, stride, zero pad) + b), channels last. On the wasm
// backend one engine op forward and one backward (src/tf/kernels/conv1d_layer.ts); elsewhere stock
// tfjs ops, which are also the reference its kernels are tested against.
import type * as tfc from "@tensorflow/tfjs-core";
import type { GradConfig, NamedAttrMap, Tensor } from "@tensorflow/tfjs-core";
import { CONV1D_GRAD, type Conv1dAttrs, conv1dKernelName } from "../kernels/conv1d_layer.ts";

type TF = typeof tfc;

/** Options of a convolution layer. */
export interface Conv1dOptions {
  stride?: number;
  pad?: number;
  activation?: "linear" | "relu";
  /** x is data, not a function of trainable weights: its gradient is not computed ahead. */
  inputIsData?: boolean;
}

/** x [n, len, cin], W [kw, cin, cout], b [cout] -> [n, lout, cout]. */
export function conv1dLayer(
  tf: TF,
  x: tfc.Tensor3D,
  W: tfc.Tensor3D,
  b: tfc.Tensor1D,
  options: Conv1dOptions = {},
): tfc.Tensor3D {
  const attrs: Conv1dAttrs = {
    stride: options.stride ?? 1,
    pad: options.pad ?? 0,
    activation: options.activation ?? "linear",
    inputIsData: options.inputIsData ?? false,
  };
  if (x.shape[2] !== W.shape[1]) {
    throw new RangeError(`conv1dLayer: x has ${x.shape[2]} channels but W expects ${W.shape[1]}`);
  }
  if (tf.getBackend() !== "wasm") return composedConv1d(tf, x, W, b, attrs);
  return tf.engine().runKernel(
    conv1dKernelName(attrs.activation),
    { x, W, b },
    attrs as unknown as NamedAttrMap,
  ) as tfc.Tensor3D;
}

/** The same layer from stock tfjs ops. */
export function composedConv1d(
  tf: TF,
  x: tfc.Tensor3D,
  W: tfc.Tensor3D,
  b: tfc.Tensor1D,
  a: Pick<Conv1dAttrs, "stride" | "pad" | "activation">,
): tfc.Tensor3D {
  return tf.tidy(() => {
    // Explicit padding of the length only: a numeric pad would also pad conv1d's internal height axis.
    const z = tf.add(tf.conv1d(x, W, a.stride, [[0, 0], [0, 0], [a.pad, a.pad], [0, 0]]), b);
    return (a.activation === "relu" ? tf.relu(z) : z) as tfc.Tensor3D;
  });
}

/** Gradients of the two layer kernels (one backward kernel; x's gradient skipped for data). */
export function conv1dGradConfigs(tf: TF): GradConfig[] {
  return (["linear", "relu"] as const).map((activation) => ({
    kernelName: conv1dKernelName(activation),
    inputsToSave: ["x", "W"],
    outputsToSave: activation === "relu" ? [true] : [],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x, W, act] = saved;
      const inputs: Record<string, Tensor> = { dy: Array.isArray(dy) ? dy[0] : dy, x, W, act: act ?? x };
      const a = attrs as unknown as Conv1dAttrs;
      const run = (want: "params" | "input" | "all") =>
        tf.engine().runKernel(CONV1D_GRAD, inputs, { ...a, want } as unknown as NamedAttrMap) as Tensor[];
      const [dW, db, dx] = run(a.inputIsData ? "params" : "all");
      return { x: () => dx ?? run("input")[0], W: () => dW, b: () => db };
    },
  }));
}
