// Load on `spurious1d serve` over loopback: 200 concurrent keep-alive clients for a bounded time,
// mixing /health, small /generate, small /train and over-budget /train requests (which the handler's
// cost check must reject fast). Reports requests/s, p50/p99 latency per route, errors, and the
// server's RSS over the run (sampled from /proc), for serve under Node and under Deno. The baseline,
// in the same run and alternating: the same clients asking only /health of serve and of a bare
// node:http server that answers /health's JSON with no routing, adaptor or log (the floor on this machine).
// Run: npm run bench:serve [-- --seconds 20 --clients 200]
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import process from "node:process";
import { parseArgs } from "node:util";

const { values: flags } = parseArgs({
  options: { seconds: { type: "string", default: "20" }, clients: { type: "string", default: "200" } },
});
const SECONDS = Number(flags.seconds);
const CLIENTS = Number(flags.clients);
const DENO_BIN = "node_modules/.bin/deno";
// Pin the server to one core and leave the other to the clients (the machine has two).
const PIN = ["taskset", "-c", "1"];

interface Shot {
  readonly route: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
  /** The status that counts as success. */
  readonly expect: number;
}

const HEALTH: Shot = { route: "health", method: "GET", path: "/health", expect: 200 };
const GENERATE: Shot = {
  route: "generate",
  method: "POST",
  path: "/generate",
  body: JSON.stringify({ mnist: { numSamples: 100, seed: 1 } }),
  expect: 200,
};
const TRAIN: Shot = {
  route: "train",
  method: "POST",
  path: "/train",
  body: JSON.stringify({ mnist: { numSamples: 200, seed: 2 }, training: { model: "linear", steps: 5, batchSize: 50 } }),
  expect: 200,
};
// 1e6 steps x 100 examples: far over the handler's cost budget, so it must answer 422 before any work.
const OVER: Shot = {
  route: "overBudget",
  method: "POST",
  path: "/train",
  body: JSON.stringify({ mnist: { numSamples: 200 }, training: { model: "mlp", steps: 1_000_000 } }),
  expect: 422,
};
/** The mix, by request number: 12 of 20 /health, 4 /generate, 2 /train, 2 over budget. */
const MIX: readonly Shot[] = [
  ...Array(12).fill(HEALTH),
  ...Array(4).fill(GENERATE),
  ...Array(2).fill(TRAIN),
  ...Array(2).fill(OVER),
];

interface Server {
  readonly port: number;
  readonly child: ChildProcess;
  /** The pid whose RSS is sampled (the server itself, under taskset's exec). */
  readonly pid: number;
  logLines(): number;
}

