// Running subprocesses from tests (the CLI, the numpy oracle) and capturing their output.
import { spawn } from "node:child_process";
import process from "node:process";

/** What a finished subprocess printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion; never throws for a non-zero exit (tests assert on it). */
export function run(cmd: string, args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Uint8Array) => (stdout += new TextDecoder().decode(d)));
    child.stderr.on("data", (d: Uint8Array) => (stderr += new TextDecoder().decode(d)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
