// The training loss as one kernel: mean weighted softmax cross-entropy and its gradient with
// respect to the logits, computed together by this package's WebAssembly (float64, its own exp and
// log: the same bits in every runtime). Registered for the wasm and cpu backends alike: it only
// reads its inputs and writes two outputs.
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { sharedKernels } from "../../wasm/module.ts";

/** The kernel's name (prefixed: it is not a tfjs kernel). */
export const SOFTMAX_XENT = "Spurious1dSoftmaxCrossEntropy";

interface AnyBackend {
  readSync(dataId: unknown): unknown;
  makeTensorInfo?(shape: number[], dtype: "float32", values: Float32Array): TensorInfo;
  makeOutput?(shape: number[], dtype: "float32"): TensorInfo;
  typedArrayFromHeap?(t: TensorInfo): Float32Array;
}

function output(backend: AnyBackend, shape: number[], values: Float32Array): TensorInfo {
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, "float32", values);
  const out = backend.makeOutput!(shape, "float32");
  backend.typedArrayFromHeap!(out).set(values);
  return out;
}

/** Inputs logits [n, c] float32, labels [n] int32, optional weights [n]; outputs [loss, dloss/dlogits]. */
const kernelFunc = (({ inputs, backend }: { inputs: Record<string, TensorInfo>; backend: AnyBackend }) => {
  const { logits, labels, weights } = inputs;
  const [n, c] = logits.shape;
  const z = backend.readSync(logits.dataId) as Float32Array;
  const y = backend.readSync(labels.dataId) as Int32Array;
  for (let i = 0; i < n; i++) {
    if (!(y[i] >= 0 && y[i] < c)) {
      throw new RangeError(`softmax cross-entropy: label ${y[i]} of row ${i} is not in [0, ${c})`);
    }
  }
  const k = sharedKernels();
  k.reset();
  const zp = k.put(z);
  const yp = k.put(y);
  const wp = weights ? k.put(backend.readSync(weights.dataId) as Float32Array) : 0;
  const gp = k.alloc(n * c * 4);
  const sp = k.alloc(c * 8);
  const loss = k.raw.softmaxXent(zp, n, c, yp, wp, gp, sp);
  return [output(backend, [], Float32Array.of(loss)), output(backend, [n, c], k.f32(gp, n * c).slice())];
}) as unknown as KernelFunc;

/** The kernel for each backend spurious1d trains on. */
export const softmaxCrossEntropyConfigs: KernelConfig[] = ["wasm", "cpu"].map((backendName) => ({
  kernelName: SOFTMAX_XENT,
  backendName,
  kernelFunc,
}));
