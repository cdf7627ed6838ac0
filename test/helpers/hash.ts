// sha256 of typed arrays' bytes, as the reference's meta.json records them.
import { createHash } from "node:crypto";

/** Hex sha256 of the bytes behind a typed array (little-endian, as stored). */
export function sha256(array: ArrayBufferView): string {
  return createHash("sha256").update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)).digest("hex");
}

/** int32 labels widened to int64, the reference's label type. */
export function asInt64(labels: Int32Array): BigInt64Array {
  return BigInt64Array.from(labels, (v) => BigInt(v));
}
