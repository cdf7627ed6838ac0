// The whole study as a library call: every cell in order, one at a time, each result handed to an
// optional sink as it finishes. No file access: the CLI's `experiment` stores results and runs cells
// in worker threads itself (each worker calls runCell, the per-cell step of this loop).
import { tfReady } from "../tf/backend.ts";
import type { TF } from "../tf/tf_type.ts";
import { type Cell, studyCells } from "./cells.ts";
import type { StudyConfig } from "./config.ts";
import { type CellResult, runCell } from "./run_cell.ts";

/** Options of runStudy. */
export interface StudyOptions {
  /** Receives each cell's result as soon as it is finished (store it, stream it); awaited before the next cell. */
  readonly sink?: (result: CellResult) => void | Promise<void>;
  /** Called before each cell and once at the end: cells finished so far, all cells, the cell about to run. */
  readonly onProgress?: (done: number, total: number, cell?: Cell) => void;
  /** Ids of cells already finished (for example loaded from a results file): they are skipped. */
  readonly skip?: ReadonlySet<string>;
  readonly tf?: TF;
}

/** Run every cell of a validated study config (resolveStudyConfig) that is not skipped; returns their results in cell order. */
export async function runStudy(config: StudyConfig, options: StudyOptions = {}): Promise<CellResult[]> {
  const tf = options.tf ?? (await tfReady());
  const todo = studyCells(config).filter((c) => !options.skip?.has(c.id));
  const results: CellResult[] = [];
  for (const cell of todo) {
    options.onProgress?.(results.length, todo.length, cell);
    const result = await runCell(tf, config, cell);
    await options.sink?.(result);
    results.push(result);
  }
  options.onProgress?.(results.length, todo.length);
  return results;
}
