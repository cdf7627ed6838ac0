// Writing a command's output directory atomically: files go to a hidden sibling first and the
// directory appears under its name only when complete, so a failed run leaves nothing half-written.
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import process from "node:process";
import { UsageError } from "./usage_error.ts";

/** Fail early (before any work) if `out` cannot be created: it exists and `force` is off. */
export async function checkOutputDir(out: string, force: boolean): Promise<void> {
  const existing = await stat(out).catch(() => undefined);
  if (existing && !force) {
    throw new UsageError(
      `--out: expected a path that does not exist yet (or --force to replace it), got ${JSON.stringify(out)}`,
    );
  }
  if (existing && !existing.isDirectory()) {
    throw new UsageError(`--out: expected a directory path, got the existing file ${JSON.stringify(out)}`);
  }
}

/** Write all files into `out` atomically (replacing an old directory only when `force`). */
export async function writeOutputDir(
  out: string,
  files: ReadonlyMap<string, Uint8Array>,
  force: boolean,
): Promise<void> {
  const parent = dirname(out);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(out)}.partial-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    await mkdir(staging);
    for (const [name, bytes] of files) await writeFile(join(staging, name), bytes);
    if (force) await rm(out, { recursive: true, force: true });
    await rename(staging, out);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
