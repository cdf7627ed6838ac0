// The sweep queue under load, on this machine: (1) N tiny study cells (50 training steps; N = 500
// unless QUEUE_BENCH_CELLS says otherwise) through 4 `spurious1d worker` processes and a coordinator
// in this process, against the same cells on 4 local worker threads (the alternative it replaces):
// jobs per second, the coordinator's CPU per cell, Redis's memory, and the ratio of wall times;
// (2) `experiment --quick` over 2 worker processes against local worker threads (--workers 2), the
// ratio of wall times, QUEUE_BENCH_QUICK_REPS times (default 1). QUEUE_BENCH_LOCAL=0 skips the local
// side of (1). Needs redis-server and a build. Run: npm run bench:queue.
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { Redis } from "ioredis";
import { resolveStudyConfig } from "../src/study/config.ts";
import { studyCells } from "../src/study/cells.ts";
import type { CellResult } from "../src/study/run_cell.ts";
import { coordinateQueuedRun } from "../src/cli/queue/coordinator.ts";
import { parseQueueUrl } from "../src/cli/queue/connection.ts";
import { runKey } from "../src/cli/queue/jobs.ts";
import { runPool } from "../src/cli/worker_pool.ts";
import { freshPath } from "../test/helpers/env.ts";
import { type RedisServer, startRedis } from "../test/helpers/redis_server.ts";

const CELLS = Number(process.env.QUEUE_BENCH_CELLS ?? 500);
const MAIN = "build/js/src/cli/main.js";
const started = await startRedis();
if (typeof started === "string") throw new Error(started);
const redis: RedisServer = started;
const target = parseQueueUrl(redis.url);
const probe = new Redis(redis.port, "127.0.0.1");
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await probe.info("memory"))![1]);

const config = resolveStudyConfig({
  steps: 50,
  seeds: Array.from({ length: CELLS / 2 }, (_, i) => i),
  rho: 0.9,
  rhos: [0.5, 0.9],
  amplitude: 1,
  amplitudes: [1],
  models: ["mlp"],
  kinds: ["patch"],
  methods: { dfr: { C: [1], refits: 1 } }, // the cheapest valid list (an empty one is refused): one C, one refit
  heldoutSize: 20,
  heldoutSweep: { method: "dfr", sizes: [20], compositions: ["decorrelated"] },
  gammaSweep: { method: "afr", gammas: [0], arms: ["like-training"] },
  testSize: 100,
  tsnePoints: 50,
});
const cells = studyCells(config);

function startWorkers(count: number): ChildProcess[] {
  return Array.from(
    { length: count },
    () => spawn(process.execPath, [MAIN, "worker", "--queue", redis.url], { stdio: "ignore" }),
  );
}
async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(workers.map((w) => new Promise((r) => (w.once("exit", r), w.kill("SIGTERM")))));
}

async function queued(): Promise<{ seconds: number; cpuMsPerCell: number; waitingMb: number; peakMb: number }> {
  const before = await usedMemory();
  let waiting = 0;
  let peak = 0;
  const sampler = setInterval(async () => {
    const m = await usedMemory();
    peak = Math.max(peak, m);
    if (waiting === 0 && (await probe.llen("bull:spurious1d-cells:wait")) === cells.length) waiting = m;
  }, 100);
  // Workers start a moment after the coordinator, so the memory of all jobs waiting is seen.
  let workers: ChildProcess[] = [];
  const starter = setTimeout(() => (workers = startWorkers(4)), 1500);
  const cpu = process.cpuUsage();
  const start = performance.now();
  let done = 0;
  await coordinateQueuedRun({
    target,
    key: runKey(`bench-${Date.now()}`, config),
    config,
    todo: cells,
    attempts: 1,
    onResult: (_: CellResult) => Promise.resolve(void done++),
    onFailure: (f) => {
      throw new Error(`cell ${f.id} failed: ${f.error}`);
    },
    log: () => {},
  });
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  clearTimeout(starter);
  clearInterval(sampler);
  await stopWorkers(workers);
  if (done !== cells.length) throw new Error(`collected ${done} of ${cells.length}`);
  const mb = (bytes: number) => (bytes - before) / 2 ** 20;
  return {
    seconds,
    cpuMsPerCell: (used.user + used.system) / 1000 / cells.length,
    waitingMb: mb(waiting),
    peakMb: mb(peak),
  };
}

async function local(): Promise<number> {
  const url = new URL("../src/cli/study_worker.js", import.meta.url);
  const start = performance.now();
  await runPool(url, 4, cells.map((cell) => ({ config, cell })), async () => {});
  return (performance.now() - start) / 1000;
}

function command(args: string[]): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: "ignore" });
    child.on(
      "exit",
      (
        code,
      ) => (code === 0 ? resolve((performance.now() - start) / 1000) : reject(new Error(`${args} exited ${code}`))),
    );
  });
}

try {
  console.log(
    `${cells.length} tiny cells (50 steps), 4 workers; load average ${
      (await import("node:os")).loadavg()[0].toFixed(1)
    }`,
  );
  const q = await queued();
  // QUEUE_BENCH_LOCAL=0 skips the local side (when the machine is too slow for both at 500 cells).
  const l = process.env.QUEUE_BENCH_LOCAL === "0" ? NaN : await local();
  console.log(
    `queue: ${q.seconds.toFixed(1)} s, ${(cells.length / q.seconds).toFixed(2)} jobs/s; coordinator CPU ` +
      `${q.cpuMsPerCell.toFixed(2)} ms per cell; Redis memory over its idle level: ${q.waitingMb.toFixed(2)} MB with ` +
      `${cells.length} jobs waiting, peak ${q.peakMb.toFixed(2)} MB`,
  );
  console.log(
    `local threads: ${l.toFixed(1)} s, ${(cells.length / l).toFixed(2)} cells/s; queue / local wall time ${
      (q.seconds / l).toFixed(2)
    }`,
  );
  // The quick study, local threads then the queue, alternating, fresh output each time.
  const reps = Number(process.env.QUEUE_BENCH_QUICK_REPS ?? 1);
  const ratios: number[] = [];
  for (let i = 0; i < reps; i++) {
    const a = await command(["experiment", "--quick", "--workers", "2", "--out", await freshPath("bench-quick-local")]);
    const workers = startWorkers(2);
    const b = await command([
      "experiment",
      "--quick",
      "--queue",
      redis.url,
      "--out",
      await freshPath("bench-quick-queue"),
    ]);
    await stopWorkers(workers);
    ratios.push(b / a);
    console.log(
      `quick study: local threads ${a.toFixed(1)} s, 2 queue workers ${b.toFixed(1)} s, ratio ${(b / a).toFixed(2)}`,
    );
  }
  console.log(`load average at the end ${(await import("node:os")).loadavg()[0].toFixed(1)}`);
} finally {
  probe.disconnect();
  await redis.kill();
}
