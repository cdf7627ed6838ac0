// Loads the AssemblyScript kernels from the bytes embedded at build time (no file or network I/O,
// so the same code runs in Deno, Node, browsers and edge runtimes) and types their exports.
import { wasmBase64 } from "../../build/wasm/spurious1d.wasm.ts";

/** The raw exports of build/wasm/spurious1d.wasm (pointers are byte offsets into `memory`). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  arenaReset(): void;
  arenaAlloc(bytes: number): number;
  rngSeed(seed: number): void;
  rngRaw(dst: number, n: number): void;
  rngUniform(dst: number, n: number): void;
  rngNormal(dst: number, n: number): void;
  rngNormalBatch(dst: number, n: number): void;
  logPairs(dst: number, src: number, n: number): void;
  logScalar(dst: number, src: number, n: number): void;
  rngInterval(max: number): number;
  uniformF32(dst: number, n: number, low: number, high: number, seed: number): void;
  seededPermutation(dst: number, n: number, seed: number): void;
  linspace(dst: number, a: number, b: number, n: number): void;
  interpSorted(dst: number, xq: number, m: number, xp: number, v: number, n: number): void;
  gaussianFilter(dst: number, src: number, n: number, ext: number): void;
  pairwiseSum(base: number, n: number, stride: number): number;
  arraySum(base: number, rows: number, cols: number, colMajor: number, squares: number, centre: number): number;
  templatesX(): number;
  templatesT(): number;
  begin(
    seed: number,
    templateLen: number,
    low: number,
    high: number,
    scale: number,
    maxTrans: number,
    corr: number,
    iid: number,
    shear: number,
    finalSeqLen: number,
    maxTableBytes: number,
  ): number;
  transformRange(dst: number, first: number, count: number, perClass: number): void;
  timeAxis(dst: number): void;
  drawPermutation(dst: number, n: number): void;
  applyPermutation(
    data: number,
    n: number,
    cols: number,
    perm: number,
    visited: number,
    tmp: number,
    colPerm: number,
  ): void;
  arrayMeanStd(data: number, rows: number, cols: number, colMajor: number, out: number): void;
  normalise(data: number, n: number, mean: number, std: number): void;
  drawAttributes(
    y: number,
    n: number,
    k: number,
    classes: number,
    mode: number,
    rho: number,
    exact: number,
    seed: number,
    a: number,
    scratch: number,
  ): void;
  patchCodebook(codes: number, k: number, width: number, featureSeed: number): void;
  injectFeature(
    x: number,
    n: number,
    len: number,
    a: number,
    k: number,
    kind: number,
    amplitude: number,
    noise: number,
    jitter: number,
    start: number,
    width: number,
    codes: number,
    feature: number,
  ): void;
  injectBegin(seed: number): void;
  softmaxXent(
    logits: number,
    n: number,
    c: number,
    labels: number,
    weights: number,
    grad: number,
    scratch: number,
  ): number;
  statsFromLogits(
    logits: number,
    n: number,
    c: number,
    labels: number,
    groups: number,
    numGroups: number,
    joint: number,
    groupLoss: number,
    binCount: number,
    binConfidence: number,
  ): number;
  statsFromPredictions(
    predictions: number,
    n: number,
    c: number,
    labels: number,
    groups: number,
    numGroups: number,
    joint: number,
  ): number;
  expScalar(x: number): number;
  wasmExp(x: number): number;
  knn(x: number, n: number, d: number, k: number, nbr: number, dist: number, row: number): void;
  conditionalP(dist: number, n: number, k: number, perplexity: number, P: number): void;
  optimise(
    n: number,
    rowStart: number,
    cols: number,
    vals: number,
    Y: number,
    iterations: number,
    exaggerationIters: number,
    exaggeration: number,
    learningRate: number,
    theta: number,
    update: number,
    gains: number,
    grad: number,
    negF: number,
    tree: number,
  ): number;
  wasmLog(x: number): number;
  softmaxLossGrad(
    x: number,
    n: number,
    d: number,
    y: number,
    weights: number,
    k: number,
    W: number,
    b: number,
    gW: number,
    gb: number,
    perExample: number,
    scratch: number,
  ): number;
  headWorkFloats(n: number, d: number, k: number): number;
  headAdamSteps(
    x: number,
    sparse: number,
    n: number,
    d: number,
    k: number,
    y: number,
    weights: number,
    groupOf: number,
    numGroups: number,
    groupState: number,
    params: number,
    anchor: number,
    ce: number,
    scalars: number,
    work: number,
    steps: number,
  ): void;
  headPredict(
    x: number,
    sparse: number,
    n: number,
    d: number,
    k: number,
    work: number,
    z: number,
    pred: number,
  ): void;
  countNonzero(x: number, count: number): number;
  compressRows(x: number, n: number, d: number, kp: number, sparse: number): void;
  headLogitsRows(
    x: number,
    xF32: number,
    n: number,
    d: number,
    k: number,
    W: number,
    b: number,
    out: number,
    scratch: number,
  ): void;
  cdWorkDoubles(n: number, dd: number): number;
  cdPaddedRows(n: number): number;
  binaryLogregCD(
    xt: number,
    xt32: number,
    n: number,
    dd: number,
    yb: number,
    cost: number,
    penalty: number,
    regularizeBias: number,
    w: number,
    eps: number,
    maxNewton: number,
    seed: number,
    work: number,
    work32: number,
    out: number,
  ): number;
}

let compiled: Promise<WebAssembly.Module> | undefined;
let compiledSync: WebAssembly.Module | undefined;

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

const IMPORTS = {
  env: {
    abort(_msg: number, _file: number, line: number, column: number): never {
      throw new Error(`spurious1d wasm: abort at ${line}:${column}`);
    },
  },
};

/** Compile the kernels once per process (asynchronously, as browsers' main threads require). */
export function kernelModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(decodeBase64(wasmBase64)).then((m) => (compiledSync ??= m));
  return compiled;
}

