// The report's data views: the nearest-neighbour share that the aligned-vs-conflicting t-SNE caption
// quotes.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { flaggedNeighbourShare } from "../../src/study/views.ts";

test("flagged points in their own far-away cluster all have a flagged nearest neighbour; interleaved ones none", () => {
  // Points on a line: flagged at 100..104 (apart), unflagged at 0..9.
  const xs = [...Array.from({ length: 10 }, (_, i) => i), 100, 101, 102, 103, 104];
  const apart = Float64Array.from(xs.flatMap((x) => [x, 0]));
  const flagged = xs.map((x) => x >= 100);
  assert.equal(flaggedNeighbourShare(apart, flagged), 1);
  // Flagged at odd positions 1, 3, 5, 7, 9 of a line of 0..9 with spacing 1 and small jitter towards the even ones.
  const line = Array.from({ length: 10 }, (_, i) => i + (i % 2 ? -0.1 : 0));
  const mixed = Float64Array.from(line.flatMap((x) => [x, 0]));
  assert.equal(flaggedNeighbourShare(mixed, line.map((_, i) => i % 2 === 1)), 0);
  assert.ok(Number.isNaN(flaggedNeighbourShare(mixed, line.map(() => false))), "no flagged point: no share");
});

test("the share is a fraction of the flagged points, whatever the layout", () => {
  fc.assert(fc.property(
    fc.array(
      fc.tuple(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.boolean(),
      ),
      {
        minLength: 2,
        maxLength: 40,
      },
    ),
    (pts) => {
      const share = flaggedNeighbourShare(Float64Array.from(pts.flatMap(([x, y]) => [x, y])), pts.map((p) => p[2]));
      const k = pts.filter((p) => p[2]).length;
      if (k === 0) return assert.ok(Number.isNaN(share));
      assert.ok(share >= 0 && share <= 1);
      assert.ok(Math.abs(share * k - Math.round(share * k)) < 1e-9, `${share} x ${k} is a count`);
      if (k === 1) assert.equal(share, 0, "a lone flagged point has an unflagged neighbour");
    },
  ));
});
