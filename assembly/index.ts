// The WASM module's exports: the arena, the RNG (test hooks) and the MNIST-1D generator.
export { arenaAlloc, arenaReset } from "./arena";
export { rngSeed, rngRaw, rngUniform, rngNormal, rngNormalBatch, interval as rngInterval, uniformF32, seededPermutation } from "./rng";
export { linspace, interpSorted, gaussianFilter, pairwiseSum, arraySum } from "./numeric";
export {
  templatesX, templatesT, begin, transformRange, timeAxis, drawPermutation, applyPermutation,
  arrayMeanStd, normalise,
} from "./mnist1d";
export { drawAttributes, patchCodebook, injectBegin, injectFeature } from "./spurious";
export { statsFromLogits, statsFromPredictions, expScalar } from "./metrics";
export { softmaxLossGrad, wasmExp, wasmLog } from "./logreg";
export { softmaxXent } from "./xent";
export { knn, conditionalP, optimise } from "./tsne";
export { adamStep, sgdStep } from "./optim";
export { gemm, transposeF32 } from "./gemm";
export { denseForward, denseBackward } from "./dense";
export { conv1dForward, conv1dBackward } from "./conv1d";