/** A fresh instance with its own memory: dropping it frees everything it allocated. */
export async function instantiateKernels(): Promise<Kernels> {
  const instance = await WebAssembly.instantiate(await kernelModule(), IMPORTS);
  return new Kernels(instance.exports as unknown as KernelExports);
}

/**
 * The same, synchronously: uses the module compiled by kernelModule() if there is one, else
 * compiles it now (fine in Deno, Node and workers; a browser's main thread should await
 * kernelModule() once first).
 */
export function instantiateKernelsSync(): Kernels {
  compiledSync ??= new WebAssembly.Module(decodeBase64(wasmBase64));
  const instance = new WebAssembly.Instance(compiledSync, IMPORTS);
  return new Kernels(instance.exports as unknown as KernelExports);
}

let shared: Kernels | undefined;

/**
 * One long-lived instance for transient work whose results are copied out before returning
 * (injection, metrics): its memory is faulted in once and reused, which matters where first-touch
 * page faults are costly. Calls are synchronous, so no two users overlap.
 */
export function sharedKernels(): Kernels {
  shared ??= instantiateKernelsSync();
  return shared;
}

/** Owns one kernel instance: arena allocation plus typed views and copies of its memory. */
export class Kernels {
  constructor(readonly raw: KernelExports) {}

  /** Start a new call: every earlier allocation is forgotten. */
  reset(): void {
    this.raw.arenaReset();
  }

  /** Allocate `bytes`; throws a RangeError naming the size when memory runs out. */
  alloc(bytes: number): number {
    const ptr = this.raw.arenaAlloc(bytes);
    if (ptr === 0) throw new RangeError(`spurious1d: out of WebAssembly memory allocating ${bytes} bytes`);
    return ptr;
  }

  /** Copy a typed array into fresh arena memory; returns its address. */
  put(values: Float64Array | Float32Array | Int32Array): number {
    const ptr = this.alloc(values.byteLength);
    new Uint8Array(this.raw.memory.buffer, ptr, values.byteLength).set(
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
    return ptr;
  }

  /** A view of `n` doubles at `ptr` (valid until the next allocation). */
  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.raw.memory.buffer, ptr, n);
  }

  /** A view of `n` float32 at `ptr` (valid until the next allocation). */
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.raw.memory.buffer, ptr, n);
  }

  /** A view of `n` int32 at `ptr` (valid until the next allocation). */
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.raw.memory.buffer, ptr, n);
  }

  /** A view of `n` uint32 at `ptr` (valid until the next allocation). */
  u32(ptr: number, n: number): Uint32Array {
    return new Uint32Array(this.raw.memory.buffer, ptr, n);
  }
}
