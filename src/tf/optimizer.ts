// Adam and SGD (with momentum and weight decay) as one WebAssembly pass per variable (float32, four
// lanes at a time), instead of the ~15 tfjs ops per variable per step that tfjs's optimizers
// dispatch. Each step copies parameters, gradients and the moments (m, v) into the shared WebAssembly
// instance and the results out (an instance per optimizer would reserve address space that many
// short trainings exhaust before the garbage collector frees it). The new values are assigned as a
// new tensor, not written in place: tfjs-wasm caches XNNPACK operators (with their packed weights)
// by the weight tensor's id, so an in-place write would leave matmuls using stale weights. Powers of
// beta are running products in float64 (Math.pow differs between JS engines; * and / do not).
import type * as tfc from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { sharedKernels } from "../wasm/module.ts";

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

/** An optimizer whose state lives beside the model. */
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
  // The moments live in JS; each step copies them, the parameters and the gradients into the
  // shared WebAssembly instance and the results out.
  const m = variables.map((v) => new Float32Array(v.size));
  const sq = variables.map((v) => new Float32Array(v.size));
  let b1t = 1; // beta1^t and beta2^t as running products
  let b2t = 1;
  return {
    step(grads) {
      b1t *= beta1;
      b2t *= beta2;
      const stepSize = s.learningRate / (1 - b1t);
      const invSqrtC2 = 1 / Math.sqrt(1 - b2t);
      for (let i = 0; i < variables.length; i++) {
        const v = variables[i];
        const k = sharedKernels();
        k.reset();
        const [p, g, mp, vp] = [heapView(tf, v), heapView(tf, grads[i]), m[i], sq[i]].map((a) => k.put(a));
        if (s.kind === "adam") {
          k.raw.adamStep(p, g, mp, vp, v.size, beta1, beta2, eps, s.weightDecay, stepSize, invSqrtC2);
        } else {
          k.raw.sgdStep(p, g, mp, v.size, s.learningRate, s.momentum, s.weightDecay);
        }
        m[i].set(k.f32(mp, v.size));
        sq[i].set(k.f32(vp, v.size));
        tf.tidy(() => v.assign(tf.tensor(k.f32(p, v.size), v.shape, "float32")));
      }
    },
  };
}
