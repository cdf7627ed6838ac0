// The trainer's kernels as a module that imports tfjs-wasm's memory and works on its tensors in
// place (no copies in or out). It must hold no static data, which would land in tfjs's heap: only
// code and immediate constants (checked by scripts/embed-wasm.mjs).
export { gemm, transposeF32 } from "../gemm";
export { denseForward, denseBackward } from "../dense";
export { conv1dForward, conv1dBackward } from "../conv1d";
export { adamStep, sgdStep } from "../optim";
export { softmaxXentHeap } from "../heap_xent";
