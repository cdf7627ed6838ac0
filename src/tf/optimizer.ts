// Adam and SGD (with momentum and weight decay) computed in one pass per variable, reading the
// parameters and gradients in the wasm heap, instead of the ~15 tfjs ops per variable per step
// that tfjs's optimizers dispatch. The new values are assigned as a new tensor, not written in
// place: tfjs-wasm caches XNNPACK operators (with their packed weights) by the weight tensor's id,
// so an in-place write would leave matmuls using stale weights. Arithmetic is float64 with one
// rounding to float32 per parameter; powers of beta are running products (Math.pow differs between
// JS engines), so every runtime gets the same bits.
import type * as tfc from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type TF = typeof tfc;

/** Optimizer settings. */
export interface OptimizerSettings {
  kind: "adam" | "sgd";
  learningRate: number;
  weightDecay: number;
  momentum: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** An optimizer whose state lives in plain arrays beside the model. */
export interface FusedOptimizer {
  /** Apply one step's gradients (same order as the variables) to the variables. */
  step(grads: tfc.Tensor[]): void;
}

/** A view on a tensor's float32 data in the wasm heap (the tensor must be on the wasm backend). */
function heapView(tf: TF, t: tfc.Tensor): Float32Array {
  const backend = tf.backend() as unknown as BackendWasm;
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** Create an optimizer for `variables` (all on the wasm backend). */
export function fusedOptimizer(tf: TF, variables: tfc.Variable[], s: OptimizerSettings): FusedOptimizer {
  if (tf.getBackend() !== "wasm") throw new Error("fusedOptimizer: the wasm backend must be active");
  const beta1 = s.beta1 ?? 0.9;
  const beta2 = s.beta2 ?? 0.999;
  const eps = s.epsilon ?? 1e-8;
  const m = variables.map((v) => new Float64Array(v.size));
  const vv = variables.map((v) => new Float64Array(v.size));
  let b1t = 1; // beta1^t and beta2^t as running products
  let b2t = 1;
  return {
    step(grads) {
      b1t *= beta1;
      b2t *= beta2;
      const c1 = 1 - b1t;
      const c2 = 1 - b2t;
      for (let k = 0; k < variables.length; k++) {
        const old = heapView(tf, variables[k]);
        const g = heapView(tf, grads[k]);
        const p = new Float32Array(old); // the new values; assigned below as a fresh tensor
        const mk = m[k];
        const vk = vv[k];
        const lr = s.learningRate;
        const wd = s.weightDecay;
        if (s.kind === "adam") {
          for (let i = 0; i < p.length; i++) {
            const gi = g[i] + wd * p[i];
            mk[i] = beta1 * mk[i] + (1 - beta1) * gi;
            vk[i] = beta2 * vk[i] + (1 - beta2) * gi * gi;
            p[i] = p[i] - (lr * (mk[i] / c1)) / (Math.sqrt(vk[i] / c2) + eps);
          }
        } else if (s.momentum > 0) {
          for (let i = 0; i < p.length; i++) {
            mk[i] = s.momentum * mk[i] + g[i] + wd * p[i];
            p[i] = p[i] - lr * mk[i];
          }
        } else {
          for (let i = 0; i < p.length; i++) p[i] = p[i] - lr * (g[i] + wd * p[i]);
        }
        const v = variables[k];
        tf.tidy(() => v.assign(tf.tensor(p, v.shape, "float32")));
      }
    },
  };
}
