// PyTorch as the baseline of the training benchmarks: Debian's python3-torch through /usr/bin/python3
// (the python3 on PATH may be another one), installed with apt-get when missing and running as root,
// one thread (bench/train_torch.py), pinned to one core with taskset when it exists, as our side is.
import process from "node:process";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

const PYTHON = "/usr/bin/python3";
/** The core both sides of a comparison run on. */
export const CORE = "1";

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

/** Whether taskset can pin a child to CORE. */
export const CAN_PIN = has("taskset", ["-c", CORE, "true"]);

/** The command line that runs `cmd` pinned to CORE when possible. */
export function pinned(cmd: string, args: string[]): [string, string[]] {
  return CAN_PIN ? ["taskset", ["-c", CORE, cmd, ...args]] : [cmd, args];
}

/** null when PyTorch runs; else why not (after trying to install it as root). */
export function torchMissing(): string | null {
  const check = () => has(PYTHON, ["-c", "import torch"]);
  if (check()) return null;
  if (process.getuid?.() === 0 && has("apt-get", ["--version"])) {
    console.error("PyTorch is missing: installing Debian's python3-torch with apt-get ...");
    spawnSync("apt-get", ["install", "-y", "python3-torch"], { stdio: "inherit" });
    if (check()) return null;
  }
  return `PyTorch is missing (${PYTHON} cannot import torch; install Debian's python3-torch as root)`;
}

/** PyTorch's version, for the report. */
export function torchVersion(): string {
  return spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" }).stdout.trim();
}

/** Write the training and test rows where train_torch.py reads them; returns the directory. */
export function writeData(dir: string, x: Float32Array, y: Int32Array, xt: Float32Array, yt: Int32Array): string {
  mkdirSync(dir, { recursive: true });
  const bytes = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(`${dir}/x.f32`, bytes(x));
  writeFileSync(`${dir}/y.i32`, bytes(y));
  writeFileSync(`${dir}/xt.f32`, bytes(xt));
  writeFileSync(`${dir}/yt.i32`, bytes(yt));
  return dir;
}

/** Run bench/train_torch.py with `args` (pinned); its last output line as a number. */
export function runTorch(args: string[]): number {
  const [cmd, argv] = pinned(PYTHON, ["bench/train_torch.py", ...args]);
  const r = spawnSync(cmd, argv, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`train_torch.py ${args.join(" ")} failed: ${r.stderr.slice(-400)}`);
  return Number(r.stdout.trim().split("\n").pop());
}
