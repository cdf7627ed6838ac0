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

/** Datasets up to this many bytes of x are made in one reused instance and copied out. */
const SMALL_DATASET_BYTES = 32 << 20;

let smallGenerator: Promise<Kernels> | undefined;

/**
 * Generate MNIST-1D from validated arguments (see resolveMnist1dArgs); the arrays are the caller's
 * to keep. A large dataset gets its own WebAssembly instance and its arrays are views on that
 * instance's memory (no copy). Smaller ones are made in one instance reused by every call and
 * copied out: each instance reserves about 10 GB of address space until it is garbage collected,
 * and many small ones, which put no pressure on the collector, exhaust V8's 1 TB limit and stall
 * the process (seen here after about 250 calls).
 */
export async function makeMnist1d(
  args: Mnist1dArgs,
  onProgress?: ProgressCallback,
  options?: GenerateOptions,
): Promise<Mnist1dDataset> {
  if (totalExamples(args) * args.finalSeqLength * 8 > SMALL_DATASET_BYTES) {
    return generateWith(await instantiateKernels(), args, onProgress, options);
  }
  const k = await (smallGenerator ??= instantiateKernels());
  return generateWith(k, args, onProgress, options, undefined, true);
}

/**
 * Makes datasets one after another in one WebAssembly instance whose memory is reused, so after
 * the first call no fresh memory is touched (first-touch page faults cost 12 us per 4 KiB page on
 * this project's VMs, a third of the time of a fresh 1M-example generation). Each generate()
 * overwrites the previous dataset's x and xTest: reading them through the old dataset then throws,
 * and typed arrays taken from it earlier change. Copy what you keep (x.slice()) first.
 */
export class Mnist1dGenerator {
  #current: { live: boolean } | undefined;

  private constructor(private readonly kernels: Kernels) {}

  /** A generator with its own WebAssembly instance. */
  static async create(): Promise<Mnist1dGenerator> {
    return new Mnist1dGenerator(await instantiateKernels());
  }

  /** Generate as makeMnist1d does (same bytes), invalidating the previous dataset's x and xTest. */
  generate(args: Mnist1dArgs, onProgress?: ProgressCallback, options?: GenerateOptions): Mnist1dDataset {
    if (this.#current) this.#current.live = false;
    const lease = { live: true };
    this.#current = lease;
    return generateWith(this.kernels, args, onProgress, options, lease);
  }
}

/** The normalised templates, exactly as the reference's get_templates. */
export async function mnist1dTemplates(): Promise<Mnist1dTemplates> {
  return readTemplates(await (smallGenerator ??= instantiateKernels()));
}

function readTemplates(k: Kernels): Mnist1dTemplates {
  const rows = MNIST1D_CLASSES;
  const cols = 12;
  const x = k.f64(k.raw.templatesX(), rows * cols).slice();
  const t = k.f64(k.raw.templatesT(), cols).slice();
  const y = Int32Array.from({ length: rows }, (_, i) => i);
  return { x, t, y, rows, cols };
}

/** Tuning knobs of the generation pipeline (results do not depend on them). */
export interface GenerateOptions {
  /** Table the stretched templates (10 per padding value) when they fit in this many bytes. */
  maxTableBytes?: number;
}

// The stretched templates of the default arguments take 144 KB; huge padding ranges fall back to
// stretching each example's template.
const STRETCH_TABLE_BYTES = 8 << 20;

// The generation pipeline on a kernel instance, whose memory the returned views share (with a
// lease, they are valid while lease.live), or copied out of it.
function generateWith(
  k: Kernels,
  args: Mnist1dArgs,
  onProgress?: ProgressCallback,
  options: GenerateOptions = {},
  lease?: { readonly live: boolean },
  copyOut = false,
): Mnist1dDataset {
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
    options.maxTableBytes ?? STRETCH_TABLE_BYTES,
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
  const view = (ptr: number, count: number) => (copyOut ? k.f64(ptr, count).slice() : k.f64(ptr, count));
  const x = view(data, trainValues);
  const xTest = view(data + trainValues * 8, n * cols - trainValues);
  // float32 copies are made on first use: fresh memory is costly to touch, and many callers
  // only want the float64 data. Rounding to float32 is exact IEEE arithmetic in every engine.
  let x32: Float32Array | undefined;
  let xTest32: Float32Array | undefined;
  const live = <T>(name: string, value: T): T => {
    if (lease && !lease.live) {
      throw new Error(
        `MNIST-1D: this dataset's ${name} was overwritten by a later generate() on the same Mnist1dGenerator; ` +
          "copy what you keep (for example x.slice()) before generating again",
      );
    }
    return value;
  };
  return {
    args,
    get x() {
      return live("x", x);
    },
    y: labels.subarray(0, cut),
    get xTest() {
      return live("xTest", xTest);
    },
    yTest: labels.subarray(cut),
    t,
    templates,
    seqLength: cols,
    get x32() {
      return (x32 ??= new Float32Array(live("x", x)));
    },
    get xTest32() {
      return (xTest32 ??= new Float32Array(live("xTest", xTest)));
    },
  };
}
