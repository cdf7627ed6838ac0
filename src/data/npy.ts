// NumPy .npy (format 1.0) encoding and decoding of C-order arrays, as pure functions on bytes.
import { ConfigError } from "../config/errors.ts";

/** The element types spurious1d reads and writes (little-endian). */
export type NpyDtype = "<f8" | "<f4" | "<i8" | "<i4" | "|u1" | "|b1";

/** A decoded array: flat data in C order plus its shape. */
export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly data: Float64Array | Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ITEM_SIZE: Record<NpyDtype, number> = { "<f8": 8, "<f4": 4, "<i8": 8, "<i4": 4, "|u1": 1, "|b1": 1 };

/** Encode a C-order array as .npy bytes (version 1.0, header padded to 64 bytes). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new RangeError(`encodeNpy: shape [${array.shape}] holds ${count} elements, data has ${array.data.length}`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let header = `{'descr': '${array.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = MAGIC.length + 4 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const body = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(MAGIC.length + 4 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, 10 + header.length);
  return out;
}

/** Labels and other integer arrays are held as Int32Array and saved as int64, as numpy makes them. */
export function int64Of(values: Int32Array | readonly number[]): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
}

/** Decode .npy bytes (versions 1-3, little-endian, C order); `name` labels errors. */
export function decodeNpy(bytes: Uint8Array, name = "array"): NpyArray {
  const bad = (expected: string, got: unknown) => new ConfigError(name, expected, got);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw bad("a .npy file (magic \\x93NUMPY)", `${bytes.length} bytes without it`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (major < 1 || major > 3) throw bad(".npy format version 1, 2 or 3", major);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !Object.hasOwn(ITEM_SIZE, descr)) {
    throw bad(`dtype one of ${Object.keys(ITEM_SIZE).join(", ")}`, descr ?? header);
  }
  if (fortran !== "False") throw bad("C order (fortran_order False)", fortran ?? header);
  if (shapeText === undefined) throw bad("a shape in the header", header);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const dtype = descr as NpyDtype;
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const nbytes = count * ITEM_SIZE[dtype];
  if (bytes.length - offset !== nbytes) {
    throw bad(`${nbytes} data bytes for shape [${shape}] ${dtype}`, bytes.length - offset);
  }
  // Copy into a fresh, aligned buffer: the header length need not align the data, and `bytes` may be a
  // view into a larger buffer (a Node Buffer from the shared pool, whose slice() is also a view).
  const copy = new Uint8Array(nbytes);
  copy.set(bytes.subarray(offset, offset + nbytes));
  const body = copy.buffer;
  const data = dtype === "<f8"
    ? new Float64Array(body)
    : dtype === "<f4"
    ? new Float32Array(body)
    : dtype === "<i8"
    ? new BigInt64Array(body)
    : dtype === "<i4"
    ? new Int32Array(body)
    : new Uint8Array(body);
  return { dtype, shape, data };
}
