// Writing a command's output directory atomically: files go to a hidden sibling first and the
// directory appears under its name only when complete, so a failed run leaves nothing half-written.
// The path is checked before any work: a run must not compute for minutes and then fail to save.
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import process from "node:process";
import { UsageError } from "./usage_error.ts";

/** The longest file name most file systems take (bytes), and the longest path Linux takes. */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4095;

const bytes = (s: string) => new TextEncoder().encode(s).length;

/** stat, or undefined when nothing is there; a path the process may not look at (Deno without --allow-read) is a
 * UsageError rather than "does not exist". */
async function statOf(path: string, flag: string, shown: string) {
  try {
    return await stat(path);
  } catch (error) {
    const name = (error as Error).name;
    if (name === "NotCapable" || name === "PermissionDenied") {
      throw new UsageError(`${flag}: expected a path this process may read and write, got ${shown} (${reason(error)})`);
    }
    return undefined;
  }
}

function stagingPath(out: string): string {
  return join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
}

/** A one-line reason from a file-system error: "EACCES: permission denied". */
function reason(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const text = typeof e.message === "string" ? e.message.split(",")[0] : String(error);
  return typeof e.code === "string" && !text.startsWith(e.code) ? `${e.code}: ${text}` : text;
}

/**
 * Fail early (before any work) if `out` cannot be written: an empty or over-long path, an existing
 * file, an existing directory without `force`, a parent that is missing, not a directory or not
 * writable. Writability is probed by creating (and removing) the staging directory itself, which
 * also holds for root and for read-only or virtual file systems, where permission bits say nothing.
 */
export async function checkOutputDir(out: string, force: boolean, flag = "--out"): Promise<void> {
  const shown = JSON.stringify(out);
  if (out.length === 0) throw new UsageError(`${flag}: expected an output directory path, got nothing`);
  if (out.includes("\0")) throw new UsageError(`${flag}: expected a path without NUL characters, got ${shown}`);
  // The staging sibling adds ".NAME.partial-PID" to the last name: leave room for it.
  if (bytes(out) > MAX_PATH_BYTES || out.split("/").some((part) => bytes(part) > MAX_NAME_BYTES - 40)) {
    throw new UsageError(
      `${flag}: expected a path of at most ${MAX_PATH_BYTES} bytes whose names have at most ${
        MAX_NAME_BYTES - 40
      } bytes each, got ${bytes(out) > MAX_PATH_BYTES ? `one of ${bytes(out)} bytes` : "a longer name"}`,
    );
  }
  const existing = await statOf(out, flag, shown);
  if (existing && !existing.isDirectory()) {
    throw new UsageError(`${flag}: expected a directory path, got the existing file ${shown}`);
  }
  if (existing && !force) {
    throw new UsageError(
      `${flag}: expected a path that does not exist yet (or --force to replace it), got ${shown}`,
    );
  }
  const parent = dirname(out);
  const parentStat = await statOf(parent, flag, shown);
  if (!parentStat?.isDirectory()) {
    throw new UsageError(
      `${flag}: expected a path in an existing directory, got ${shown} (${
        parentStat ? "its parent is a file" : "its parent does not exist"
      })`,
    );
  }
  const staging = stagingPath(out);
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging);
    await rm(staging, { recursive: true, force: true });
  } catch (error) {
    throw new UsageError(`${flag}: expected a path in a writable directory, got ${shown} (${reason(error)})`);
  }
}

/** Write all files into `out` atomically (replacing an old directory only when `force`). */
export async function writeOutputDir(
  out: string,
  files: ReadonlyMap<string, Uint8Array>,
  force: boolean,
): Promise<void> {
  const staging = stagingPath(out);
  await rm(staging, { recursive: true, force: true });
  try {
    await mkdir(staging);
    for (const [name, data] of files) await writeFile(join(staging, name), data);
    if (force) await rm(out, { recursive: true, force: true });
    await rename(staging, out);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Fail early if `root` (a results root that may already exist, as a directory) cannot be written. */
export async function checkResultsRoot(root: string, flag = "--out"): Promise<void> {
  const shown = JSON.stringify(root);
  if (root.length === 0) throw new UsageError(`${flag}: expected a directory path, got nothing`);
  if (root.includes("\0")) throw new UsageError(`${flag}: expected a path without NUL characters, got ${shown}`);
  const existing = await statOf(root, flag, shown);
  if (existing && !existing.isDirectory()) {
    throw new UsageError(`${flag}: expected a directory path, got the existing file ${shown}`);
  }
  // Probe inside the root when it exists, else beside it (it will be created there).
  const probe = existing ? join(root, `.probe-${process.pid}`) : stagingPath(root);
  try {
    await mkdir(probe);
    await rm(probe, { recursive: true, force: true });
  } catch (error) {
    throw new UsageError(
      `${flag}: expected a writable directory (or one that can be created), got ${shown} (${reason(error)})`,
    );
  }
}
