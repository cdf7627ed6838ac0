// Injecting a spurious feature into MNIST-1D rows: attributes drawn per split, the signal added by
// the WASM kernel, groups attached. Pure: the inputs are never modified.
import { sharedKernels } from "../wasm/module.ts";
import { groupIds } from "./groups.ts";
import { MNIST1D_CLASSES } from "./mnist1d_args.ts";
import type { AttributeDraw, AttributeMode, SpuriousFeature, SpuriousKind } from "./spurious_config.ts";
import {
  KIND_FREQUENCY,
  KIND_OFFSET,
  KIND_PATCH,
  MODE_ALIGNED,
  MODE_CONFLICTING,
  MODE_RANDOM,
} from "./spurious_codes.ts";

const MODE_CODE = {
  aligned: MODE_ALIGNED,
  random: MODE_RANDOM,
  conflicting: MODE_CONFLICTING,
  absent: MODE_RANDOM,
} as const satisfies Record<AttributeMode, number>;
const KIND_CODE = {
  patch: KIND_PATCH,
  frequency: KIND_FREQUENCY,
  offset: KIND_OFFSET,
} as const satisfies Record<SpuriousKind, number>;
/** Rows per kernel call: bounds the kernel's scratch memory whatever the data size. */
const CHUNK_ROWS = 1 << 15;
/** Injection's shifts and noise use their own stream, derived from the split's seed. */
const INJECT_STREAM = 0x5bd1e995;

/** Examples with their spurious attribute and (fine) group. */
export interface SpuriousData {
  /** Rows with the feature added, C order [n x seqLength]; the input array itself when nothing is added. */
  readonly x: Float64Array;
  readonly y: Int32Array;
  /** Attribute of each example, in [0, K). */
  readonly a: Int32Array;
  /** Fine group y * K + a of each example. */
  readonly g: Int32Array;
  readonly seqLength: number;
  readonly numAttributes: number;
  readonly draw: AttributeDraw;
  /** What was added to x (zero off the feature's support), when requested. */
  readonly feature?: Float64Array;
}

/** Options of injectSpurious. */
export interface InjectOptions {
  /** Number of classes (labels are in [0, numClasses)); 10 for MNIST-1D. */
  numClasses?: number;
  /** Also return the added signal (costs one more array of the size of x). */
  returnFeature?: boolean;
  /** Write the rows with the feature here (same length as x; may be x itself, for in place) instead
   * of a new array: reusing memory avoids first-touch page faults on large data. */
  into?: Float64Array;
}

/** Draw one attribute per example as `draw` says (aligned / random / conflicting; absent = random). */
export function drawAttributes(
  y: Int32Array,
  numAttributes: number,
  draw: AttributeDraw,
  numClasses = MNIST1D_CLASSES,
): Int32Array {
  const k = sharedKernels();
  k.reset();
  const n = y.length;
  const yPtr = k.put(y);
  const aPtr = k.alloc(n * 4);
  const scratch = k.alloc((2 * n + 2 * numClasses + 4) * 4);
  k.raw.drawAttributes(
    yPtr,
    n,
    numAttributes,
    numClasses,
    MODE_CODE[draw.mode],
    draw.rho,
    draw.exact ? 1 : 0,
    draw.seed,
    aPtr,
    scratch,
  );
  return k.i32(aPtr, n).slice();
}

/**
 * Draw attributes for labels `y` and add the feature to rows `x` (n x seqLength). Amplitude 0 and
 * mode "absent" add nothing: x is returned as it is, with attributes drawn as in "random".
 */
export function injectSpurious(
  x: Float64Array,
  y: Int32Array,
  seqLength: number,
  feature: SpuriousFeature,
  draw: AttributeDraw,
  options: InjectOptions = {},
): SpuriousData {
  const n = y.length;
  if (x.length !== n * seqLength) {
    throw new RangeError(`injectSpurious: x has ${x.length} values, expected ${n} rows x ${seqLength}`);
  }
  const numK = feature.numAttributes;
  const a = drawAttributes(y, numK, draw, options.numClasses ?? MNIST1D_CLASSES);
  if (options.into && options.into.length !== x.length) {
    throw new RangeError(`injectSpurious: into has ${options.into.length} values, expected ${x.length}`);
  }
  const adds = draw.mode !== "absent" && feature.amplitude !== 0;
  let out = x;
  if (!adds && options.into && options.into !== x) {
    options.into.set(x);
    out = options.into;
  }
  const added: Float64Array | undefined = options.returnFeature ? new Float64Array(x.length) : undefined;
  if (adds) {
    out = options.into ?? new Float64Array(x.length);
    const k = sharedKernels();
    k.reset();
    const codes = k.alloc(numK * feature.windowWidth * 8);
    if (feature.kind === "patch") k.raw.patchCodebook(codes, numK, feature.windowWidth, feature.featureSeed);
    const rows = Math.min(CHUNK_ROWS, n);
    const xPtr = k.alloc(rows * seqLength * 8);
    const aPtr = k.alloc(rows * 4);
    const fPtr = added ? k.alloc(rows * seqLength * 8) : 0;
    k.raw.injectBegin((draw.seed ^ INJECT_STREAM) >>> 0);
    for (let first = 0; first < n; first += rows) {
      const count = Math.min(rows, n - first);
      const values = count * seqLength;
      const from = first * seqLength;
      k.f64(xPtr, values).set(x.subarray(from, from + values));
      k.i32(aPtr, count).set(a.subarray(first, first + count));
      k.raw.injectFeature(
        xPtr,
        count,
        seqLength,
        aPtr,
        numK,
        KIND_CODE[feature.kind],
        feature.amplitude,
        feature.noise,
        feature.jitter,
        feature.windowStart,
        feature.windowWidth,
        codes,
        fPtr,
      );
      out.set(k.f64(xPtr, values), from);
      if (added) added.set(k.f64(fPtr, values), from);
    }
  }
  return {
    x: out,
    y,
    a,
    g: groupIds(y, a, numK, "fine"),
    seqLength,
    numAttributes: numK,
    draw,
    ...(added ? { feature: added } : {}),
  };
}

/** The patch codebook (K rows of windowWidth values, unit RMS) that a feature config uses. */
export function patchCodes(feature: SpuriousFeature): Float64Array {
  const k = sharedKernels();
  k.reset();
  const codes = k.alloc(feature.numAttributes * feature.windowWidth * 8);
  k.raw.patchCodebook(codes, feature.numAttributes, feature.windowWidth, feature.featureSeed);
  return k.f64(codes, feature.numAttributes * feature.windowWidth).slice();
}
