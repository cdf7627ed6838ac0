// runStudy: every cell once, in order, each result handed to the sink as it finishes, progress
// counted, finished cells skipped, and the same numbers as running the cells one by one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { studyCells } from "../../src/study/cells.ts";
import { type CellResult, runCell } from "../../src/study/run_cell.ts";
import { runStudy } from "../../src/study/run_study.ts";
import { tfReady } from "../../src/tf/backend.ts";

// Two strengths x one seed x one model and kind, tiny everywhere: a few seconds.
const CONFIG = resolveStudyConfig({
  models: ["mlp"],
  kinds: ["patch"],
  steps: 30,
  seeds: [3],
  rhos: [0.5, 0.95],
  amplitudes: [1],
  heldoutSize: 200,
  heldoutSweep: { method: "dfr", sizes: [200], compositions: ["decorrelated"] },
  gammaSweep: { method: "afr", gammas: [0], arms: ["like-training"] },
  testSize: 500,
  methods: { dfr: { C: [0.1], refits: 1 } },
});

// The numbers of a result (its timings differ from run to run).
const numbers = (r: CellResult) =>
  JSON.parse(JSON.stringify(r), (k, v) => (k === "seconds" || k === "profile" ? 0 : v));

test("runStudy runs every cell in order, feeds the sink and the progress callback, and skips finished cells", async () => {
  const cells = studyCells(CONFIG);
  assert.equal(cells.length, 2);
  const sunk: string[] = [];
  const progress: [number, number, string | undefined][] = [];
  const results = await runStudy(CONFIG, {
    sink: async (r) => {
      await Promise.resolve();
      sunk.push(r.id);
    },
    onProgress: (done, total, cell) => progress.push([done, total, cell?.id]),
  });
  assert.deepEqual(results.map((r) => r.id), cells.map((c) => c.id));
  assert.deepEqual(sunk, cells.map((c) => c.id), "the sink saw each result once, in order");
  assert.deepEqual(progress, [[0, 2, cells[0].id], [1, 2, cells[1].id], [2, 2, undefined]]);
  assert.ok(results[0].sweeps && !results[1].base, "the base cell comes first and has the sweeps");
  assert.ok(results[0].heldoutSweep && !results[1].heldoutSweep);

  // Resuming: the finished base cell is skipped; the other cell gives the same numbers again.
  const rest = await runStudy(CONFIG, { skip: new Set([cells[0].id]) });
  assert.deepEqual(rest.map((r) => r.id), [cells[1].id]);
  assert.deepEqual(numbers(rest[0]), numbers(results[1]));
  // And a cell run by itself (as the CLI's workers do) agrees with the study's.
  assert.deepEqual(numbers(await runCell(await tfReady(), CONFIG, cells[1])), numbers(results[1]));
});
