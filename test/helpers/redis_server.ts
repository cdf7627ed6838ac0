// A real redis-server for the queue tests: a temporary directory, a free loopback port, no
// persistence; it can be killed and started again on the same port. No mock of Redis anywhere.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { freshPath } from "./env.ts";

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL the server (its data is lost: it keeps none on disk). */
  kill(): Promise<void>;
  /** Start it again on the same port and directory. */
  start(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Start redis-server, or return why it cannot run here (the caller skips with that message). */
export async function startRedis(): Promise<RedisServer | string> {
  const dir = await freshPath("redis");
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
      const c = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${out}`)), 10_000);
      c.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      c.stdout!.on("data", (d: Uint8Array) => {
        out += new TextDecoder().decode(d);
        if (out.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${out}`));
      });
      child = c;
    });
  try {
    await launch();
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") {
      return "redis-server is not installed (npm test installs Debian's redis-server as root)";
    }
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const c = child!;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await exited;
    },
    start: launch,
  };
}
