// The study through a BullMQ queue on a real redis-server (started here on a free loopback port):
// results equal a local run's cell for cell; enqueueing is idempotent; a coordinator killed and
// restarted resumes without recomputing; a worker killed with SIGKILL mid-cell has its cell rerun
// by another worker; a Redis restart mid-run; a cell that fails every attempt; Redis unreachable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFile, realpath, stat } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import process from "node:process";
import { Queue } from "bullmq";
import { freshPath, IS_DENO } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";
import { freePort, type RedisServer, startRedis } from "../helpers/redis_server.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { studyCells } from "../../src/study/cells.ts";
import { cellJobId, QUEUE_NAME, runKey } from "../../src/cli/queue/jobs.ts";

const CONFIG = "test/fixtures/queue_study.json";
const BASE_CELL = "mlp,patch,coarse,rho=0.9,amp=1,seed=0";
const OTHER_CELL = "mlp,patch,coarse,rho=0.5,amp=1,seed=0";

/** The CLI on this test's runtime; under Deno with the worker's least privilege plus what the coordinator writes. */
async function cli(args: readonly string[], port: number): Promise<{ cmd: string; args: string[] }> {
  if (!IS_DENO) return { cmd: process.execPath, args: ["build/js/src/cli/main.js", ...args] };
  // node_modules may be a symlink to a shared install; Deno checks reads against the real path.
  const modules = await realpath("node_modules");
  const perms = [
    `--allow-read=.,${modules}`,
    "--allow-write=.tmp",
    "--allow-env",
    "--allow-sys=hostname",
    `--allow-net=127.0.0.1:${port}`,
  ];
  return { cmd: process.execPath, args: ["run", ...perms, "src/cli/main.ts", ...args] };
}

/** A background process whose output is kept, with a way to wait for a line. */
interface Background {
  readonly child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, seconds?: number): Promise<void>;
  exited(): Promise<number>;
}

async function background(args: readonly string[], port: number): Promise<Background> {
  const c = await cli(args, port);
  const child = spawn(c.cmd, c.args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let text = "";
  const add = (d: Uint8Array) => (text += new TextDecoder().decode(d));
  child.stdout!.on("data", add);
  child.stderr!.on("data", add);
  const exit = new Promise<number>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1)))
  );
  return {
    child,
    output: () => text,
    async waitFor(pattern, seconds = 180) {
      for (let i = 0; i < seconds * 10 && !pattern.test(text); i++) await sleep(100);
      assert.match(text, pattern, `waited ${seconds} s for ${pattern}`);
    },
    exited: () => exit,
  };
}

async function stop(p: Background, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await p.exited();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lines = async (file: string) => (await readFile(file, "utf8")).split("\n").filter((l) => l.trim() !== "");
const withoutTimes = (text: string) =>
  JSON.stringify(JSON.parse(text, (k, v) => (k === "seconds" || k === "profile" ? 0 : v)));
const byId = async (file: string) =>
  Object.fromEntries((await lines(file)).map((l) => [JSON.parse(l).id as string, withoutTimes(l)]));
const count = (text: string, needle: string) => text.split(needle).length - 1;

// The local run every queued run must equal, computed once.
let localRun: Promise<Record<string, string>> | undefined;
function localResults(): Promise<Record<string, string>> {
  localRun ??= (async () => {
    const out = await freshPath("queue-local");
    const c = await cli(["experiment", "--config", CONFIG, "--out", out, "--run", "l", "--workers", "1"], 0);
    const r = await run(c.cmd, c.args);
    assert.equal(r.code, 0, r.stderr);
    return await byId(`${out}/l/results.jsonl`);
  })();
  return localRun;
}

/** Start Redis for one test, or skip it with the reason. */
async function redisOrSkip(t: { skip: (message: string) => void }): Promise<RedisServer | undefined> {
  const redis = await startRedis();
  if (typeof redis === "string") {
    t.skip(redis);
    return undefined;
  }
  return redis;
}

async function jobCounts(redis: RedisServer): Promise<Record<string, number>> {
  const queue = new Queue(QUEUE_NAME, { connection: { host: "127.0.0.1", port: redis.port } });
  try {
    return await queue.getJobCounts("waiting", "active", "completed", "failed", "delayed");
  } finally {
    await queue.close();
  }
}

test("queue: bad URLs and an unreachable or silent Redis are clear errors with exit 2 within 10 s", async () => {
  const out = await freshPath("queue-bad");
  const closed = await freePort();
  const c = await cli(["experiment", "--config", CONFIG, "--out", out, "--queue", "http://x:1"], closed);
  const bad = await run(c.cmd, c.args);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--queue: expected redis:\/\/\[USER:PASSWORD@\]HOST:PORT\[\/DB\] .*, got "http:\/\/x:1"/);
  // The 10 s bound is for giving up on Redis; starting the CLI (loading tfjs and every command) is timed apart, by
  // `worker --help`, because on a loaded machine it alone can take seconds.
  const helpStart = performance.now();
  const help = await cli(["worker", "--help"], closed);
  assert.equal((await run(help.cmd, help.args)).code, 0);
  const startup = (performance.now() - helpStart) / 1000;
  const url = `redis://user:secret@127.0.0.1:${closed}`;
  for (const args of [["experiment", "--config", CONFIG, "--out", out, "--queue", url], ["worker", "--queue", url]]) {
    const start = performance.now();
    const c = await cli(args, closed);
    const r = await run(c.cmd, c.args);
    const seconds = (performance.now() - start) / 1000;
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /--queue: expected a reachable Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:\d+, got .*ECONNREFUSED/,
    );
    assert.ok(!r.stderr.includes("secret"), "the password is never printed");
    assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
    assert.ok(
      seconds - startup < 10,
      `${args[0]} gave up after ${seconds.toFixed(1)} s (startup ${startup.toFixed(1)} s)`,
    );
  }
  await assert.rejects(stat(`${out}`), "nothing was written");
  // A server that accepts connections and never answers: the check times out, still within 10 s.
  const sockets: Socket[] = [];
  const silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const port = (silent.address() as { port: number }).port;
  try {
    const start = performance.now();
    const c = await cli(["worker", "--queue", `redis://127.0.0.1:${port}`], port);
    const r = await run(c.cmd, c.args);
    const seconds = (performance.now() - start) / 1000;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--queue: expected a reachable Redis at redis:\/\/127\.0\.0\.1:\d+, got no answer within/);
    assert.ok(seconds - startup < 10, `gave up after ${seconds.toFixed(1)} s (startup ${startup.toFixed(1)} s)`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});

