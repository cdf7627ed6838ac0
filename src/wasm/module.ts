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
  rngInterval(max: number): number;
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
}

let compiled: Promise<WebAssembly.Module> | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Compile the kernels once per process (asynchronously, as browsers require for larger modules). */
export function kernelModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(decodeBase64(wasmBase64));
  return compiled;
}

/** A fresh instance with its own memory: dropping it frees everything it allocated. */
export async function instantiateKernels(): Promise<Kernels> {
  const instance = await WebAssembly.instantiate(await kernelModule(), {
    env: {
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`spurious1d wasm: abort at ${line}:${column}`);
      },
    },
  });
  return new Kernels(instance.exports as unknown as KernelExports);
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
