// Where the tests run: repository paths, the runtime, and commands that run the CLI on it.
import process from "node:process";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";

/** True under Deno, false under Node. */
export const IS_DENO = "Deno" in globalThis;

/** The shared reference folder beside the checkout (tests may read it; the product never does). */
export const REFERENCE_DIR = "../shared/reference/mnist1d";

/** The Deno that npm installed (the suite runs from the repository root). */
export const DENO_BIN = "node_modules/.bin/deno";

/** Scratch space for tests, inside the repository (git-ignored). */
export const TMP_ROOT = ".tmp/test";

let counter = 0;

/** A fresh, empty directory path under TMP_ROOT (not created), unique within this process. */
export async function freshPath(name: string): Promise<string> {
  const path = join(TMP_ROOT, `${IS_DENO ? "deno" : "node"}-${process.pid}-${counter++}-${name}`);
  await rm(path, { recursive: true, force: true });
  await mkdir(TMP_ROOT, { recursive: true });
  return path;
}

/** The command line that runs the spurious1d CLI on the runtime running this test. */
export function cliCommand(args: readonly string[]): { cmd: string; args: string[] } {
  if (IS_DENO) {
    return { cmd: process.execPath, args: ["run", "--allow-read=.", "--allow-write=.", "src/cli/main.ts", ...args] };
  }
  return { cmd: process.execPath, args: ["build/js/src/cli/main.js", ...args] };
}