test("queue: results equal a local run; enqueueing twice adds nothing; a coordinator killed and restarted recomputes nothing", async (t) => {
  const redis = await redisOrSkip(t);
  if (!redis) return;
  const out = await freshPath("queue-restart");
  const experiment = ["experiment", "--config", CONFIG, "--out", out, "--run", "r", "--queue", redis.url];
  try {
    // The coordinator enqueues both cells, is killed, and a second one enqueues them again: still two jobs.
    for (let i = 0; i < 2; i++) {
      const coordinator = await background(experiment, redis.port);
      await coordinator.waitFor(/queue: 2 cell\(s\) of run/);
      for (let k = 0; k < 100 && (await jobCounts(redis)).waiting < 2; k++) await sleep(100);
      await sleep(500);
      await stop(coordinator, "SIGKILL");
      assert.deepEqual(await jobCounts(redis), { waiting: 2, active: 0, completed: 0, failed: 0, delayed: 0 });
    }
    // A worker started after the coordinator died runs both cells; nobody collects them yet.
    const worker = await background(["worker", "--queue", redis.url], redis.port);
    for (let k = 0; k < 3000 && (await jobCounts(redis)).completed < 2; k++) await sleep(100);
    assert.equal((await jobCounts(redis)).completed, 2);
    // The restarted coordinator takes both results from Redis, appends each once, and removes the jobs.
    const c = await cli(experiment, redis.port);
    const restarted = await run(c.cmd, c.args);
    assert.equal(restarted.code, 0, restarted.stderr);
    await stop(worker);
    const log = worker.output();
    for (const id of [BASE_CELL, OTHER_CELL]) assert.equal(count(log, `|${id} (attempt`), 1, `${id} ran once`);
    assert.equal(count(log, "start r@"), 2, "each cell ran once");
    assert.deepEqual(await jobCounts(redis), { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 });
    assert.deepEqual(await byId(`${out}/r/results.jsonl`), await localResults(), "the same results as a local run");
    for (const f of ["summary.json", "summary.csv", "report.html"]) {
      assert.ok((await stat(`${out}/r/${f}`)).size > 0, f);
    }
    // Running it again finds everything done and enqueues nothing.
    const again = await run(c.cmd, c.args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /2 already done, 0 to run/);
    assert.deepEqual(await jobCounts(redis), { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 });
  } finally {
    await redis.kill();
  }
});

test("queue: a worker killed with SIGKILL mid-cell has its cell rerun by another worker, appended once", async (t) => {
  const redis = await redisOrSkip(t);
  if (!redis) return;
  const out = await freshPath("queue-sigkill");
  try {
    // This worker starts before the coordinator; a 2 s lock makes the stalled cell come back quickly.
    const doomed = await background(["worker", "--queue", redis.url, "--lock-duration", "2"], redis.port);
    await doomed.waitFor(/worker: taking cells/);
    const coordinator = await background(
      ["experiment", "--config", CONFIG, "--out", out, "--run", "k", "--queue", redis.url],
      redis.port,
    );
    await doomed.waitFor(new RegExp(`start k@[^|]+\\|${BASE_CELL.replace(/[.]/g, "\\.")} \\(attempt 1\\)`));
    await stop(doomed, "SIGKILL");
    assert.ok(!doomed.output().includes("done k@"), "killed in the middle of its cell");
    const rescuer = await background(["worker", "--queue", redis.url, "--lock-duration", "2"], redis.port);
    assert.equal(await coordinator.exited(), 0, coordinator.output());
    await stop(rescuer);
    assert.match(rescuer.output(), new RegExp(`done k@[^|]+\\|${BASE_CELL.replace(/[.]/g, "\\.")} in`));
    const results = await lines(`${out}/k/results.jsonl`);
    assert.equal(results.length, 2);
    assert.deepEqual(await byId(`${out}/k/results.jsonl`), await localResults());
  } finally {
    await redis.kill();
  }
});

