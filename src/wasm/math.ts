// exp and log computed in WebAssembly: JS engines' Math.exp and Math.log differ in the last bit on
// a few percent of inputs (Node 20 vs Deno 2), so code whose results must be the same bytes in
// every runtime uses these.
import { sharedKernels } from "./module.ts";

/** e^x, the same bits in every runtime. */
export function exp(x: number): number {
  return sharedKernels().raw.wasmExp(x);
}

/** ln x, the same bits in every runtime. */
export function log(x: number): number {
  return sharedKernels().raw.wasmLog(x);
}
