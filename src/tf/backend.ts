// Prepares TensorFlow.js for training on its WebAssembly backend, identically in every runtime:
// the SIMD binary comes from bytes embedded at build time, threads are off (the study parallelises
// across workers instead), and the kernels tfjs-wasm lacks or runs slowly are registered.
import * as tf from "@tensorflow/tfjs-core";
// The full package registers every op's gradient with tfjs-core (tfjs-core alone registers none).
import "@tensorflow/tfjs";
import { type BackendWasm, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import {
  getGradient,
  type KernelConfig,
  registerGradient,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs-core";
import { wasmBase64 } from "../../build/wasm/tfjs-backend-wasm-simd.wasm.ts";
import { conv2dBackpropFilterConfig } from "./kernels/conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./kernels/conv2d_backprop_input.ts";
import { unsortedSegmentSumConfig } from "./kernels/unsorted_segment_sum.ts";
import { untransposedMatMulConfig } from "./kernels/matmul_untransposed.ts";
import { contiguousSliceConfig } from "./kernels/slice_contiguous.ts";
import { fusedDenseConfigs, fusedDenseGradConfig } from "./kernels/fused_dense.ts";
import { conv1dConfigs, conv1dGradConfig } from "./kernels/conv1d_layer.ts";
import { bindHeapKernels } from "./kernels/heap_kernels.ts";
import { conv1dGradConfigs } from "./ops/conv1d_layer.ts";
import { softmaxCrossEntropyConfigs } from "./kernels/softmax_cross_entropy.ts";
import { fusedDenseGradConfigs } from "./ops/fused_dense.ts";
import { softmaxCrossEntropyGradConfig } from "./ops/softmax_cross_entropy.ts";

let ready: Promise<typeof tf> | undefined;

/** The tfjs namespace with the wasm backend active and patched; safe to call many times. */
export function tfReady(): Promise<typeof tf> {
  ready ??= init();
  return ready;
}

async function init(): Promise<typeof tf> {
  const url = `data:application/wasm;base64,${wasmBase64}`;
  // Every name maps to the one embedded SIMD binary: threads are never used.
  setWasmPaths(
    { "tfjs-backend-wasm.wasm": url, "tfjs-backend-wasm-simd.wasm": url, "tfjs-backend-wasm-threaded-simd.wasm": url },
    true,
  );
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  tf.env().set("WASM_HAS_SIMD_SUPPORT", true);
  if (!(await tf.setBackend("wasm"))) throw new Error("spurious1d: the tfjs wasm backend failed to start");
  await tf.ready();
  patchKernels();
  await bindHeapKernels(tf.backend() as unknown as BackendWasm);
  return tf;
}

/**
 * Register the missing kernels and spurious1d's fused ones (with their gradients), and replace the
 * transposing matmuls and the copying Slice (idempotent).
 */
export function patchKernels(): void {
  const added = [
    conv2dBackpropFilterConfig,
    unsortedSegmentSumConfig,
    ...fusedDenseConfigs,
    fusedDenseGradConfig,
    ...softmaxCrossEntropyConfigs,
    ...conv1dConfigs,
    conv1dGradConfig,
  ];
  for (const config of added) {
    if (!tf.getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
  for (const config of [...fusedDenseGradConfigs(tf), ...conv1dGradConfigs(tf), softmaxCrossEntropyGradConfig(tf)]) {
    if (!getGradient(config.kernelName)) registerGradient(config);
  }
  replaceKernel("Slice", contiguousSliceConfig);
  replaceKernel("Conv2DBackpropInput", () => conv2dBackpropInputConfig);
  for (const name of ["BatchMatMul", "_FusedMatMul"] as const) {
    replaceKernel(name, () => untransposedMatMulConfig(name));
  }
}

// Replace tfjs-wasm's kernel `name` once (the new config may wrap the current one).
function replaceKernel(name: string, config: () => KernelConfig): void {
  if ((tf.getKernel(name, "wasm") as { patched?: boolean } | undefined)?.patched) return;
  const replacement = config();
  unregisterKernel(name, "wasm");
  registerKernel(replacement);
  (tf.getKernel(name, "wasm") as { patched?: boolean }).patched = true;
}