test("queue: Redis restarted mid-run (its data lost): the run reconnects, re-adds the lost jobs and finishes", async (t) => {
  const redis = await redisOrSkip(t);
  if (!redis) return;
  const out = await freshPath("queue-redis-restart");
  try {
    const worker = await background(["worker", "--queue", redis.url, "--lock-duration", "2"], redis.port);
    await worker.waitFor(/worker: taking cells/);
    const coordinator = await background(
      ["experiment", "--config", CONFIG, "--out", out, "--run", "x", "--queue", redis.url],
      redis.port,
    );
    await worker.waitFor(/start x@/);
    await redis.kill();
    await sleep(1000);
    await redis.start();
    assert.equal(await coordinator.exited(), 0, coordinator.output());
    assert.match(coordinator.output(), /queue: reconnected to redis:\/\/127\.0\.0\.1:\d+/);
    await stop(worker);
    assert.deepEqual(await byId(`${out}/x/results.jsonl`), await localResults());
  } finally {
    await redis.kill();
  }
});

test("queue: a cell that fails every attempt is recorded with its error in failed.jsonl and the report; the rest finishes; a rerun retries it", async (t) => {
  const redis = await redisOrSkip(t);
  if (!redis) return;
  const out = await freshPath("queue-fail");
  const config = resolveStudyConfig(JSON.parse(await readFile(CONFIG, "utf8")));
  const cell = studyCells(config).find((c) => c.id === OTHER_CELL)!;
  // A job already waiting under this cell's id, with data a worker rejects: the coordinator's add keeps it.
  const queue = new Queue(QUEUE_NAME, { connection: { host: "127.0.0.1", port: redis.port } });
  await queue.add("cell", { config, cell: { ...cell, rho: 0.25 } }, {
    jobId: cellJobId(runKey("f", config), cell),
    attempts: 2,
    backoff: { type: "fixed", delay: 100 },
  });
  await queue.close();
  const experiment = ["experiment", "--config", CONFIG, "--out", out, "--run", "f", "--queue", redis.url];
  try {
    const worker = await background(["worker", "--queue", redis.url], redis.port);
    const c = await cli([...experiment, "--attempts", "2"], redis.port);
    const first = await run(c.cmd, c.args);
    assert.equal(first.code, 1, first.stderr);
    assert.match(
      first.stderr,
      new RegExp(`1 cell\\(s\\) failed every attempt \\(${OTHER_CELL.replace(/[.]/g, "\\.")}\\)`),
    );
    assert.ok(!/\n\s+at /.test(first.stderr), "no stack trace");
    assert.equal(count(worker.output(), `failed f@`), 2, "tried twice");
    assert.deepEqual(Object.keys(await byId(`${out}/f/results.jsonl`)), [BASE_CELL], "the other cell finished");
    const failed = (await lines(`${out}/f/failed.jsonl`)).map((l) => JSON.parse(l));
    assert.equal(failed.length, 1);
    assert.equal(failed[0].id, OTHER_CELL);
    assert.equal(failed[0].attempts, 2);
    assert.match(failed[0].error, /job\.cell: expected one of the cells of the job's config/);
    const html = await readFile(`${out}/f/report.html`, "utf8");
    assert.match(html, /<h2>Failed cells<\/h2>/);
    assert.ok(html.includes(OTHER_CELL) && html.includes("job.cell: expected one of the cells"), "error in the report");
    assert.ok((await stat(`${out}/f/summary.json`)).size > 0);
    // The failed job was removed once recorded: a rerun enqueues the cell afresh and it succeeds, this time on
    // a worker inside the coordinator (--workers 1).
    await stop(worker);
    const local = await cli([...experiment, "--workers", "1"], redis.port);
    const second = await run(local.cmd, local.args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /1 already done, 1 to run on queue workers \(1 here\)/);
    assert.deepEqual(await byId(`${out}/f/results.jsonl`), await localResults());
    await assert.rejects(stat(`${out}/f/failed.jsonl`), "no failure left");
    assert.ok(!(await readFile(`${out}/f/report.html`, "utf8")).includes("Failed cells"));
  } finally {
    await redis.kill();
  }
});
