// The main WASM module's exports: the arena, the RNG (and its test hooks), the MNIST-1D generator,
// spurious features, metrics, last-layer and training losses, t-SNE. The trainer's layer and
// optimizer kernels are a second module, assembly/tfheap, that runs on tfjs-wasm's memory.
export { arenaAlloc, arenaReset } from "./arena";
export { rngSeed, rngRaw, rngUniform, rngNormal, rngNormalBatch, interval as rngInterval, uniformF32, seededPermutation } from "./rng";
export { logPairs, logScalar } from "./log_pair";
export { linspace, interpSorted, gaussianFilter, pairwiseSum, arraySum } from "./numeric";
export {
  templatesX, templatesT, begin, transformRange, timeAxis, drawPermutation, applyPermutation,
  arrayMeanStd, normalise,
} from "./mnist1d";
export { drawAttributes, patchCodebook, injectBegin, injectFeature } from "./spurious";
export { statsFromLogits, statsFromPredictions, expScalar } from "./metrics";
export { softmaxLossGrad, wasmExp, wasmLog } from "./logreg";
export { binaryLogregCD, cdPaddedRows, cdWorkDoubles } from "./linear_cd";
export { compressRows, countNonzero, headAdamSteps, headPredict, headWorkFloats } from "./head_adam";
export { headLogitsRows } from "./head_logits";
export { softmaxXent } from "./xent";
export { knn, conditionalP, optimise } from "./tsne";