// The server's log goes to a file, not a pipe: Node writes to pipes synchronously, so a log reader busy
// with the clients (this process) would stall the server it measures.
async function start(cmd: string[], label: string): Promise<Server> {
  mkdirSync(".tmp", { recursive: true });
  const file = `.tmp/serve_load-${label.replace(/\W+/g, "_")}.log`;
  const fd = openSync(file, "w");
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ["ignore", fd, "inherit"] });
  closeSync(fd);
  let exited = false;
  child.on("exit", () => (exited = true));
  const logLines = () => readFileSync(file, "utf8").split("\n").filter((l) => / (GET|POST) /.test(l)).length;
  for (let waited = 0; waited < 120_000; waited += 100) {
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(file, "utf8"));
    if (m) return { port: Number(m[1]), child, pid: child.pid!, logLines };
    if (exited) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${label} did not listen: ${readFileSync(file, "utf8")}`);
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

function send(agent: Agent, port: number, shot: Shot): Promise<number> {
  return new Promise((done) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: shot.method,
        path: shot.path,
        agent,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode ?? 0));
        res.on("error", () => done(0));
      },
    );
    req.on("error", () => done(0));
    req.end(shot.body);
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;

interface LoadResult {
  requests: number;
  perSecond: number;
  errors: number;
  routes: Record<string, { n: number; p50: number; p99: number; max: number }>;
  rss: { at: number; mib: number }[];
  /** Connecting the clients: wall time, and the slowest first answer (ms). */
  connect: { seconds: number; slowest: number };
}

/** `clients` loops, each sending the next shot of `mix` until `seconds` have passed. */
async function load(port: number, pid: number, mix: readonly Shot[], seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  // Connect every client first (one /health each, not timed): a steady state of `clients` open
  // connections is what is measured; the burst of connections is reported on its own.
  const connectStart = performance.now();
  const firsts = await Promise.all(Array.from({ length: CLIENTS }, async () => {
    const t = performance.now();
    await send(agent, port, HEALTH);
    return performance.now() - t;
  }));
  const connect = { seconds: (performance.now() - connectStart) / 1000, slowest: Math.max(...firsts) };
  const latencies: Record<string, number[]> = {};
  let errors = 0;
  let counter = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const rss: { at: number; mib: number }[] = [{ at: 0, mib: rssMiB(pid) }];
  const sampler = setInterval(() => rss.push({ at: (performance.now() - start) / 1000, mib: rssMiB(pid) }), 250);
  const client = async () => {
    while (performance.now() < end) {
      const shot = mix[counter++ % mix.length];
      const t = performance.now();
      const status = await send(agent, port, shot);
      (latencies[shot.route] ??= []).push(performance.now() - t);
      if (status !== shot.expect) errors++;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const elapsed = (performance.now() - start) / 1000;
  clearInterval(sampler);
  rss.push({ at: elapsed, mib: rssMiB(pid) });
  agent.destroy();
  const routes: LoadResult["routes"] = {};
  let requests = 0;
  for (const [route, list] of Object.entries(latencies)) {
    list.sort((a, b) => a - b);
    requests += list.length;
    routes[route] = { n: list.length, p50: quantile(list, 0.5), p99: quantile(list, 0.99), max: list.at(-1)! };
  }
  return { requests, perSecond: requests / elapsed, errors, routes, rss, connect };
}

async function stop(server: Server): Promise<number | null> {
  const exited = new Promise<number | null>((done) => server.child.on("exit", (code) => done(code)));
  server.child.kill("SIGTERM");
  return await exited;
}

function report(label: string, r: LoadResult, seconds: number, logLines: number): void {
  const peak = Math.max(...r.rss.map((s) => s.mib));
  // Flat: the peak of the second half against the peak of the second quarter (the first is warm-up).
  const end = r.rss.at(-1)!.at;
  const quarter = Math.max(...r.rss.filter((s) => s.at > end / 4 && s.at <= end / 2).map((s) => s.mib));
  const late = Math.max(...r.rss.filter((s) => s.at > end / 2).map((s) => s.mib));
  console.log(
    `\n${label}: ${r.requests} requests in ${seconds} s, ${r.perSecond.toFixed(0)} req/s, ${r.errors} errors`,
  );
  console.log(
    `  connecting ${CLIENTS} clients: ${r.connect.seconds.toFixed(2)} s, slowest first answer ${
      r.connect.slowest.toFixed(0)
    } ms`,
  );
  for (const [route, s] of Object.entries(r.routes)) {
    console.log(
      `  ${route.padEnd(11)} n=${String(s.n).padStart(6)}  p50 ${s.p50.toFixed(1).padStart(7)} ms  p99 ${
        s.p99.toFixed(1).padStart(7)
      } ms  max ${s.max.toFixed(1).padStart(7)} ms`,
    );
  }
  const tenths = Array.from({ length: 11 }, (_, i) => r.rss[Math.round(i / 10 * (r.rss.length - 1))].mib.toFixed(0));
  console.log(`  RSS MiB at every tenth of the run: ${tenths.join(" ")}`);
  console.log(
    `  peak ${peak.toFixed(0)} MiB; peak of the 2nd half / peak of the 2nd quarter ${(late / quarter).toFixed(3)}`,
  );
  console.log(`  access-log lines: ${logLines} (requests sent: ${r.requests})`);
}

const BARE = `
const { createServer } = require("node:http");
const body = JSON.stringify({ ok: true, name: "spurious1d" });
const s = createServer((req, res) => { res.writeHead(200, { "content-type": "application/json" }); res.end(body); });
s.listen(0, "127.0.0.1", () => console.log("listening on http://127.0.0.1:" + s.address().port));
process.on("SIGTERM", () => { s.close(); s.closeIdleConnections(); });
`;

console.log(
  `serve under load: ${CLIENTS} clients, ${SECONDS} s per run, server pinned to core 1 (${process.platform}, Node ${process.version})`,
);
const NODE_SERVE = [...PIN, process.execPath, "build/js/src/cli/main.js", "serve", "--port", "0"];
const DENO_SERVE = [...PIN, DENO_BIN, "run", "--allow-net", "src/cli/main.ts", "serve", "--port", "0"];
/** Only requests that cost no work: is an over-budget rejection as cheap as /health? */
const CHEAP_MIX: readonly Shot[] = [HEALTH, HEALTH, HEALTH, OVER];
for (
  const [label, cmd, mix, seconds] of [
    ["serve (Node), mixed", NODE_SERVE, MIX, SECONDS],
    ["serve (Deno), mixed", DENO_SERVE, MIX, SECONDS],
    ["serve (Node), /health and over-budget only", NODE_SERVE, CHEAP_MIX, Math.max(5, Math.round(SECONDS / 3))],
  ] as const
) {
  const server = await start([...cmd], label);
  // Warm up (tfjs and the kernels load on the first /train) before timing.
  for (const shot of [HEALTH, GENERATE, TRAIN, OVER]) await send(new Agent(), server.port, shot);
  const before = server.logLines();
  const r = await load(server.port, server.pid, mix, seconds);
  const code = await stop(server);
  report(label, r, seconds, server.logLines() - before);
  console.log(`  exit code after SIGTERM: ${code}`);
}
// Baseline, alternating twice: /health only, from serve (Node) and from the bare server.
const healthOnly = Math.max(5, Math.round(SECONDS / 3));
const ratios: number[] = [];
for (let round = 0; round < 2; round++) {
  const rates: Record<string, number> = {};
  for (
    const [label, cmd] of [
      ["serve (Node)", NODE_SERVE],
      ["bare node:http", [...PIN, process.execPath, "-e", BARE]],
    ] as const
  ) {
    const server = await start([...cmd], label);
    const r = await load(server.port, server.pid, [HEALTH], healthOnly);
    await stop(server);
    rates[label] = r.perSecond;
    console.log(
      `\n/health only, round ${round + 1}, ${label}: ${r.perSecond.toFixed(0)} req/s, p50 ${
        r.routes.health.p50.toFixed(1)
      } ms, p99 ${r.routes.health.p99.toFixed(1)} ms, ${r.errors} errors (connecting: slowest ${
        r.connect.slowest.toFixed(0)
      } ms)`,
    );
  }
  ratios.push(rates["serve (Node)"] / rates["bare node:http"]);
}
console.log(`\nserve /health throughput relative to bare node:http: ${ratios.map((r) => r.toFixed(2)).join(", ")}`);
