// Stored cell records read back to resume or report: a real cell's record passes the check, and
// every damaged copy of it (wrong id, missing method, non-numeric score, a base cell without its
// sweeps, not an object) is named instead of crashing the summary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tfReady } from "../../src/tf/backend.ts";
import { runCell } from "../../src/study/run_cell.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { studyCells } from "../../src/study/cells.ts";
import { cellRecordProblem } from "../../src/study/result_check.ts";

test("a real cell passes; damaged copies are named", async () => {
  const config = resolveStudyConfig({
    steps: 3,
    seeds: [0],
    rhos: [0.9],
    amplitudes: [1],
    rho: 0.9,
    models: ["mlp"],
    kinds: ["patch"],
    testSize: 100,
    heldoutSize: 20,
    heldoutSweep: { method: "dfr", sizes: [20], compositions: ["decorrelated"] },
    gammaSweep: { method: "afr", gammas: [4], arms: ["like-training"] },
    methods: { erm: {}, dfr: { C: [0.1], refits: 1 } },
  });
  const cells = new Map(studyCells(config).map((c) => [c.id, c]));
  const cell = studyCells(config)[0];
  assert.ok(cell.base && cell.sweeps);
  const record = JSON.parse(JSON.stringify(await runCell(await tfReady(), config, cell)));
  assert.equal(cellRecordProblem(record, config, cells), undefined);
  const damaged: [unknown, RegExp][] = [
    [[1], /expected an object/],
    [{ ...record, id: "mlp,patch,coarse,rho=0.1,amp=1,seed=0" }, /^id: expected a cell of this study/],
    [{ ...record, id: "__proto__" }, /^id:/],
    [{ ...record, seed: 1 }, /^seed: expected 0/],
    [{ ...record, methods: {} }, /^methods\.erm: expected the results of erm/],
    [
      { ...record, methods: { ...record.methods, dfr: { ...record.methods.dfr, accuracy: "0.9" } } },
      /^methods\.dfr\.accuracy: expected a number/,
    ],
    [{ ...record, kind: "offset" }, /^kind: expected patch/],
    [{ ...record, sweeps: false }, /^sweeps: expected true/],
    [{ ...record, erm: { ...record.erm, absent: null } }, /^erm\.absent:/],
    [{ ...record, heldoutSweep: undefined }, /^heldoutSweep: expected a list/],
  ];
  for (const [bad, message] of damaged) assert.match(cellRecordProblem(bad, config, cells) ?? "", message);
});
