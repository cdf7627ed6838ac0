// What travels through the queue: one job per study cell, with a deterministic id (the run's key
// plus the cell id) so enqueueing the same cell again is a no-op, its data (the resolved config and
// the cell) and its result (the cell's record, returned by the worker).
import { createHash } from "node:crypto";
import { ConfigError } from "../../config/errors.ts";
import { type Cell, studyCells } from "../../study/cells.ts";
import { resolveStudyConfig, type StudyConfig } from "../../study/config.ts";

/** The BullMQ queue every coordinator and worker shares (jobs of many runs may wait in it together). */
export const QUEUE_NAME = "spurious1d-cells";

/** A job's payload. */
export interface CellJobData {
  readonly config: StudyConfig;
  readonly cell: Cell;
}

/** A run's key: its name plus a hash of its config, so two runs with one name but other configs never share jobs. */
export function runKey(runName: string, config: StudyConfig): string {
  const hash = createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 12);
  // BullMQ job ids may not contain ':' (it separates Redis key parts).
  return `${runName.replace(/[:|]/g, "_")}@${hash}`;
}

/** The job id of a cell in a run: `<run key>|<cell id>`. */
export function cellJobId(key: string, cell: Cell): string {
  return `${key}|${cell.id}`;
}

/** Validate a job's payload where a worker receives it (it crossed the network): a valid config and one of its cells. */
export function resolveCellJob(data: unknown): CellJobData {
  if (typeof data !== "object" || data === null) throw new ConfigError("job", "an object {config, cell}", data);
  const { config: given, cell } = data as { config?: unknown; cell?: unknown };
  const config = resolveStudyConfig(given);
  const id = (cell as { id?: unknown } | null)?.id;
  const found = studyCells(config).find((c) => c.id === id);
  if (!found || JSON.stringify(found) !== JSON.stringify(cell)) {
    throw new ConfigError("job.cell", "one of the cells of the job's config", cell);
  }
  return { config, cell: found };
}
