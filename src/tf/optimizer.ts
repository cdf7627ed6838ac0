// Adam and SGD (with momentum and weight decay) as one WebAssembly SIMD pass over every parameter
// of a model at once: parameters, gradients and moments are packed vectors on tfjs-wasm's heap
// (heap_network.ts), so a step is one kernel call instead of one per variable (or the ~15 tfjs ops
// per variable that tfjs's optimizers dispatch). Powers of beta are running products in float64
// (Math.pow differs between JS engines; * and / do not).
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapKernels } from "./kernels/heap_kernels.ts";
import { HeapBlock } from "./heap_network.ts";

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

/** An optimizer over one packed vector of `size` floats; its moments live on the heap too. */
export interface PackedOptimizer {
  /** Apply the gradients at address `grads` to the parameters at address `params`, in place. */
  step(params: number, grads: number): void;
  /** Free the optimizer's state. */
  dispose(): void;
}

/** Create an optimizer for `size` packed parameters on `backend`'s heap. */
export function packedOptimizer(backend: BackendWasm, size: number, s: OptimizerSettings): PackedOptimizer {
  const beta1 = s.beta1 ?? 0.9;
  const beta2 = s.beta2 ?? 0.999;
  const eps = s.epsilon ?? 1e-8;
  const k = heapKernels(backend);
  const moments = new HeapBlock(backend, 2 * size); // first moments (or momentum), then second moments
  const m = moments.at(0);
  const v = moments.at(size);
  let b1t = 1; // beta1^t and beta2^t as running products
  let b2t = 1;
  return {
    step(params, grads) {
      if (s.kind === "sgd") {
        k.sgdStep(params, grads, m, size, s.learningRate, s.momentum, s.weightDecay);
        return;
      }
      b1t *= beta1;
      b2t *= beta2;
      const stepSize = s.learningRate / (1 - b1t);
      const invSqrtC2 = 1 / Math.sqrt(1 - b2t);
      k.adamStep(params, grads, m, v, size, beta1, beta2, eps, s.weightDecay, stepSize, invSqrtC2);
    },
    dispose() {
      moments.dispose();
    },
  };
}
