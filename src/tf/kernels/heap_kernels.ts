// spurious1d's training kernels (assembly/tfheap) instantiated on tfjs-wasm's own memory, so they
// read and write tensors in place: a kernel gets byte offsets of its inputs and of outputs made by
// the backend, and nothing is copied between modules.
import type { TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { wasmBase64 } from "../../../build/wasm/tfheap.wasm.ts";
import { decodeBase64, sharedKernels } from "../../wasm/module.ts";

/** The exports of build/wasm/tfheap.wasm (pointers are byte offsets into tfjs-wasm's heap). */
export interface HeapKernels {
  transposeF32(dst: number, src: number, rows: number, cols: number): void;
  denseForward(
    x: number,
    W: number,
    b: number,
    act: number,
    y: number,
    n: number,
    k: number,
    m: number,
    relu: number,
    residual: number,
  ): void;
  denseBackward(
    dy: number,
    x: number,
    W: number,
    act: number,
    n: number,
    k: number,
    m: number,
    relu: number,
    residual: number,
    dW: number,
    db: number,
    dx: number,
    scratch: number,
  ): void;
  conv1dForward(
    x: number,
    W: number,
    b: number,
    act: number,
    cols: number,
    n: number,
    len: number,
    cin: number,
    cout: number,
    kw: number,
    stride: number,
    pad: number,
    lout: number,
    relu: number,
  ): void;
  conv1dBackward(
    dy: number,
    x: number,
    W: number,
    act: number,
    n: number,
    len: number,
    cin: number,
    cout: number,
    kw: number,
    stride: number,
    pad: number,
    lout: number,
    relu: number,
    dW: number,
    db: number,
    dx: number,
    scratch: number,
    cols: number,
  ): void;
  adamStep(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    beta1: number,
    beta2: number,
    eps: number,
    wd: number,
    stepSize: number,
    invSqrtC2: number,
  ): void;
  sgdStep(p: number, g: number, m: number, n: number, lr: number, momentum: number, wd: number): void;
  softmaxXentHeap(
    logits: number,
    n: number,
    c: number,
    labels: number,
    weights: number,
    grad: number,
    scratch: number,
  ): number;
}

const bound = new WeakMap<object, HeapKernels>();
let compiled: WebAssembly.Module | undefined;

/** tfjs-wasm's memory (views on it must be taken again after any allocation, which may grow it). */
export function heapMemory(backend: BackendWasm): WebAssembly.Memory {
  return (backend as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm.memory;
}

function imports(backend: BackendWasm): WebAssembly.Imports {
  const memory = heapMemory(backend);
  const abort = () => {
    throw new Error("spurious1d heap kernels: abort");
  };
  // exp and log are the main module's, so the loss has the same bits as its xent kernel.
  const { wasmExp: exp, wasmLog: log } = sharedKernels().raw;
  return { env: { memory, abort, exp, log } };
}

/**
 * Compile and bind the kernels to `backend` asynchronously (tfReady does; browsers' main threads
 * refuse to compile modules over 4 KB synchronously).
 */
export async function bindHeapKernels(backend: BackendWasm): Promise<void> {
  if (bound.has(backend)) return;
  compiled ??= await WebAssembly.compile(decodeBase64(wasmBase64));
  const instance = await WebAssembly.instantiate(compiled, imports(backend));
  bound.set(backend, instance.exports as unknown as HeapKernels);
}

/** The kernels bound to `backend`'s memory (bound now, synchronously, if tfReady did not). */
export function heapKernels(backend: BackendWasm): HeapKernels {
  let k = bound.get(backend);
  if (!k) {
    compiled ??= new WebAssembly.Module(decodeBase64(wasmBase64));
    k = new WebAssembly.Instance(compiled, imports(backend)).exports as unknown as HeapKernels;
    bound.set(backend, k);
  }
  return k;
}

/** A tensor's byte offset in tfjs-wasm's heap. */
export function offsetOf(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/** A new float32 tensor on the heap and its byte offset (contents undefined). */
export function allocate(backend: BackendWasm, shape: number[]): [TensorInfo, number] {
  const t = backend.makeOutput(shape, "float32");
  return [t, offsetOf(backend, t)];
}

/** Which gradients a layer's backward kernel computes: weights and bias, the input, or all three. */
export type GradWant = "params" | "input" | "all";

/**
 * The outputs of a layer's backward kernel, as `want` asks: dW and db (shapes of W and b), then dx
 * (the shape of x), with their offsets (0 for one not asked for).
 */
export function gradOutputs(
  backend: BackendWasm,
  want: GradWant,
  shapes: { W: number[]; b: number[]; x: number[] },
): { outs: TensorInfo[]; dW: number; db: number; dx: number } {
  const outs: TensorInfo[] = [];
  const take = (shape: number[]) => {
    const [t, ptr] = allocate(backend, shape);
    outs.push(t);
    return ptr;
  };
  const dW = want !== "input" ? take(shapes.W) : 0;
  const db = want !== "input" ? take(shapes.b) : 0;
  const dx = want !== "params" ? take(shapes.x) : 0;
  return { outs, dW, db, dx };
}
