// MNIST-1D, bit for bit as the reference generator makes it: a typed facade over the WASM kernel.
import { instantiateKernels, type Kernels } from "../wasm/module.ts";
import { MNIST1D_CLASSES, type Mnist1dArgs, splitIndex, totalExamples } from "./mnist1d_args.ts";

/** The reference's templates: 10 rows of 12 points, their time axis and labels 0..9. */
export interface Mnist1dTemplates {
  readonly x: Float64Array;
  readonly t: Float64Array;
  readonly y: Int32Array;
  readonly rows: number;
  readonly cols: number;
}

/** A generated dataset: float64 arrays as the reference makes them, float32 copies for training. */
export interface Mnist1dDataset {
  readonly args: Mnist1dArgs;
  /** Training rows, C order, shape [nTrain, seqLength]. */
  readonly x: Float64Array;
  readonly y: Int32Array;
  /** Test rows, C order, shape [nTest, seqLength]. */
  readonly xTest: Float64Array;
  readonly yTest: Int32Array;
  /** The shared time axis, divided by the data's std as the reference does. */
  readonly t: Float64Array;
  readonly templates: Mnist1dTemplates;
  readonly seqLength: number;
  /** float32 copies of x and xTest (what the trainers consume), made on first access. */
  readonly x32: Float32Array;
  readonly xTest32: Float32Array;
}

/** Called between chunks of a long generation with examples done and the total. */
export type ProgressCallback = (done: number, total: number) => void;

/** Examples generated per kernel call; between calls the progress callback runs. */
const CHUNK = 1 << 16;

/**
 * Generate MNIST-1D from validated arguments (see resolveMnist1dArgs). Each call has its own
 * WebAssembly instance, and the large arrays are views on that instance's memory: nothing else
 * ever writes there, so they are the caller's to keep, without a copy of the data.
 */
export async function makeMnist1d(args: Mnist1dArgs, onProgress?: ProgressCallback): Promise<Mnist1dDataset> {
  return generateWith(await instantiateKernels(), args, onProgress);
}

/** The normalised templates, exactly as the reference's get_templates. */
export async function mnist1dTemplates(): Promise<Mnist1dTemplates> {
  const k = await instantiateKernels();
  return readTemplates(k);
}

function readTemplates(k: Kernels): Mnist1dTemplates {
  const rows = MNIST1D_CLASSES;
  const cols = 12;
  const x = k.f64(k.raw.templatesX(), rows * cols).slice();
  const t = k.f64(k.raw.templatesT(), cols).slice();
  const y = Int32Array.from({ length: rows }, (_, i) => i);
  return { x, t, y, rows, cols };
}

// The generation pipeline on a fresh kernel instance, which the returned views then own.
function generateWith(k: Kernels, args: Mnist1dArgs, onProgress?: ProgressCallback): Mnist1dDataset {
  const n = totalExamples(args);
  const perClass = n / MNIST1D_CLASSES;
  const cols = args.finalSeqLength;
  const [low, high] = args.padding;
  k.reset();
  const ok = k.raw.begin(
    args.seed,
    args.templateLen,
    low,
    high,
    args.scaleCoeff,
    args.maxTranslation,
    args.corrNoiseScale,
    args.iidNoiseScale,
    args.shearScale,
    cols,
  );
  if (!ok) throw new RangeError("spurious1d: out of WebAssembly memory for the generator's scratch");
  const templates = readTemplates(k);
  const data = k.alloc(n * cols * 8);
  for (let first = 0; first < n; first += CHUNK) {
    const count = Math.min(CHUNK, n - first);
    k.raw.transformRange(data + first * cols * 8, first, count, perClass);
    onProgress?.(first + count, n);
  }
  const tPtr = k.alloc(cols * 8);
  k.raw.timeAxis(tPtr);

  // Shuffle the examples (and, with shuffle_seq, the positions), drawn in the reference's order.
  const perm = k.alloc(n * 4);
  k.raw.drawPermutation(perm, n);
  const colPerm = args.shuffleSeq ? k.alloc(cols * 4) : 0;
  if (colPerm) k.raw.drawPermutation(colPerm, cols);
  const visited = k.alloc(n);
  const spare = k.alloc(cols * 8);
  k.raw.applyPermutation(data, n, cols, perm, visited, spare, colPerm);

  // Whole-array normalisation; numpy visits a column-shuffled array in column-major order.
  const stats = k.alloc(16);
  k.raw.arrayMeanStd(data, n, cols, colPerm ? 1 : 0, stats);
  const [mean, std] = k.f64(stats, 2);
  k.raw.normalise(data, n * cols, mean, std);
  const t = k.f64(tPtr, cols).map((v) => v / std);

  // Example i was made from class-major position perm[i], so its label is perm[i] / perClass.
  const labels = new Int32Array(n);
  const permView = k.i32(perm, n);
  for (let i = 0; i < n; i++) labels[i] = Math.floor(permView[i] / perClass);
  const cut = splitIndex(args);
  const trainValues = cut * cols;
  const x = k.f64(data, trainValues);
  const xTest = k.f64(data + trainValues * 8, n * cols - trainValues);
  // float32 copies are made on first use: fresh memory is costly to touch, and many callers
  // only want the float64 data. Rounding to float32 is exact IEEE arithmetic in every engine.
  let x32: Float32Array | undefined;
  let xTest32: Float32Array | undefined;
  return {
    args,
    x,
    y: labels.subarray(0, cut),
    xTest,
    yTest: labels.subarray(cut),
    t,
    templates,
    seqLength: cols,
    get x32() {
      return (x32 ??= new Float32Array(x));
    },
    get xTest32() {
      return (xTest32 ??= new Float32Array(xTest));
    },
  };
}
