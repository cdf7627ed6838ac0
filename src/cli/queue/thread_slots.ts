// A fixed set of worker threads that run one task each at a time, for a caller that hands out tasks
// one by one as they arrive (a queue worker), unlike runPool's fixed batch. A thread that crashes
// is replaced, and its task fails with the thread's error.
import { Worker } from "node:worker_threads";
import type { WorkerReply } from "../worker_pool.ts";

/** Run tasks on up to `size` threads started from `workerUrl` (same protocol as study_worker). */
export class ThreadSlots<T, R> {
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();

  constructor(
    readonly workerUrl: URL,
    readonly size: number,
  ) {}

  /** Run one task on an idle thread (the caller keeps at most `size` tasks in flight). */
  run(task: T): Promise<R> {
    const worker = this.#idle.pop() ?? this.#start();
    return new Promise<R>((resolve, reject) => {
      const onError = (error: Error) => {
        worker.off("message", onMessage);
        this.#all.delete(worker);
        void worker.terminate();
        reject(error);
      };
      const onMessage = (reply: WorkerReply<R>) => {
        worker.off("error", onError);
        this.#idle.push(worker);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.error));
      };
      worker.once("message", onMessage);
      worker.once("error", onError);
      worker.postMessage(task);
    });
  }

  /** Stop every thread. */
  async close(): Promise<void> {
    await Promise.all([...this.#all].map((w) => w.terminate()));
    this.#all.clear();
    this.#idle.length = 0;
  }

  #start(): Worker {
    if (this.#all.size >= this.size) throw new Error(`ThreadSlots: more than ${this.size} tasks in flight`);
    const worker = new Worker(this.workerUrl);
    this.#all.add(worker);
    return worker;
  }
}
