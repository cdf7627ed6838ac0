// The coordinator side of a queued study: enqueue every unfinished cell under its deterministic job
// id, then collect finished jobs (woken by queue events, and by a timer in case an event was missed
// while it was away) and hand each result to the caller exactly once, removing the job only after.
// It is the only writer of results.jsonl. If Redis loses its data (a restart without persistence),
// the jobs still owed are added again when the connection comes back.
import { type Job, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import type { Cell } from "../../study/cells.ts";
import type { StudyConfig } from "../../study/config.ts";
import type { CellResult } from "../../study/run_cell.ts";
import type { QueueTarget } from "./connection.ts";
import { type CellJobData, cellJobId, QUEUE_NAME } from "./jobs.ts";

/** A cell that failed every attempt. */
export interface FailedCell {
  readonly id: string;
  readonly attempts: number;
  /** The last attempt's error message. */
  readonly error: string;
}

/** Seconds between collection passes when no event arrives. */
const COLLECT_EVERY_S = 5;
/** Seconds between re-adding the jobs still owed (cheap no-ops unless Redis lost them). */
const REENQUEUE_EVERY_S = 30;
/** Seconds without a Redis connection after which the coordinator gives up (rerunning resumes). */
export const GIVE_UP_AFTER_S = 120;
/** Jobs per addBulk call. */
const BULK = 200;

/** What the coordinator needs to know about the run. */
export interface QueuedRun {
  readonly target: QueueTarget;
  readonly key: string;
  readonly config: StudyConfig;
  readonly todo: readonly Cell[];
  /** Attempts per cell before it is recorded as failed. */
  readonly attempts: number;
  readonly onResult: (result: CellResult) => Promise<void>;
  readonly onFailure: (failure: FailedCell) => void;
  readonly log: (line: string) => void;
}

/** Enqueue the run's cells and wait until each has a result or has failed every attempt. */
export async function coordinateQueuedRun(run: QueuedRun): Promise<void> {
  const owed = new Map(run.todo.map((cell) => [cellJobId(run.key, cell), cell]));
  if (owed.size === 0) return;
  const queue = new Queue(QUEUE_NAME, { connection: run.target.options });
  const events = new QueueEvents(QUEUE_NAME, { connection: run.target.options });
  const silence = () => {};
  queue.on("error", silence);
  events.on("error", silence);
  let wake = () => {};
  const ours = ({ jobId }: { jobId: string }) => {
    if (owed.has(jobId)) wake();
  };
  events.on("completed", ours);
  events.on("failed", ours);
  let lostSince: number | undefined;
  let readdNeeded = false;
  // A connection of its own tells when Redis went away and came back (BullMQ's clients reconnect silently).
  const watch = new Redis({ ...run.target.options, maxRetriesPerRequest: 0 });
  watch.on("error", silence);
  watch.on("close", () => (lostSince ??= performance.now()));
  watch.on("ready", () => {
    if (lostSince !== undefined) {
      run.log(`queue: reconnected to ${run.target.display}`);
      readdNeeded = true;
      wake();
    }
    lostSince = undefined;
  });
  try {
    await events.waitUntilReady();
    await enqueue(queue, run, owed);
    let lastEnqueue = performance.now();
    while (owed.size > 0) {
      await collect(queue, run, owed);
      if (owed.size === 0) break;
      if (readdNeeded || performance.now() - lastEnqueue > REENQUEUE_EVERY_S * 1000) {
        readdNeeded = false;
        await enqueue(queue, run, owed);
        lastEnqueue = performance.now();
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, COLLECT_EVERY_S * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (lostSince !== undefined && performance.now() - lostSince > GIVE_UP_AFTER_S * 1000) {
        throw new Error(
          `lost the connection to Redis at ${run.target.display} for over ${GIVE_UP_AFTER_S} s; ` +
            `${owed.size} cell(s) unfinished (rerun the same command to resume)`,
        );
      }
    }
  } finally {
    watch.disconnect();
    await events.close();
    await queue.close();
  }
}

/** Add every owed cell's job; ids already in the queue are left as they are (BullMQ ignores the add). */
async function enqueue(queue: Queue, run: QueuedRun, owed: ReadonlyMap<string, Cell>) {
  const jobs = [...owed].map(([jobId, cell]) => ({
    name: "cell",
    data: { config: run.config, cell } satisfies CellJobData,
    opts: {
      jobId,
      attempts: run.attempts,
      backoff: { type: "fixed", delay: 1000 },
      // Results stay in Redis until the coordinator has appended them, then it removes them.
      removeOnComplete: false,
      removeOnFail: false,
    },
  }));
  for (let i = 0; i < jobs.length; i += BULK) await queue.addBulk(jobs.slice(i, i + BULK));
}

/** Hand over every finished job of this run (completed, or failed on its last attempt), then remove it. */
async function collect(queue: Queue, run: QueuedRun, owed: Map<string, Cell>): Promise<void> {
  const pick = (jobs: Job[]) => jobs.filter((j) => j?.id && owed.has(j.id));
  for (const job of pick(await queue.getCompleted(0, -1))) {
    const result = job.returnvalue as CellResult | undefined;
    if (result?.id !== owed.get(job.id!)!.id) continue; // not a result of this cell: leave it
    await run.onResult(result);
    owed.delete(job.id!);
    await job.remove().catch(() => {});
  }
  // BullMQ moves a job to the failed set only when no attempt is left (or it stalled too often).
  for (const job of pick(await queue.getFailed(0, -1))) {
    const error = job.failedReason ?? "unknown error";
    run.onFailure({ id: owed.get(job.id!)!.id, attempts: job.attemptsMade, error });
    owed.delete(job.id!);
    await job.remove().catch(() => {});
  }
}
