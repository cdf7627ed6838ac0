// Every kernel spurious1d registers on tfjs-wasm, against tfjs's cpu backend over shapes, strides
// and paddings: relative error at most 1e-4 (relative to the largest magnitude of the cpu result).
import { test } from "node:test";
import type * as tfc from "@tensorflow/tfjs-core";

type TF = typeof tfc;
import { tfReady } from "../../src/tf/backend.ts";
import { assertClose, onBoth, rand } from "../helpers/tf_compare.ts";

type Pad = "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];
const CONV_CASES: { x: number[]; f: number[]; strides: [number, number]; pad: Pad }[] = [
  { x: [2, 1, 40, 1], f: [1, 5, 1, 25], strides: [1, 2], pad: [[0, 0], [0, 0], [1, 1], [0, 0]] }, // the CNN's layers
  { x: [3, 1, 19, 25], f: [1, 3, 25, 25], strides: [1, 2], pad: [[0, 0], [0, 0], [1, 1], [0, 0]] },
  { x: [2, 1, 10, 25], f: [1, 3, 25, 25], strides: [1, 2], pad: [[0, 0], [0, 0], [1, 1], [0, 0]] },
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], strides: [1, 1], pad: "valid" },
  { x: [2, 7, 9, 3], f: [3, 2, 3, 4], strides: [2, 2], pad: "same" },
  { x: [1, 8, 8, 2], f: [3, 3, 2, 5], strides: [2, 1], pad: 1 },
  { x: [4, 5, 6, 1], f: [5, 5, 1, 2], strides: [1, 1], pad: "same" },
  { x: [2, 6, 11, 3], f: [2, 4, 3, 3], strides: [3, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
];

// Each backprop kernel, called directly for every case: its inputs are x or the filter, and dy.
const BACKPROP: {
  kernel: string;
  inputs: (tf: TF, c: (typeof CONV_CASES)[number], dy: tfc.Tensor, i: number) => tfc.NamedTensorMap;
  attr: (c: (typeof CONV_CASES)[number]) => Record<string, unknown>;
}[] = [
  {
    kernel: "Conv2DBackpropFilter",
    inputs: (tf, c, dy, i) => ({ x: tf.tensor(rand(c.x, 10 + i), c.x), dy }),
    attr: (c) => ({ filterShape: c.f }),
  },
  {
    kernel: "Conv2DBackpropInput",
    inputs: (tf, c, dy, i) => ({ dy, filter: tf.tensor(rand(c.f, 60 + i), c.f) }),
    attr: (c) => ({ inputShape: c.x }),
  },
];

for (const { kernel, inputs, attr } of BACKPROP) {
  test(`${kernel} on wasm matches cpu (shapes, strides, paddings), called directly`, async () => {
    const tf = await tfReady();
    for (const [i, c] of CONV_CASES.entries()) {
      const info = tf.backend_util.computeConv2DInfo(
        c.x as [number, number, number, number],
        c.f as [number, number, number, number],
        c.strides,
        1,
        c.pad as "valid",
      );
      const dyShape = info.outShape as number[];
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", ...attr(c) } as unknown as tfc.NamedAttrMap;
      const fn = () =>
        tf.engine().runKernel(kernel, inputs(tf, c, tf.tensor(rand(dyShape, 30 + i), dyShape), i), attrs) as tfc.Tensor;
      const [expected, got] = await onBoth(tf, fn);
      assertClose(expected, got, `case ${i} ${JSON.stringify(c)}`);
    }
  });
}

test("conv2d filter gradients through tf.grad on wasm match cpu", async () => {
  const tf = await tfReady();
  // tfjs-wasm's own Conv2D corrupts its heap with a numeric pad (case 5), so that case is left to
  // the direct test above.
  for (const [i, c] of CONV_CASES.entries()) {
    if (typeof c.pad === "number") continue;
    const fn = () => {
      const x = tf.tensor4d(rand(c.x, 10 + i), c.x as [number, number, number, number]);
      const f = tf.tensor4d(rand(c.f, 20 + i), c.f as [number, number, number, number]);
      const out = tf.conv2d(x, f, c.strides, c.pad as "valid");
      const r = tf.tensor(rand(out.shape, 30 + i), out.shape);
      return tf.grad((w: tfc.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(x, w as tfc.Tensor4D, c.strides, c.pad as "valid"), r))
      )(f);
    };
    const [expected, got] = await onBoth(tf, fn);
    assertClose(expected, got, `case ${i} ${JSON.stringify(c)}`);
  }
});

