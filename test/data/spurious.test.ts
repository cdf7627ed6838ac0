// Invariants of the spurious-feature injector, as fast-check properties over random configs.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { drawAttributes, injectSpurious, patchCodes } from "../../src/data/spurious.ts";
import {
  type AttributeDraw,
  resolveAttributeDraw,
  resolveSpuriousFeature,
  type SpuriousFeature,
} from "../../src/data/spurious_config.ts";
import { alignedAttribute } from "../../src/data/groups.ts";
import {
  KIND_FREQUENCY,
  KIND_OFFSET,
  KIND_PATCH,
  MODE_ALIGNED,
  MODE_CONFLICTING,
  MODE_RANDOM,
} from "../../src/data/spurious_codes.ts";
import { sharedKernels } from "../../src/wasm/module.ts";
import { sha256 } from "../helpers/hash.ts";

const LEN = 40;
const CLASSES = 10;

/** Random rows and balanced-ish labels (values like normalised MNIST-1D). */
const dataArb = fc.integer({ min: 1, max: 120 }).chain((n) =>
  fc.record({
    y: fc.array(fc.integer({ min: 0, max: CLASSES - 1 }), { minLength: n, maxLength: n }).map((v) =>
      Int32Array.from(v)
    ),
    x: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: n * LEN, maxLength: n * LEN })
      .map((v) => Float64Array.from(v)),
  })
);

const featureArb: fc.Arbitrary<SpuriousFeature> = fc
  .record({
    kind: fc.constantFrom("patch" as const, "frequency" as const, "offset" as const),
    numAttributes: fc.integer({ min: 2, max: 16 }),
    amplitude: fc.double({ min: 0, max: 1e6, noNaN: true }),
    noise: fc.double({ min: 0, max: 100, noNaN: true }),
    jitter: fc.integer({ min: 0, max: 5 }),
    windowWidth: fc.integer({ min: 1, max: 20 }),
    startFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    featureSeed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  })
  .map(({ startFraction, ...f }) => {
    const room = LEN - f.windowWidth - 2 * f.jitter;
    const windowStart = f.jitter + Math.floor(startFraction * room);
    return resolveSpuriousFeature({ ...f, windowStart }, LEN);
  });

const drawArb: fc.Arbitrary<AttributeDraw> = fc
  .record({
    mode: fc.constantFrom("aligned" as const, "random" as const, "conflicting" as const),
    rho: fc.double({ min: 0, max: 1, noNaN: true }),
    exact: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  })
  .map((d) => resolveAttributeDraw(d));

const RUNS = { numRuns: 60, seed: 424242 };

test("labels never change, attributes are in [0, K), groups are y * K + a", () => {
  fc.assert(
    fc.property(dataArb, featureArb, drawArb, ({ x, y }, feature, draw) => {
      const yCopy = y.slice();
      const out = injectSpurious(x, y, LEN, feature, draw);
      assert.deepEqual(out.y, yCopy);
      assert.deepEqual(y, yCopy, "input labels untouched");
      for (let i = 0; i < y.length; i++) {
        assert.ok(out.a[i] >= 0 && out.a[i] < feature.numAttributes);
        assert.equal(out.g[i], y[i] * feature.numAttributes + out.a[i]);
      }
    }),
    RUNS,
  );
});

test("amplitude 0 (and mode absent) returns the input bit for bit", () => {
  fc.assert(
    fc.property(dataArb, featureArb, drawArb, ({ x, y }, feature, draw) => {
      const before = sha256(x);
      assert.equal(sha256(injectSpurious(x, y, LEN, { ...feature, amplitude: 0 }, draw).x), before);
      assert.equal(sha256(injectSpurious(x, y, LEN, feature, { ...draw, mode: "absent" }).x), before);
      assert.equal(sha256(x), before, "input untouched");
    }),
    RUNS,
  );
});

test("a patch changes no position outside its (jittered) window", () => {
  fc.assert(
    fc.property(dataArb, featureArb, drawArb, ({ x, y }, f, draw) => {
      const feature = { ...f, kind: "patch" as const };
      const out = injectSpurious(x, y, LEN, feature, draw).x;
      const lo = feature.windowStart - feature.jitter;
      const hi = feature.windowStart + feature.windowWidth + feature.jitter;
      for (let i = 0; i < y.length; i++) {
        for (let t = 0; t < LEN; t++) {
          if (t < lo || t >= hi) assert.ok(Object.is(out[i * LEN + t], x[i * LEN + t]), `row ${i} position ${t}`);
        }
      }
    }),
    RUNS,
  );
});

test("exact mode gives exactly round(rho * n_class) aligned examples per class", () => {
  fc.assert(
    fc.property(dataArb, featureArb, drawArb, ({ y }, feature, d) => {
      const draw = { ...d, mode: "aligned" as const, exact: true };
      const a = drawAttributes(y, feature.numAttributes, draw);
      for (let c = 0; c < CLASSES; c++) {
        let n = 0;
        let aligned = 0;
        for (let i = 0; i < y.length; i++) {
          if (y[i] !== c) continue;
          n++;
          if (a[i] === alignedAttribute(c, feature.numAttributes)) aligned++;
        }
        assert.equal(aligned, Math.floor(draw.rho * n + 0.5), `class ${c}: ${aligned} aligned of ${n}`);
      }
    }),
    RUNS,
  );
});

test("conflicting mode never agrees with the label; aligned mode with rho 1 always does", () => {
  fc.assert(
    fc.property(dataArb, featureArb, drawArb, ({ y }, feature, draw) => {
      const k = feature.numAttributes;
      const conflicting = drawAttributes(y, k, { ...draw, mode: "conflicting" });
      const aligned = drawAttributes(y, k, { ...draw, mode: "aligned", rho: 1 });
      for (let i = 0; i < y.length; i++) {
        assert.notEqual(conflicting[i], alignedAttribute(y[i], k));
        assert.equal(aligned[i], alignedAttribute(y[i], k));
      }
    }),
    RUNS,
  );
});

