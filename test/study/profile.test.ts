import { test } from "node:test";
import assert from "node:assert/strict";
import { profilePhases, profileTable } from "../../src/study/profile.ts";
import type { CellResult } from "../../src/study/run_cell.ts";

const cell = (profile?: Record<string, number>) => ({ profile }) as unknown as CellResult;

test("profilePhases: median and total per phase, in first-seen order, skipping cells without a profile", () => {
  const phases = profilePhases([
    cell({ erm: 1, "method:dfr": 4 }),
    cell({ erm: 3, "method:dfr": 2, clean: 5 }),
    cell(undefined),
    cell({ erm: 2, "method:dfr": 3 }),
  ]);
  assert.deepEqual(phases, [
    { phase: "erm", cells: 3, medianSeconds: 2, totalSeconds: 6 },
    { phase: "method:dfr", cells: 3, medianSeconds: 3, totalSeconds: 9 },
    { phase: "clean", cells: 1, medianSeconds: 5, totalSeconds: 5 },
  ]);
  assert.equal(profilePhases([cell({ a: 1 }), cell({ a: 4 })])[0].medianSeconds, 2.5);
});

test("profileTable: one aligned row per phase under a header", () => {
  const lines = profileTable([{ phase: "method:afr-wg", cells: 2, medianSeconds: 8.4, totalSeconds: 16.81 }]).split(
    "\n",
  );
  assert.equal(lines.length, 2);
  assert.match(lines[1], /^method:afr-wg\s+2\s+8\.40\s+16\.8$/);
  assert.equal(lines[0].length, lines[1].length);
});
