// The dense layer op: y = act(x W + b), plus x when `residual`. On the wasm backend it is one engine
// op forward and one backward (src/tf/kernels/fused_dense.ts); on any other backend it is composed
// of stock tfjs ops, which is also the reference its kernels are tested against.
import type * as tfc from "@tensorflow/tfjs-core";
import type { GradConfig, NamedAttrMap, Tensor } from "@tensorflow/tfjs-core";
import { FUSED_DENSE_GRAD, type FusedDenseAttrs, fusedDenseKernelName } from "../kernels/fused_dense.ts";

type TF = typeof tfc;

/** Options of a dense layer. */
export interface DenseOptions {
  activation?: "linear" | "relu";
  /** Add the input to the output (needs as many inputs as outputs). */
  residual?: boolean;
  /** x is data, not a function of trainable weights: its gradient is not computed ahead. */
  inputIsData?: boolean;
}

/** act(x W + b) (+ x): x [n, k], W [k, m], b [m] -> [n, m]. */
export function dense(
  tf: TF,
  x: tfc.Tensor2D,
  W: tfc.Tensor2D,
  b: tfc.Tensor1D,
  options: DenseOptions = {},
): tfc.Tensor2D {
  const attrs: FusedDenseAttrs = {
    activation: options.activation ?? "linear",
    residual: options.residual ?? false,
    inputIsData: options.inputIsData ?? false,
  };
  if (attrs.residual && x.shape[1] !== W.shape[1]) {
    throw new RangeError(`dense: a residual layer needs as many outputs as inputs, got W ${W.shape} for x ${x.shape}`);
  }
  if (tf.getBackend() !== "wasm") return composedDense(tf, x, W, b, attrs);
  const out = tf.engine().runKernel(fusedDenseKernelName(attrs), { x, W, b }, attrs as unknown as NamedAttrMap) as
    | Tensor
    | Tensor[];
  if (!Array.isArray(out)) return out as tfc.Tensor2D;
  out[1].dispose(); // the activation before the residual: the tape keeps its own copy
  return out[0] as tfc.Tensor2D;
}

/** The same layer from stock tfjs ops. */
export function composedDense(
  tf: TF,
  x: tfc.Tensor2D,
  W: tfc.Tensor2D,
  b: tfc.Tensor1D,
  attrs: Pick<FusedDenseAttrs, "activation" | "residual">,
): tfc.Tensor2D {
  return tf.tidy(() => {
    const z = tf.add(tf.matMul(x, W), b);
    const a = attrs.activation === "relu" ? tf.relu(z) : z;
    return (attrs.residual ? tf.add(a, x) : a) as tfc.Tensor2D;
  });
}

/**
 * Gradients of the three layer kernels. One backward kernel computes W's and b's gradients, and
 * x's too unless x is data; if the engine asks for x's gradient of a data input anyway, it is
 * computed then. Each variant saves only what its backward pass reads (saving clones a tensor).
 */
export function fusedDenseGradConfigs(tf: TF): GradConfig[] {
  const variants: Pick<FusedDenseAttrs, "activation" | "residual">[] = [
    { activation: "linear", residual: false },
    { activation: "relu", residual: false },
    { activation: "relu", residual: true },
  ];
  return variants.map((v) => ({
    kernelName: fusedDenseKernelName(v),
    inputsToSave: ["x", "W"],
    outputsToSave: v.activation === "linear" ? [] : v.residual ? [false, true] : [true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const a = attrs as unknown as FusedDenseAttrs;
      const [x, W, act] = saved;
      const inputs: Record<string, Tensor> = { dy: Array.isArray(dy) ? dy[0] : dy, x, W, act: act ?? x };
      const run = (want: "params" | "input" | "all") =>
        tf.engine().runKernel(FUSED_DENSE_GRAD, inputs, { ...a, want } as unknown as NamedAttrMap) as Tensor[];
      const [dW, db, dx] = run(a.inputIsData ? "params" : "all");
      return { x: () => dx ?? run("input")[0], W: () => dW, b: () => db };
    },
  }));
}
