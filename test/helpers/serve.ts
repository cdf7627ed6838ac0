// Starting `spurious1d serve` for a test: on a free loopback port, under Node or Deno, with its log.
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { DENO_BIN } from "./env.ts";

/** A running server: its base URL, its output so far, and how to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed (stdout and stderr). */
  output(): string;
  /** Send `signal` and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start `serve --port 0` (Node from build/js, or Deno from source with --allow-net only) and wait until it listens. */
export function startServer(runtime: "node" | "deno", extra: readonly string[] = []): Promise<RunningServer> {
  const [cmd, args] = runtime === "node"
    ? [process.execPath, ["build/js/src/cli/main.js", "serve", "--port", "0", ...extra]]
    : [DENO_BIN, ["run", "--allow-net", "src/cli/main.ts", "serve", "--port", "0", ...extra]];
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`serve did not listen within 120 s:\n${out}`));
    }, 120_000);
    const read = (d: Uint8Array) => {
      out += new TextDecoder().decode(d);
      const m = /listening on (http:\/\/[^\s]+?)\/? /.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({
          url: m[1].replace(/\/$/, ""),
          child,
          output: () => out,
          stop: (signal = "SIGTERM") => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code} before listening:\n${out}`));
    });
  });
}