test("in random mode the attribute is independent of the label (chi-square, fixed seed)", () => {
  // 10 classes x 10 attributes, 20,000 examples: chi-square with 81 degrees of freedom. Its 0.999
  // quantile is 126.3; a label-dependent draw (even rho = 0.15 in aligned mode) lands far above.
  const n = 20000;
  const y = Int32Array.from({ length: n }, (_, i) => i % CLASSES);
  const chi2 = (a: Int32Array) => {
    const table = new Float64Array(100);
    for (let i = 0; i < n; i++) table[y[i] * 10 + a[i]]++;
    let stat = 0;
    for (let c = 0; c < 10; c++) {
      for (let v = 0; v < 10; v++) {
        let row = 0;
        let col = 0;
        for (let j = 0; j < 10; j++) {
          row += table[c * 10 + j];
          col += table[j * 10 + v];
        }
        const expected = (row * col) / n;
        stat += (table[c * 10 + v] - expected) ** 2 / expected;
      }
    }
    return stat;
  };
  const random = chi2(drawAttributes(y, 10, { mode: "random", rho: 0.95, exact: false, seed: 7 }));
  assert.ok(random < 126.3, `chi-square ${random}`);
  const dependent = chi2(drawAttributes(y, 10, { mode: "aligned", rho: 0.15, exact: false, seed: 7 }));
  assert.ok(dependent > 126.3, `the test can fail: a dependent draw gives ${dependent}`);
});

test("the same seed gives the same bytes; another seed other attributes", () => {
  fc.assert(
    fc.property(dataArb, featureArb, drawArb, ({ x, y }, feature, draw) => {
      const a = injectSpurious(x, y, LEN, feature, draw);
      const b = injectSpurious(x, y, LEN, feature, draw);
      assert.equal(sha256(a.x), sha256(b.x));
      assert.equal(sha256(a.a), sha256(b.a));
    }),
    RUNS,
  );
  const y = Int32Array.from({ length: 500 }, (_, i) => i % CLASSES);
  const d = { mode: "random" as const, rho: 0.5, exact: false, seed: 1 };
  assert.notEqual(sha256(drawAttributes(y, 10, d)), sha256(drawAttributes(y, 10, { ...d, seed: 2 })));
});

test("subtracting the injected feature returns the clean signal (to rounding of the two operations)", () => {
  fc.assert(
    fc.property(dataArb, featureArb, drawArb, ({ x, y }, feature, draw) => {
      const out = injectSpurious(x, y, LEN, feature, draw, { returnFeature: true });
      const f = out.feature!;
      for (let i = 0; i < x.length; i++) {
        // x' = fl(x + f), then fl(x' - f): at most two roundings, each <= 2^-53 of its result.
        const back = out.x[i] - f[i];
        const bound = 2 ** -51 * (Math.abs(x[i]) + Math.abs(f[i]));
        assert.ok(Math.abs(back - x[i]) <= bound, `position ${i}: ${back} vs ${x[i]}`);
        if (f[i] === 0) assert.ok(Object.is(out.x[i], x[i]), "off the support x is untouched");
      }
    }),
    RUNS,
  );
});

test("no NaN or infinity for any finite parameters", () => {
  fc.assert(
    fc.property(dataArb, featureArb, drawArb, ({ x, y }, feature, draw) => {
      const out = injectSpurious(x, y, LEN, feature, draw);
      for (const v of out.x) assert.ok(Number.isFinite(v));
    }),
    RUNS,
  );
});

test("patch codes are distinct, centred and of unit RMS", () => {
  const f = resolveSpuriousFeature({ numAttributes: 10, windowWidth: 6 }, LEN);
  const codes = patchCodes(f);
  const rows = Array.from({ length: 10 }, (_, r) => Array.from(codes.subarray(r * 6, r * 6 + 6)));
  for (const row of rows) {
    const mean = row.reduce((s, v) => s + v, 0) / 6;
    const rms = Math.sqrt(row.reduce((s, v) => s + (v - mean) ** 2, 0) / 6);
    assert.ok(Math.abs(mean) < 1e-12 && Math.abs(rms - 1) < 1e-12, `mean ${mean} rms ${rms}`);
  }
  assert.equal(new Set(rows.map((r) => r.join())).size, 10);
});

test("the kernel traps on an unknown kind or mode code instead of falling through to another signal", () => {
  const k = sharedKernels();
  k.reset();
  const n = 4;
  const x = k.alloc(n * 40 * 8);
  const y = k.put(Int32Array.from([0, 1, 2, 3]));
  const a = k.put(Int32Array.from([3, 2, 1, 0]));
  const scratch = k.alloc((2 * n + 24) * 4);
  const codes = k.alloc(10 * 6 * 8);
  const inject = (kind: number) => () => k.raw.injectFeature(x, n, 40, a, 10, kind, 1, 0, 0, 0, 6, codes, 0);
  for (const kind of [KIND_PATCH, KIND_FREQUENCY, KIND_OFFSET]) inject(kind)();
  for (const bad of [3, 7, -1]) assert.throws(inject(bad), /unreachable/, `kind ${bad}`);
  const draw = (mode: number) => () => k.raw.drawAttributes(y, n, 10, 10, mode, 0.9, 0, 1, a, scratch);
  for (const mode of [MODE_ALIGNED, MODE_RANDOM, MODE_CONFLICTING]) draw(mode)();
  for (const bad of [3, 9, -1]) assert.throws(draw(bad), /unreachable/, `mode ${bad}`);
});
