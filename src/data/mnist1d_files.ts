// The files of a generated dataset as bytes (.npy arrays plus meta.json): what the CLI writes
// and what the library reads back. Pure: no file system here.
import { decodeNpy, encodeNpy, int64Of, type NpyArray } from "./npy.ts";
import { MNIST1D_KEYS, type Mnist1dArgs, referenceName } from "./mnist1d_args.ts";
import type { Mnist1dDataset } from "./mnist1d.ts";
import type { SpuriousData } from "./spurious.ts";

/** Train and test splits with a spurious feature, replacing the clean x and x_test. */
export interface SpuriousPair {
  readonly train: SpuriousData;
  readonly test: SpuriousData;
}

/** The reference's arguments under their snake_case names (as in mnist1d's get_dataset_args). */
export function referenceArgs(args: Mnist1dArgs): Record<string, unknown> {
  return Object.fromEntries(MNIST1D_KEYS.map((k) => [referenceName(k), args[k]]));
}

/**
 * x.npy, y.npy, x_test.npy, y_test.npy, t.npy (float64 / int64, C order) and meta.json; with a
 * spurious pair, x and x_test carry the feature and a.npy, g.npy, a_test.npy, g_test.npy are added.
 */
export function datasetFiles(
  ds: Mnist1dDataset,
  extraMeta: Record<string, unknown> = {},
  spurious?: SpuriousPair,
): Map<string, Uint8Array> {
  const f = ds.seqLength;
  const arrays: Record<string, NpyArray> = {
    "x.npy": { dtype: "<f8", shape: [ds.y.length, f], data: spurious?.train.x ?? ds.x },
    "y.npy": { dtype: "<i8", shape: [ds.y.length], data: int64Of(ds.y) },
    "x_test.npy": { dtype: "<f8", shape: [ds.yTest.length, f], data: spurious?.test.x ?? ds.xTest },
    "y_test.npy": { dtype: "<i8", shape: [ds.yTest.length], data: int64Of(ds.yTest) },
    "t.npy": { dtype: "<f8", shape: [f], data: ds.t },
  };
  if (spurious) {
    const labels = (
      name: string,
      v: Int32Array,
    ): [string, NpyArray] => [name, { dtype: "<i8", shape: [v.length], data: int64Of(v) }];
    Object.assign(
      arrays,
      Object.fromEntries([
        labels("a.npy", spurious.train.a),
        labels("g.npy", spurious.train.g),
        labels("a_test.npy", spurious.test.a),
        labels("g_test.npy", spurious.test.g),
      ]),
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, arr] of Object.entries(arrays)) files.set(name, encodeNpy(arr));
  const meta = {
    generator: "spurious1d MNIST-1D (bit-exact port of mnist1d.make_dataset)",
    args: referenceArgs(ds.args),
    shapes: Object.fromEntries(Object.entries(arrays).map(([n, a]) => [n, a.shape])),
    ...extraMeta,
  };
  files.set("meta.json", new TextEncoder().encode(JSON.stringify(meta, null, 2) + "\n"));
  return files;
}

/** Arrays read back from a dataset's .npy files. */
export interface LoadedArrays {
  readonly x: Float64Array;
  readonly y: Int32Array;
  readonly xTest: Float64Array;
  readonly yTest: Int32Array;
  readonly t: Float64Array;
  readonly seqLength: number;
}

/** Decode x/y/x_test/y_test/t from the bytes of their .npy files. */
export function readDatasetFiles(files: ReadonlyMap<string, Uint8Array>): LoadedArrays {
  const get = (name: string): NpyArray => {
    const bytes = files.get(name);
    if (!bytes) throw new RangeError(`dataset: missing ${name}`);
    return decodeNpy(bytes, name);
  };
  const float2d = (name: string): NpyArray => {
    const a = get(name);
    if (a.dtype !== "<f8" || a.shape.length !== 2) {
      throw new RangeError(`${name}: expected a 2-D float64 array, got ${a.dtype} [${a.shape}]`);
    }
    return a;
  };
  const labels = (name: string): Int32Array => {
    const a = get(name);
    if (a.dtype !== "<i8" || a.shape.length !== 1) {
      throw new RangeError(`${name}: expected a 1-D int64 array, got ${a.dtype} [${a.shape}]`);
    }
    return Int32Array.from(a.data as BigInt64Array, (v) => Number(v));
  };
  const x = float2d("x.npy");
  const xTest = float2d("x_test.npy");
  return {
    x: x.data as Float64Array,
    y: labels("y.npy"),
    xTest: xTest.data as Float64Array,
    yTest: labels("y_test.npy"),
    t: get("t.npy").data as Float64Array,
    seqLength: x.shape[1],
  };
}
