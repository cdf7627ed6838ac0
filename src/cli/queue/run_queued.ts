// `spurious1d experiment --queue URL`: the study's cells go through the BullMQ queue to `spurious1d
// worker` processes (and to --workers N local ones if asked); this process only coordinates, appends
// each result to results.jsonl once, and writes the summary and report as a local run does.
import { RunFailure } from "../errors_out.ts";
import type { Cell } from "../../study/cells.ts";
import type { StudyConfig } from "../../study/config.ts";
import type { CellResult } from "../../study/run_cell.ts";
import { profilePhases, profileTable } from "../../study/profile.ts";
import { appendResult } from "../results_store.ts";
import { UsageError } from "../usage_error.ts";
import { checkReachable, parseQueueUrl, type QueueTarget } from "./connection.ts";
import { coordinateQueuedRun, type FailedCell } from "./coordinator.ts";
import { runKey } from "./jobs.ts";
import { recordFailedCells } from "./failed_cells.ts";
import { startQueueWorker } from "./worker.ts";

/** Attempts per cell unless `--attempts` says otherwise. */
export const DEFAULT_ATTEMPTS = 3;

/** The queue flags, validated; Redis is checked before anything is written. */
export interface QueueFlags {
  readonly target: QueueTarget;
  readonly attempts: number;
}

/** Validate `--queue` and `--attempts` and check that Redis answers (a UsageError, exit 2, if not). */
export async function resolveQueueFlags(values: Record<string, unknown>): Promise<QueueFlags> {
  const target = parseQueueUrl(String(values.queue));
  const attempts = values.attempts === undefined ? DEFAULT_ATTEMPTS : Number(values.attempts);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) {
    throw new UsageError(`--attempts: expected an integer from 1 to 100, got ${JSON.stringify(values.attempts)}`);
  }
  await checkReachable(target);
  return { target, attempts };
}

/** The run as runExperiment prepared it. */
export interface PreparedRun {
  readonly name: string;
  readonly dir: string;
  readonly config: StudyConfig;
  readonly cells: readonly Cell[];
  readonly todo: readonly Cell[];
  readonly resultsPath: string;
  readonly localWorkers: number;
  /** The results already on disk; finished cells are added here. */
  readonly results: CellResult[];
}

/** What runExperiment lends the queued run. */
export interface RunHooks {
  readonly writeReport: (dir: string, config: StudyConfig, results: CellResult[]) => Promise<string>;
  readonly progress: (done: number, note?: string) => void;
  readonly profile: boolean;
  readonly log: (line: string) => void;
}

/** Run the study's remaining cells through the queue, then write the report (and list failed cells). */
export async function runQueuedStudy(flags: QueueFlags, run: PreparedRun, hooks: RunHooks): Promise<void> {
  const { log } = hooks;
  const key = runKey(run.name, run.config);
  log(`queue: ${run.todo.length} cell(s) of run ${key} on ${flags.target.display}, ${flags.attempts} attempt(s) each`);
  const local = run.localWorkers > 0 ? startQueueWorker(flags.target, run.localWorkers, () => {}) : undefined;
  const failed: FailedCell[] = [];
  const appended = new Set(run.results.map((r) => r.id));
  try {
    await coordinateQueuedRun({
      target: flags.target,
      key,
      config: run.config,
      todo: run.todo,
      attempts: flags.attempts,
      onResult: async (result) => {
        if (appended.has(result.id)) return; // the single writer never appends a cell twice
        await appendResult(run.resultsPath, result);
        appended.add(result.id);
        run.results.push(result);
        hooks.progress(run.results.length + failed.length, result.id);
      },
      onFailure: (failure) => {
        failed.push(failure);
        hooks.progress(run.results.length + failed.length, `${failure.id} FAILED after ${failure.attempts} attempt(s)`);
      },
      log,
    });
  } finally {
    await local?.close();
  }
  const order = new Map(run.cells.map((c, i) => [c.id, i]));
  run.results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  // The summary needs the base-strength cells (as `report DIR` does); without them only failures are written.
  const html = run.results.some((r) => r.base) ? await hooks.writeReport(run.dir, run.config, run.results) : undefined;
  await recordFailedCells(run.dir, failed, html !== undefined);
  log(html ? `wrote ${html}` : `no report: no base-strength cell finished`);
  if (hooks.profile) log(profileTable(profilePhases(run.results)));
  if (failed.length > 0) {
    // A reported outcome, not a crash and not the user's mistake: one line, exit 1.
    throw new RunFailure(
      `${failed.length} cell(s) failed every attempt (${failed.map((f) => f.id).join("; ")}): ` +
        `see ${run.dir}/failed.jsonl${html ? " and report.html" : ""}; rerun the same command to retry them`,
    );
  }
}