test("conv1d input gradient on wasm matches cpu (the CNN's backward pass)", async () => {
  const tf = await tfReady();
  const fn = () => {
    const x = tf.tensor3d(rand([4, 40, 1], 1), [4, 40, 1]);
    const f = tf.tensor3d(rand([5, 1, 25], 2), [5, 1, 25]);
    return tf.grad((v: tfc.Tensor) =>
      tf.sum(tf.square(tf.conv1d(v as tfc.Tensor3D, f, 2, [[0, 0], [0, 0], [1, 1], [0, 0]])))
    )(x);
  };
  const [expected, got] = await onBoth(tf, fn);
  assertClose(expected, got, "conv1d dx");
});

test("UnsortedSegmentSum on wasm matches cpu, including out-of-range ids", async () => {
  const tf = await tfReady();
  for (const [shape, segments] of [[[50], 7], [[30, 4], 5], [[12, 3, 2], 4]] as [number[], number][]) {
    const ids = Int32Array.from({ length: shape[0] }, (_, i) => ((i * 7) % (segments + 1)) - (i % 11 === 0 ? 1 : 0));
    const [expected, got] = await onBoth(
      tf,
      () => tf.unsortedSegmentSum(tf.tensor(rand(shape, 3), shape), tf.tensor1d(ids, "int32"), segments),
    );
    assertClose(expected, got, `segments ${shape}`);
  }
});

test("matMul with transposed operands (and its gradients) on wasm matches cpu", async () => {
  const tf = await tfReady();
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    const [m, k, n] = [37, 23, 11];
    const sa = ta ? [k, m] : [m, k];
    const sb = tb ? [n, k] : [k, n];
    const fn = () => {
      const a = tf.tensor2d(rand(sa, 4), sa as [number, number]);
      const b = tf.tensor2d(rand(sb, 5), sb as [number, number]);
      const [ga, gb] = tf.grads((p: tfc.Tensor, q: tfc.Tensor) =>
        tf.sum(tf.square(tf.matMul(p as tfc.Tensor2D, q as tfc.Tensor2D, ta, tb)))
      )([a, b]);
      return tf.concat([tf.matMul(a, b, ta, tb).flatten(), ga.flatten(), gb.flatten()]);
    };
    const [expected, got] = await onBoth(tf, fn);
    assertClose(expected, got, `transposeA ${ta} transposeB ${tb}`);
  }
  // Batched, and the fused matmul with bias and relu.
  const [expected, got] = await onBoth(tf, () => {
    const a = tf.tensor3d(rand([3, 8, 5], 6), [3, 8, 5]);
    const b = tf.tensor3d(rand([3, 7, 8], 7), [3, 7, 8]);
    const fused = tf.fused.matMul({
      a: tf.tensor2d(rand([6, 4], 8), [6, 4]),
      b: tf.tensor2d(rand([9, 6], 9), [9, 6]),
      transposeA: true,
      transposeB: true,
      bias: tf.tensor1d(rand([9], 10)),
      activation: "relu",
    });
    return tf.concat([tf.matMul(a, b, true, true).flatten(), fused.flatten()]);
  });
  assertClose(expected, got, "batched and fused");
});

test("Slice on wasm matches cpu: contiguous row blocks (copied in the heap) and strided slices", async () => {
  const tf = await tfReady();
  const cases: [number[], number[], number[]][] = [
    [[50, 8], [10, 0], [20, 8]], // contiguous rows: the in-heap path
    [[50, 8], [49, 0], [-1, -1]],
    [[50], [7], [30]],
    [[6, 5, 4], [2, 0, 0], [3, 5, 4]],
    [[50, 8], [3, 2], [10, 4]], // not contiguous: the original kernel
    [[6, 5, 4], [1, 1, 1], [2, 3, 2]],
  ];
  for (const [i, [shape, begin, size]] of cases.entries()) {
    const [expected, got] = await onBoth(tf, () => tf.slice(tf.tensor(rand(shape, 40 + i), shape), begin, size));
    assertClose(expected, got, `slice ${shape} at ${begin} size ${size}`, 0);
    const ints = Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, j) => j * 3 - 7);
    const [e2, g2] = await onBoth(tf, () => tf.cast(tf.slice(tf.tensor(ints, shape, "int32"), begin, size), "float32"));
    assertClose(e2, g2, `int32 slice ${shape}`, 0);
  }
});
