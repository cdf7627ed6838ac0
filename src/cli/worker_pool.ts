// A pool of worker threads (node:worker_threads, which Deno supports too) running study cells:
// tfjs-wasm uses one thread here, so independent trainings run in parallel workers instead.
import { Worker } from "node:worker_threads";
import { UsageError } from "./usage_error.ts";

/** A task's outcome from a worker. */
export type WorkerReply<R> = { ok: true; result: R } | { ok: false; error: string; userError?: boolean };

/** Run every task on up to `size` workers; `onResult` sees each result as it arrives. */
export async function runPool<T, R>(
  workerUrl: URL,
  size: number,
  tasks: readonly T[],
  onResult: (task: T, result: R) => Promise<void>,
): Promise<void> {
  const queue = [...tasks];
  const workers: Worker[] = [];
  let failure: Error | undefined;
  const runOne = (worker: Worker): Promise<void> =>
    new Promise((resolve) => {
      const next = () => {
        const task = queue.shift();
        if (task === undefined || failure) return resolve();
        worker.once("message", async (reply: WorkerReply<R>) => {
          if (!reply.ok) {
            failure ??= reply.userError ? new UsageError(reply.error) : new Error(reply.error);
            return resolve();
          }
          try {
            await onResult(task, reply.result);
          } catch (error) {
            failure ??= error as Error;
          }
          next();
        });
        worker.postMessage(task);
      };
      worker.once("error", (error) => {
        failure ??= error;
        resolve();
      });
      next();
    });
  for (let i = 0; i < Math.min(size, tasks.length); i++) workers.push(new Worker(workerUrl));
  try {
    await Promise.all(workers.map(runOne));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure) throw failure;
}
