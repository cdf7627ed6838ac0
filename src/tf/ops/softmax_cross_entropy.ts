// The training loss op: mean over the batch of w_i * cross-entropy_i, one kernel forward (which
// also computes the gradient) and one multiply backward.
import type * as tfc from "@tensorflow/tfjs-core";
import type { GradConfig, NamedTensorMap, Tensor } from "@tensorflow/tfjs-core";
import { SOFTMAX_XENT } from "../kernels/softmax_cross_entropy.ts";

type TF = typeof tfc;

/** Mean of w_i * CE_i over the rows of logits [n, c] with int32 labels [n] (weights default to 1). */
export function softmaxCrossEntropy(
  tf: TF,
  logits: tfc.Tensor2D,
  labels: tfc.Tensor1D,
  weights?: tfc.Tensor1D,
): tfc.Scalar {
  const inputs: NamedTensorMap = weights ? { logits, labels, weights } : { logits, labels };
  const [loss, grad] = tf.engine().runKernel(SOFTMAX_XENT, inputs) as Tensor[];
  grad.dispose(); // the tape keeps its own copy for the backward pass
  return loss as tfc.Scalar;
}

/** The gradient: the saved dloss/dlogits times the incoming scalar. Labels and weights are data. */
export function softmaxCrossEntropyGradConfig(tf: TF): GradConfig {
  const notDifferentiable = (name: string) => () => {
    throw new Error(`softmax cross-entropy is not differentiable with respect to its ${name}`);
  };
  return {
    kernelName: SOFTMAX_XENT,
    outputsToSave: [false, true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const d = Array.isArray(dy) ? dy[0] : dy;
      return {
        logits: () => tf.mul(saved[0], d),
        labels: notDifferentiable("labels"),
        weights: notDifferentiable("weights"),
      };
    },
  };
}
