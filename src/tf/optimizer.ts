// Adam and SGD (with momentum and weight decay) as one WebAssembly SIMD pass per variable, run in
// place on tfjs-wasm's memory (see kernels/heap_kernels.ts), instead of the ~15 tfjs ops per variable
// per step that tfjs's optimizers dispatch. The moments are tensors on the backend. New values are
// written to a new tensor that is then assigned, never in place: tfjs-wasm caches XNNPACK operators
// (with their packed weights) by the weight tensor's id, so an in-place write would leave any stock
// matmul on these weights using stale values. Powers of beta are running products in float64
// (Math.pow differs between JS engines; * and / do not).
import type * as tfc from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { allocate, heapKernels, offsetOf } from "./kernels/heap_kernels.ts";

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

/** An optimizer whose state lives beside the model, on the backend. */
export interface FusedOptimizer {
  /** Apply one step's gradients (same order as the variables) to the variables. */
  step(grads: tfc.Tensor[]): void;
  /** Free the optimizer's state. */
  dispose(): void;
}

/** Create an optimizer for `variables` (all on the wasm backend). */
export function fusedOptimizer(tf: TF, variables: tfc.Variable[], s: OptimizerSettings): FusedOptimizer {
  if (tf.getBackend() !== "wasm") throw new Error("fusedOptimizer: the wasm backend must be active");
  const backend = tf.backend() as unknown as BackendWasm;
  const beta1 = s.beta1 ?? 0.9;
  const beta2 = s.beta2 ?? 0.999;
  const eps = s.epsilon ?? 1e-8;
  const moments = variables.map((v) => tf.keep(tf.zeros(v.shape)));
  const squares = variables.map((v) => tf.keep(tf.zeros(v.shape)));
  let b1t = 1; // beta1^t and beta2^t as running products
  let b2t = 1;
  return {
    step(grads) {
      b1t *= beta1;
      b2t *= beta2;
      const stepSize = s.learningRate / (1 - b1t);
      const invSqrtC2 = 1 / Math.sqrt(1 - b2t);
      const k = heapKernels(backend);
      for (let i = 0; i < variables.length; i++) {
        const v = variables[i];
        const [next, p] = allocate(backend, v.shape);
        // Views taken after allocate, which may grow (and so replace) the heap's buffer.
        (backend.typedArrayFromHeap(next) as Float32Array).set(backend.typedArrayFromHeap(v));
        const g = offsetOf(backend, grads[i]);
        const m = offsetOf(backend, moments[i]);
        if (s.kind === "adam") {
          k.adamStep(
            p,
            g,
            m,
            offsetOf(backend, squares[i]),
            v.size,
            beta1,
            beta2,
            eps,
            s.weightDecay,
            stepSize,
            invSqrtC2,
          );
        } else {
          k.sgdStep(p, g, m, v.size, s.learningRate, s.momentum, s.weightDecay);
        }
        const t = tf.engine().makeTensorFromTensorInfo(next);
        v.assign(t);
        t.dispose();
      }
    },
    dispose() {
      tf.dispose([...moments, ...squares]);
    },
  };
}
