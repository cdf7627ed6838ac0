// A model's layers run straight on tfjs-wasm's heap by spurious1d's kernels (assembly/tfheap), with
// no tfjs engine op, tensor or tape per step: parameters, gradients and Adam's moments are each one
// packed vector, every activation and gradient buffer is allocated once per run, and a training step
// is a fixed sequence of kernel calls (each layer forward, the loss, each layer backward, one
// optimizer pass over all parameters). The kernels and their order are those of the tfjs ops' path
// (ops/ and kernels/, which the tests check against stock tfjs), so the results are the same bits.
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { type HeapKernels, heapKernels, heapMemory } from "./kernels/heap_kernels.ts";
import { layerInputs, layerOutputs, layerParamShapes, type LayerSpec } from "./models.ts";

// Every buffer starts on a 16-byte boundary (whole f32x4 lanes; padding stays zero).
const align = (floats: number): number => (floats + 3) & ~3;

/** Where each variable lives in a packed parameter vector: float offsets and sizes, and the total. */
export interface ParamLayout {
  readonly offsets: number[];
  readonly sizes: number[];
  readonly total: number;
}

/** The packed layout of `layers`' variables (W then b per layer), each 16-byte aligned. */
export function paramLayout(layers: readonly LayerSpec[]): ParamLayout {
  const offsets: number[] = [];
  const sizes: number[] = [];
  let total = 0;
  for (const l of layers) {
    for (const shape of layerParamShapes(l)) {
      const size = shape.reduce((a, b) => a * b, 1);
      offsets.push(total);
      sizes.push(size);
      total += align(size);
    }
  }
  return { offsets, sizes, total };
}

/** A block of tfjs-wasm's heap owned by one run: float offsets are handed out, in order. */
export class HeapBlock {
  readonly ptr: number;
  private readonly info: TensorInfo;
  constructor(private readonly backend: BackendWasm, readonly floats: number) {
    this.info = backend.makeOutput([Math.max(4, floats)], "float32");
    this.ptr = backend.dataIdMap.get(this.info.dataId)!.memoryOffset;
    this.f32(0, floats).fill(0);
  }
  /** Byte address of float `offset`. */
  at(offset: number): number {
    return this.ptr + 4 * offset;
  }
  /** A float32 view of `n` floats from `offset` (take it again after any allocation). */
  f32(offset: number, n: number): Float32Array {
    return new Float32Array(heapMemory(this.backend).buffer, this.at(offset), n);
  }
  /** An int32 view of `n` values from `offset`. */
  i32(offset: number, n: number): Int32Array {
    return new Int32Array(heapMemory(this.backend).buffer, this.at(offset), n);
  }
  /** Give the memory back to tfjs-wasm. */
  dispose(): void {
    this.backend.disposeData(this.info.dataId);
  }
}

/** Bump allocation of float offsets, 16-byte aligned. */
class Plan {
  floats = 0;
  take(n: number): number {
    const at = this.floats;
    this.floats += align(n);
    return at;
  }
}

/** Floats of scratch a layer's forward (conv columns) or backward pass needs at `rows` examples. */
function scratchFloats(l: LayerSpec, rows: number, backward: boolean): number {
  if (l.op === "dense") return backward ? rows * l.outputs + Math.max(rows, l.outputs) * l.inputs : 0;
  const r = rows * l.outLength;
  const k = l.kernel * l.inChannels;
  return backward ? r * l.outChannels + (r + Math.max(r, l.outChannels)) * k : r * k;
}

/**
 * The activation (and, for training, gradient) buffers of a model's layers at up to `rows`
 * examples, and the passes over them. Parameters and gradients are addresses given per call.
 */
export class HeapNetwork {
  private readonly k: HeapKernels;
  private readonly block: HeapBlock;
  private readonly act: number[] = []; // per layer: its activation (before any residual add)
  private readonly out: number[] = []; // per layer: its output (act, or act + x when residual)
  private readonly grad: number[] = []; // per layer: the gradient of the loss with respect to its output
  private readonly cols: number[] = []; // per convolution in training: its input's column matrix, kept for backward
  private readonly scratch: number;
  readonly layout: ParamLayout;

