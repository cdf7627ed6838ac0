// `spurious1d worker --queue URL`: take study cells from the BullMQ queue, run each in a worker
// thread (as a local run does) and return its record through the queue. Any number of workers, on
// any machines, started before or after the coordinator; the coordinator alone writes results.
//
// Stalled jobs: the cell runs in a thread, so this process's event loop stays free to renew the
// job's lock every lockDuration/2. If the process dies (SIGKILL, power loss), the lock expires after
// lockDuration; every worker checks for such jobs every stalledInterval and moves them back to the
// queue, so another worker reruns the cell within about lockDuration + 2 x stalledInterval. A cell
// whose workers die more than maxStalledCount times fails instead of looping forever.
import process from "node:process";
import { hostname } from "node:os";
import { type Job, Worker } from "bullmq";
import type { CellResult } from "../../study/run_cell.ts";
import { parseFlags } from "../parse_flags.ts";
import { UsageError } from "../usage_error.ts";
import { checkReachable, parseQueueUrl, type QueueTarget } from "./connection.ts";
import { type CellJobData, QUEUE_NAME, resolveCellJob } from "./jobs.ts";
import { ThreadSlots } from "./thread_slots.ts";

/** Default lock duration in seconds (see the comment above; `--lock-duration` changes it). */
export const LOCK_DURATION_S = 30;
/** A cell may lose its worker this many times and still be rerun. */
export const MAX_STALLED_COUNT = 2;

/** A running queue worker. */
export interface QueueWorker {
  /** Finish the cells in progress, then stop. */
  close(): Promise<void>;
}

/** Start a worker taking up to `concurrency` cells at a time; `log` gets one line per cell started or finished. */
export function startQueueWorker(
  target: QueueTarget,
  concurrency: number,
  log: (line: string) => void,
  lockDurationS = LOCK_DURATION_S,
): QueueWorker {
  const url = new URL(import.meta.url.endsWith(".ts") ? "../study_worker.ts" : "../study_worker.js", import.meta.url);
  const threads = new ThreadSlots<CellJobData, CellResult>(url, concurrency);
  const name = `${hostname()}/${process.pid}`;
  const worker = new Worker<unknown, CellResult>(
    QUEUE_NAME,
    async (job: Job<unknown, CellResult>) => {
      const task = resolveCellJob(job.data);
      log(`worker ${name}: start ${job.id} (attempt ${job.attemptsMade + 1})`);
      const start = performance.now();
      const result = await threads.run(task);
      log(`worker ${name}: done ${job.id} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
      return result;
    },
    {
      connection: target.options,
      concurrency,
      name,
      lockDuration: lockDurationS * 1000,
      stalledInterval: (lockDurationS * 1000) / 2,
      maxStalledCount: MAX_STALLED_COUNT,
    },
  );
  let lastError = "";
  worker.on("error", (error) => {
    // Connection errors repeat while Redis is away; print each kind once.
    if (error.message !== lastError) log(`worker ${name}: ${error.message}`);
    lastError = error.message;
  });
  worker.on("failed", (job, error) => log(`worker ${name}: failed ${job?.id}: ${error.message.split("\n")[0]}`));
  return {
    async close() {
      await worker.close();
      await threads.close();
    },
  };
}

function positiveInteger(flag: string, value: string | boolean | string[] | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || !Number.isInteger(n) || n < 1) {
    throw new UsageError(`${flag}: expected an integer >= 1, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** The `worker` command's help. */
export function workerHelp(): string {
  return [
    "Usage: spurious1d worker --queue redis://HOST:PORT[/DB] [--concurrency N]",
    "",
    "Run study cells from the queue until stopped (SIGINT or SIGTERM finish the cells in progress).",
    "",
    `  ${"--queue URL".padEnd(24)} Redis URL: redis://[USER:PASSWORD@]HOST:PORT[/DB], rediss:// for TLS`,
    `  ${"--concurrency N".padEnd(24)} cells at a time, each in its own thread (default 1)`,
    `  ${
      "--lock-duration S".padEnd(24)
    } seconds before a dead worker's cell is retried elsewhere (default ${LOCK_DURATION_S})`,
    `  ${"-h, --help".padEnd(24)} show this help`,
  ].join("\n");
}

/** Run `spurious1d worker`. */
export async function runWorker(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const values = parseFlags(argv, {
    queue: { type: "string" },
    concurrency: { type: "string" },
    "lock-duration": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return log(workerHelp());
  if (typeof values.queue !== "string") {
    throw new UsageError(`--queue: expected redis://HOST:PORT[/DB], got nothing`);
  }
  const target = parseQueueUrl(values.queue);
  const concurrency = positiveInteger("--concurrency", values.concurrency, 1);
  const lockDuration = positiveInteger("--lock-duration", values["lock-duration"], LOCK_DURATION_S);
  await checkReachable(target);
  const worker = startQueueWorker(target, concurrency, log, lockDuration);
  log(`worker: taking cells from ${target.display} (queue ${QUEUE_NAME}, ${concurrency} at a time)`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      log("worker: stopping after the cells in progress");
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await worker.close();
}
