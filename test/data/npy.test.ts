// The .npy codec: anything encoded decodes to the same dtype, shape and bytes; bad files are named.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeNpy, encodeNpy } from "../../src/data/npy.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { Buffer } from "node:buffer";

test("encode then decode returns the same dtype, shape and values; the data starts 64-byte aligned", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
      fc.constantFrom("<f8" as const, "<f4" as const, "<i8" as const, "<i4" as const),
      fc.integer(),
      (shape, dtype, salt) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = dtype === "<f8"
          ? Float64Array.from({ length: n }, (_, i) => i * 0.37 + salt)
          : dtype === "<f4"
          ? Float32Array.from({ length: n }, (_, i) => i * 0.37 + salt)
          : dtype === "<i8"
          ? BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * BigInt(salt))
          : Int32Array.from({ length: n }, (_, i) => (i * salt) | 0);
        const bytes = encodeNpy({ dtype, shape, data });
        assert.equal((bytes.length - data.byteLength) % 64, 0);
        const back = decodeNpy(bytes);
        assert.equal(back.dtype, dtype);
        assert.deepEqual(back.shape, shape);
        assert.deepEqual(back.data, data);
      },
    ),
    { seed: 7 },
  );
});

test("decoding rejects what is not a C-order .npy of a known dtype, naming the file", () => {
  const good = encodeNpy({ dtype: "<f8", shape: [2], data: new Float64Array([1, 2]) });
  // Replace ASCII text inside the header byte for byte (same length).
  const edit = (from: string, to: string) => {
    const bytes = good.slice();
    const at = new TextDecoder("latin1").decode(bytes).indexOf(from);
    for (let i = 0; i < to.length; i++) bytes[at + i] = to.charCodeAt(i);
    return bytes;
  };
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array([1, 2, 3]), /x\.npy: expected a \.npy file/],
    [good.slice(0, good.length - 3), /x\.npy: expected 16 data bytes/],
    [edit("<f8", ">f8"), /x\.npy: expected dtype one of .*got ">f8"/],
    [edit("False", "True "), /x\.npy: expected C order/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => decodeNpy(bytes, "x.npy"), (e: unknown) => e instanceof ConfigError && message.test(e.message));
  }
});

test("decoding a view into a larger buffer (a Node Buffer from the shared pool) reads only the view", () => {
  const a = { dtype: "<f8" as const, shape: [3], data: Float64Array.from([1.5, -2, 3.25]) };
  const bytes = encodeNpy(a);
  // A Buffer at an offset inside a pooled allocation, as readFileSync returns for small files.
  const pooled = Buffer.concat([Buffer.from([7, 7, 7, 7, 7]), Buffer.from(bytes), Buffer.from([9, 9])]);
  const view = pooled.subarray(5, 5 + bytes.length);
  assert.deepEqual(decodeNpy(view).data, a.data);
});

test("a dtype named like an Object.prototype property is refused, not looked up", () => {
  const bytes = encodeNpy({ dtype: "<f8", shape: [1], data: Float64Array.from([1]) });
  // Same header length: the name is 5 characters longer, so take 5 of the header's padding spaces.
  // Bytes to text one for one (String.fromCharCode: TextDecoder's "latin1" is windows-1252 in Deno).
  const decoded = String.fromCharCode(...bytes);
  const end = decoded.indexOf("\n");
  const text = (decoded.slice(0, end - 5) + decoded.slice(end)).replace("'<f8'", "'toString'");
  assert.equal(text.length, decoded.length);
  const forged = Uint8Array.from(text, (c) => c.charCodeAt(0));
  assert.throws(
    () => decodeNpy(forged, "x.npy"),
    (e) =>
      e instanceof ConfigError && e.path === "x.npy" && /^dtype one of/.test(e.expected) && e.received === "toString",
  );
});
