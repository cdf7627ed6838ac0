// The worker thread of the study: receives {config, cell}, runs the cell, replies with its result.
// The listener is attached before any await: Deno's worker_threads drops messages that arrive
// before a listener exists (Node queues them).
import { parentPort } from "node:worker_threads";
import { tfReady } from "../tf/backend.ts";
import { runCell } from "../study/run_cell.ts";
import type { StudyConfig } from "../study/config.ts";
import type { Cell } from "../study/cells.ts";

parentPort!.on("message", async (task: { config: StudyConfig; cell: Cell }) => {
  try {
    const tf = await tfReady();
    parentPort!.postMessage({ ok: true, result: await runCell(tf, task.config, task.cell) });
  } catch (error) {
    parentPort!.postMessage({
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