  constructor(backend: BackendWasm, readonly layers: readonly LayerSpec[], readonly rows: number, training: boolean) {
    this.k = heapKernels(backend);
    this.layout = paramLayout(layers);
    const plan = new Plan();
    for (const l of layers) {
      const size = rows * layerOutputs(l);
      const act = plan.take(size);
      this.act.push(act);
      this.out.push(l.op === "dense" && l.residual ? plan.take(size) : act);
      if (training) this.grad.push(plan.take(size));
      this.cols.push(training && l.op === "conv1d" ? plan.take(rows * l.outLength * l.kernel * l.inChannels) : -1);
    }
    const classes = layerOutputs(layers[layers.length - 1]);
    const scratch = Math.max(2 * classes, ...layers.map((l) => scratchFloats(l, rows, training)));
    this.scratch = plan.take(scratch);
    this.block = new HeapBlock(backend, plan.floats);
  }

  /** Byte address of layer i's output (i = -1: the input `x` itself). */
  output(i: number, x: number): number {
    return i < 0 ? x : this.block.at(this.out[i]);
  }

  /** A float32 view of layer i's output for `rows` examples (take it again after any allocation). */
  outputView(i: number, rows: number): Float32Array {
    return this.block.f32(this.out[i], rows * layerOutputs(this.layers[i]));
  }

  /** Run layers [0, upTo) on `rows` examples at address x with the parameters at address `params`. */
  forward(params: number, x: number, rows: number, upTo = this.layers.length): void {
    const { offsets } = this.layout;
    for (let i = 0; i < upTo; i++) {
      const l = this.layers[i];
      const input = this.output(i - 1, x);
      const W = params + 4 * offsets[2 * i];
      const b = params + 4 * offsets[2 * i + 1];
      const act = this.block.at(this.act[i]);
      if (l.op === "dense") {
        const y = l.residual ? this.block.at(this.out[i]) : 0;
        this.k.denseForward(input, W, b, act, y, rows, l.inputs, l.outputs, +l.relu, +l.residual);
      } else {
        this.k.conv1dForward(
          input,
          W,
          b,
          act,
          this.block.at(this.cols[i] >= 0 ? this.cols[i] : this.scratch),
          rows,
          l.length,
          l.inChannels,
          l.outChannels,
          l.kernel,
          l.stride,
          l.pad,
          l.outLength,
          +l.relu,
        );
      }
    }
  }

  /**
   * The mean weighted cross-entropy of the logits of the last forward pass (labels: int32 address;
   * weights: float32 address, or 0 for all ones); its gradient goes to the last layer's buffer.
   */
  loss(labels: number, weights: number, rows: number): number {
    const last = this.layers.length - 1;
    const classes = layerOutputs(this.layers[last]);
    return this.k.softmaxXentHeap(
      this.output(last, 0),
      rows,
      classes,
      labels,
      weights,
      this.block.at(this.grad[last]),
      this.block.at(this.scratch),
    );
  }

  /** Gradients of the loss() into the packed vector at address `grads` (x: the forward pass's input). */
  backward(params: number, grads: number, x: number, rows: number): void {
    const { offsets } = this.layout;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      const input = this.output(i - 1, x);
      const W = params + 4 * offsets[2 * i];
      const dW = grads + 4 * offsets[2 * i];
      const db = grads + 4 * offsets[2 * i + 1];
      const dy = this.block.at(this.grad[i]);
      const act = l.relu ? this.block.at(this.act[i]) : 0;
      // The first layer's input is data: its gradient is not needed.
      const dx = i > 0 ? this.block.at(this.grad[i - 1]) : 0;
      const scratch = this.block.at(this.scratch);
      if (l.op === "dense") {
        this.k.denseBackward(dy, input, W, act, rows, l.inputs, l.outputs, +l.relu, +l.residual, dW, db, dx, scratch);
      } else {
        this.k.conv1dBackward(
          dy,
          input,
          W,
          act,
          rows,
          l.length,
          l.inChannels,
          l.outChannels,
          l.kernel,
          l.stride,
          l.pad,
          l.outLength,
          +l.relu,
          dW,
          db,
          dx,
          scratch,
          this.block.at(this.cols[i]),
        );
      }
    }
  }

  /** Inputs per example of the first layer. */
  get inputSize(): number {
    return layerInputs(this.layers[0]);
  }

  /** Give the buffers back to tfjs-wasm. */
  dispose(): void {
    this.block.dispose();
  }
}
