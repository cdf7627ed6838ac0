// The worker thread of the study: receives {config, cell}, runs the cell, replies with its result.
// The listener is attached before any await: Deno's worker_threads drops messages that arrive
// before a listener exists (Node queues them).
import { parentPort } from "node:worker_threads";
import { tfReady } from "../tf/backend.ts";
import { runCell } from "../study/run_cell.ts";
import { TrainingDiverged } from "../tf/trainer.ts";
import type { StudyConfig } from "../study/config.ts";
import type { Cell } from "../study/cells.ts";

parentPort!.on("message", async (task: { config: StudyConfig; cell: Cell }) => {
  try {
    const tf = await tfReady();
    parentPort!.postMessage({ ok: true, result: await runCell(tf, task.config, task.cell) });
  } catch (error) {
    // A diverged training is the config's doing, not a bug: one line naming the cell.
    const diverged = error instanceof TrainingDiverged;
    parentPort!.postMessage({
      ok: false,
      error: diverged
        ? `cell ${task.cell.id}: ${error.message}`
        : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error),
      userError: diverged,
    });
  }
});
